package io.vigil.controlplane.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The one YAML file that configures a Vigil process, checked before the application starts so that
 * a bad file fails fast with {@code file:line:column: what}, instead of a framework stack trace.
 *
 * <p>Top-level sections: {@code vigil} (Vigil's own settings), and the Micronaut sections it passes
 * through ({@code micronaut}, {@code endpoints}, {@code logger}).
 */
public final class ConfigFile {

  /** The example bundled in the jar, used when no {@code --config} is given. */
  public static final String BUNDLED_EXAMPLE = "vigil-example.yml";

  static final Set<String> TOP_LEVEL = Set.of("vigil", "micronaut", "endpoints", "logger");

  private ConfigFile() {
  }

  /**
   * Checks that {@code path} is a readable YAML mapping whose top-level keys are known.
   *
   * @throws ConfigException naming the file, line and column of the first problem
   */
  public static void validate(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(path + ": no such file");
    }
    if (!Files.isReadable(path)) {
      throw new ConfigException(path + ": not readable");
    }
    Node root;
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new ConfigException(at(path, mark) + ": " + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
    } catch (YAMLException e) {
      throw new ConfigException(path + ": " + oneLine(e.getMessage()));
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read: " + e.getMessage());
    }
    if (root == null) {
      throw new ConfigException(path + ": the file is empty (expected a mapping with a 'vigil' section)");
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigException(at(path, root.getStartMark()) + ": expected a mapping of sections, found "
          + root.getNodeId());
    }
    rejectDuplicateKeys(path, mapping);
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      String name = key instanceof ScalarNode s ? s.getValue() : String.valueOf(key.getNodeId());
      if (!TOP_LEVEL.contains(name)) {
        throw new ConfigException(at(path, key.getStartMark()) + ": unknown section '" + name
            + "' (expected one of " + String.join(", ", TOP_LEVEL.stream().sorted().toList()) + ")");
      }
    }
  }

  /** A duplicate key silently overrides the first in most loaders; here it is an error at its line. */
  private static void rejectDuplicateKeys(Path path, Node node) {
    if (node instanceof MappingNode mapping) {
      Set<String> seen = new HashSet<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && !seen.add(key.getValue())) {
          throw new ConfigException(at(path, key.getStartMark()) + ": duplicate key '" + key.getValue() + "'");
        }
        rejectDuplicateKeys(path, tuple.getValueNode());
      }
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(item -> rejectDuplicateKeys(path, item));
    }
  }

  private static String at(Path path, Mark mark) {
    if (mark == null) {
      return path.toString();
    }
    // SnakeYAML marks are 0-based
    return path + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  private static String oneLine(String s) {
    return s == null ? "invalid YAML" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}

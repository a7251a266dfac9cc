package io.vigil.controlplane.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping read with positions, so every configuration error can say
 * {@code file:line:column: what}. Reading is strict: {@link #rejectUnknown} names keys no reader
 * asked for.
 *
 * <pre>{@code
 * YamlSection agent = YamlSection.load(path).section("vigil").section("agent");
 * List<String> roles = agent.strings("roles");
 * }</pre>
 */
public final class YamlSection {

  private final String source;
  private final MappingNode node;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  private YamlSection(String source, MappingNode node) {
    this.source = source;
    this.node = node;
    for (NodeTuple tuple : node.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key) {
        entries.put(key.getValue(), tuple);
      }
    }
  }

  /** The top-level mapping of a file (run {@link ConfigFile#validate} first for syntax errors). */
  public static YamlSection load(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return of(file.toString(), reader);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The top-level mapping of a classpath resource. */
  public static YamlSection loadResource(String resource) {
    InputStream in = YamlSection.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new ConfigException("classpath:" + resource + ": not found");
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return of("classpath:" + resource, reader);
    } catch (IOException e) {
      throw new ConfigException("classpath:" + resource + ": cannot read: " + e.getMessage());
    }
  }

  private static YamlSection of(String source, Reader reader) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (YAMLException e) {
      throw new ConfigException(source + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
    }
    if (root == null) {
      return new YamlSection(source, new MappingNode(org.yaml.snakeyaml.nodes.Tag.MAP, List.of(), org.yaml.snakeyaml.DumperOptions.FlowStyle.AUTO));
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigException(at(source, root.getStartMark()) + ": expected a mapping");
    }
    return new YamlSection(source, mapping);
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  public Set<String> keys() {
    return entries.keySet();
  }

  /** A nested mapping, or an empty section when the key is absent. */
  public YamlSection section(String key) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return new YamlSection(source, new MappingNode(org.yaml.snakeyaml.nodes.Tag.MAP, List.of(), org.yaml.snakeyaml.DumperOptions.FlowStyle.AUTO));
    }
    if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
      throw error(tuple.getValueNode(), "'" + key + "' must be a mapping");
    }
    return new YamlSection(source, mapping);
  }

  /** Every nested mapping under this one, by key. */
  public Map<String, YamlSection> sections() {
    Map<String, YamlSection> result = new LinkedHashMap<>();
    for (String key : entries.keySet()) {
      result.put(key, section(key));
    }
    return result;
  }

  /** A scalar as text, if present. */
  public Optional<String> string(String key) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return Optional.empty();
    }
    if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
      throw error(tuple.getValueNode(), "'" + key + "' must be a single value");
    }
    return Optional.of(scalar.getValue());
  }

  /**
   * A boolean, if present: {@code true} or {@code false} only (any case), so that a "yes", "on" or
   * "flase" is an error at its line rather than quietly false.
   */
  public Optional<Boolean> bool(String key) {
    return string(key).map(value -> switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw errorAt(key, key + ": '" + value + "' (expected true or false)");
    });
  }

  /** A list of scalars (a single scalar counts as a list of one); empty when absent. */
  public List<String> strings(String key) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return List.of();
    }
    Node value = tuple.getValueNode();
    if (value instanceof ScalarNode scalar) {
      return List.of(scalar.getValue());
    }
    if (!(value instanceof SequenceNode sequence)) {
      throw error(value, "'" + key + "' must be a list");
    }
    List<String> result = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode scalar)) {
        throw error(item, "items of '" + key + "' must be single values");
      }
      result.add(scalar.getValue());
    }
    return result;
  }

  /** A list of mappings; empty when absent. */
  public List<YamlSection> sectionList(String key) {
    NodeTuple tuple = entries.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      return List.of();
    }
    if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
      throw error(tuple.getValueNode(), "'" + key + "' must be a list");
    }
    List<YamlSection> result = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof MappingNode mapping)) {
        throw error(item, "items of '" + key + "' must be mappings");
      }
      result.add(new YamlSection(source, mapping));
    }
    return result;
  }

  /** Every scalar entry as text: for free-form option maps. */
  public Map<String, String> scalars() {
    Map<String, String> result = new LinkedHashMap<>();
    for (String key : entries.keySet()) {
      string(key).ifPresent(v -> result.put(key, v));
    }
    return result;
  }

  /**
   * The whole mapping as plain Java values (maps keep their order; scalars stay text; lists are lists):
   * for options handed to code outside the configuration layer, such as remediation types.
   */
  public Map<String, Object> plain() {
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) plain(node);
    return result;
  }

  private static Object plain(Node n) {
    if (n instanceof MappingNode mapping) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (NodeTuple t : mapping.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode key) {
          map.put(key.getValue(), plain(t.getValueNode()));
        }
      }
      return map;
    }
    if (n instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        list.add(plain(item));
      }
      return list;
    }
    return isNull(n) ? null : ((ScalarNode) n).getValue();
  }

  /** Fails on a key outside {@code allowed}, at its line. */
  public void rejectUnknown(Set<String> allowed) {
    for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw error(e.getValue().getKeyNode(), "unknown key '" + e.getKey() + "' (expected one of "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  /** A configuration error at the position of {@code key}'s value (or of this section). */
  public ConfigException errorAt(String key, String message) {
    NodeTuple tuple = entries.get(key);
    return error(tuple == null ? node : tuple.getValueNode(), message);
  }

  private ConfigException error(Node at, String message) {
    return new ConfigException(at(source, at.getStartMark()) + ": " + message);
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && node.getTag().getValue().endsWith(":null");
  }

  private static String at(String source, Mark mark) {
    return mark == null ? source : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}

package io.vigil.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import io.vigil.controlplane.agent.RoleCatalog;
import io.vigil.controlplane.planner.actions.Remediations;
import io.vigil.controlplane.planner.api.ApiSettings;
import io.vigil.controlplane.planner.engine.PlannerSettings;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps docs/configuration.md honest against the code: every key the configuration readers accept
 * (their {@code Set.of(...)} key sets, read from the Java sources so no reader has to publish them)
 * and every key they read is named in the doc; so is every probe type with each of its options,
 * every role and every remediation type; and every {@code vigil:} example in the doc passes the
 * checks start-up runs.
 */
class ConfigurationReferenceTest {

  private static final Path REPO = repo();
  private static final Path DOC = REPO.resolve("docs/configuration.md");
  private static final Path CONTROLPLANE = REPO.resolve("controlplane/src/main/java/io/vigil/controlplane");

  /** The classes that read the configuration file; each checks its own keys. */
  private static final List<String> READERS = List.of(
      "config/ConfigFile.java",
      "config/VigilConfig.java",
      "agent/AgentSettings.java",
      "agent/AgentNrpe.java",
      "agent/RoleCatalog.java",
      "agent/runtime/HttpListen.java",
      "planner/engine/PlannerSettings.java",
      "planner/api/ApiSettings.java");

  /**
   * Accepted keys that no Vigil reader reads. Micronaut reads its own sections. {@code events} is in
   * VigilConfig.PLANNER_KEYS but nothing reads {@code vigil.planner.events}; the doc says so, and
   * this test fails once something does, so that the doc is updated.
   */
  private static final Set<String> NOT_READ_BY_VIGIL = Set.of("endpoints", "logger");

  private static final Pattern SET_OF = Pattern.compile("Set\\.of\\(((?:\\s*\"[^\"]*\"\\s*,?)+)\\)");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern READ = Pattern.compile(
      "\\b(?:string|strings|section|sectionList|has|duration|integer|bool)\\([^\"()]*\"([^\"]+)\"");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`\\n]+)`");
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern ACCEPTED = Pattern.compile("\\(accepted: ([^)]*)\\)");
  private static final Pattern SITE_FILE = Pattern.compile("/etc/vigil/[A-Za-z0-9._/-]+");

  @TempDir
  Path dir;

  @Test
  void namesEveryKeyTheReadersAccept() throws IOException {
    Set<String> accepted = new TreeSet<>();
    for (String reader : READERS) {
      Matcher sets = SET_OF.matcher(source(reader));
      while (sets.find()) {
        accepted.addAll(literals(sets.group(1)));
      }
    }
    assertThat(accepted).as("keys found in the readers' Set.of(...)").contains("agents", "nrpe_cfg", "verify_deadline");
    assertThat(missingFromDoc(accepted)).as("accepted keys missing from docs/configuration.md").isEmpty();
  }

  @Test
  void namesEveryKeyTheReadersRead() throws IOException {
    assertThat(missingFromDoc(readKeys())).as("keys read by the code but missing from docs/configuration.md").isEmpty();
  }

  @Test
  void everyAcceptedKeyIsRead_orTheDocSaysItIsNot() throws IOException {
    Set<String> read = readKeys();
    Set<String> unread = new TreeSet<>();
    for (String reader : READERS) {
      Matcher sets = SET_OF.matcher(source(reader));
      while (sets.find()) {
        literals(sets.group(1)).stream().filter(k -> !read.contains(k)).forEach(unread::add);
      }
    }
    assertThat(unread).as("keys accepted but read by no Vigil reader (a typo would pass silently)")
        .isEqualTo(new TreeSet<>(NOT_READ_BY_VIGIL));
  }

  @Test
  void namesEveryProbeTypeWithItsOptions() throws IOException {
    String doc = doc();
    Map<String, String> problems = new LinkedHashMap<>();
    for (ProbeType type : ProbeCatalog.standard().types()) {
      String section = probeSection(doc, type.type());
      if (section == null) {
        problems.put(type.type(), "no section '### `" + type.type() + "`'");
        continue;
      }
      Set<String> spans = backticked(section);
      List<String> missing = acceptedOptions(type).stream().filter(o -> !spans.contains(o)).toList();
      if (!missing.isEmpty()) {
        problems.put(type.type(), "options not in its section: " + missing);
      }
    }
    assertThat(problems).as("probe types of ProbeCatalog.standard() and their options").isEmpty();
  }

  @Test
  void namesEveryRemediationTypeAndRole() throws IOException {
    Set<String> spans = backticked(doc());
    assertThat(Remediations.types().keySet().stream().filter(t -> !spans.contains(t)).toList())
        .as("remediation types of Remediations.types() missing from docs/configuration.md").isEmpty();
    assertThat(RoleCatalog.bundled().roles().stream().map(RoleCatalog.Role::name).filter(r -> !spans.contains(r)).toList())
        .as("bundled roles missing from docs/configuration.md").isEmpty();
  }

  @Test
  void everyExamplePassesTheStartUpChecks() throws IOException {
    Matcher blocks = YAML_BLOCK.matcher(doc());
    int checked = 0;
    List<String> failures = new ArrayList<>();
    while (blocks.find()) {
      String yaml = blocks.group(1);
      if (!startsWithVigil(yaml) || yaml.contains("# not validated")) {
        continue;
      }
      checked++;
      Path file = dir.resolve("example-" + checked + ".yml");
      Files.writeString(file, withSiteFiles(yaml), StandardCharsets.UTF_8);
      String refused = refusal(yaml);
      try {
        startUpChecks(file);
        if (refused != null) {
          failures.add("example " + checked + " should be refused with '" + refused + "' but passed:\n" + yaml);
        }
      } catch (ConfigException e) {
        if (refused == null || !e.getMessage().contains(file + refused)) {
          failures.add("example " + checked + (refused == null ? "" : " (expected '" + refused + "')") + ": "
              + e.getMessage() + "\n" + yaml);
        }
      }
    }
    assertThat(checked).as("vigil: examples in the doc").isGreaterThanOrEqualTo(10);
    assertThat(failures).isEmpty();
  }

  @Test
  void theStartUpChecksRefuseAnUnknownKey_soThisTestCanTellExamplesApart() throws IOException {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, "vigil:\n  planner:\n    policies:\n      - {name: p, check: disk, action: a, moed: auto}\n");
    assertThatThrownBy(() -> startUpChecks(file)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ":4:");
  }

  /** What {@code vigil run} checks before anything starts, plus the inventory as nagios-config reads it. */
  private static void startUpChecks(Path file) {
    ConfigFile.validate(file);
    VigilConfig config = new VigilConfig(file.toString());
    config.agentTokens();
    PlannerSettings planner = PlannerSettings.parse(config.root(), Remediations.types());
    planner.remediations().values().forEach(r -> {
      try {
        r.remediation().close();
      } catch (Exception e) {
        fail("closing remediation " + r.name(), e);
      }
    });
    ApiSettings.parse(config.root());
    config.agent();
    config.inventory(RoleCatalog.bundled());
  }

  /** Site files of an example ({@code /etc/vigil/...}) moved under the temp dir, and created there. */
  private String withSiteFiles(String yaml) throws IOException {
    Matcher m = SITE_FILE.matcher(yaml);
    Set<String> paths = new LinkedHashSet<>();
    while (m.find()) {
      paths.add(m.group());
    }
    for (String p : paths) {
      Path file = dir.resolve(p.substring(1));
      if (Files.exists(file)) {
        continue;
      }
      Files.createDirectories(file.getParent());
      if (file.getFileName().toString().startsWith("id_")) {
        sshKey(file);
      } else if (p.contains("/bin/")) {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
      } else {
        Files.writeString(file, file.endsWith("known_hosts") ? "" : "a-test-secret-of-32-characters-0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    }
    return yaml.replace("/etc/vigil/", dir.resolve("etc/vigil") + "/");
  }

  private static void sshKey(Path file) throws IOException {
    try {
      KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
      pair.writePrivateKey(file.toString());
      pair.dispose();
    } catch (com.jcraft.jsch.JSchException e) {
      throw new IOException("cannot make a test key: " + e.getMessage(), e);
    }
  }

  /** {@code # refused: :5:5: unknown key ...} in an example: the error it must produce. */
  private static String refusal(String yaml) {
    for (String line : yaml.lines().toList()) {
      if (line.strip().startsWith("# refused: ")) {
        return line.strip().substring("# refused: ".length());
      }
    }
    return null;
  }

  private static boolean startsWithVigil(String yaml) {
    return yaml.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
        .map(l -> l.equals("vigil:")).orElse(false);
  }

  /** The options a probe type reads: built with its required options and one unknown, whose refusal lists them. */
  private static Set<String> acceptedOptions(ProbeType type) {
    Map<String, String> required = switch (type.type()) {
      case "disk", "mount" -> Map.of("path", "/");
      case "file_freshness" -> Map.of("path", "/tmp");
      case "http_heartbeat" -> Map.of("url", "http://127.0.0.1:1/");
      case "nagios_plugin" -> Map.of("command", "/bin/true");
      case "pgpool_pcp_nodes" -> Map.of("user", "vigil");
      case "process" -> Map.of("cmdline", "celery");
      case "tcp" -> Map.of("port", "1");
      case "amqp_queue" -> Map.of("queue", "celery");
      default -> Map.of();
    };
    Map<String, String> options = new HashMap<>(required);
    options.put("zz_not_an_option", "1");
    try (Probe probe = ProbeCatalog.standard().create(type.type(), "reference", options)) {
      throw new AssertionError("probe type " + type.type() + " took an unknown option");
    } catch (IllegalArgumentException e) {
      Matcher m = ACCEPTED.matcher(e.getMessage());
      if (!m.find()) {
        throw new AssertionError("probe type " + type.type() + ": give it its required options in this test ("
            + e.getMessage() + ")");
      }
      return new TreeSet<>(Arrays.asList(m.group(1).split(",\\s*")));
    } catch (Exception e) {
      throw new AssertionError("closing probe " + type.type(), e);
    }
  }

  /** The text under {@code ### `type`} up to the next heading. */
  private static String probeSection(String doc, String type) {
    int start = doc.indexOf("\n### `" + type + "`\n");
    if (start < 0) {
      return null;
    }
    int end = doc.indexOf("\n#", start + 1);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  private static Set<String> readKeys() throws IOException {
    Set<String> read = new TreeSet<>();
    for (String reader : READERS) {
      Matcher m = READ.matcher(source(reader));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    return read;
  }

  private static Set<String> missingFromDoc(Set<String> keys) throws IOException {
    Set<String> spans = backticked(doc());
    Set<String> missing = new TreeSet<>(keys);
    missing.removeAll(spans);
    return missing;
  }

  /**
   * Every backticked span of the doc, and each dotted part of one ({@code `micronaut.server.port`}
   * names {@code server} and {@code port}).
   */
  private static Set<String> backticked(String text) {
    Set<String> spans = new LinkedHashSet<>();
    Matcher m = BACKTICKED.matcher(text);
    while (m.find()) {
      String span = m.group(1).strip();
      spans.add(span);
      spans.addAll(Arrays.asList(span.split("\\.")));
    }
    return spans;
  }

  private static List<String> literals(String args) {
    List<String> result = new ArrayList<>();
    Matcher m = STRING_LITERAL.matcher(args);
    while (m.find()) {
      result.add(m.group(1));
    }
    return result;
  }

  private static String source(String reader) throws IOException {
    return Files.readString(CONTROLPLANE.resolve(reader), StandardCharsets.UTF_8);
  }

  private static String doc() throws IOException {
    return Files.readString(DOC, StandardCharsets.UTF_8);
  }

  /** The repository root, from the module directory surefire runs in. */
  private static Path repo() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("controlplane"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}

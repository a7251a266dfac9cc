package io.vigil.probes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubprocessPluginEnvironmentTest {

  @Test
  void pluginsGetAClearedEnvironment_likeNrpe_soTheAgentsSecretsStayHome() throws Exception {
    Subprocess.Outcome env = Subprocess.runPlugin(List.of("/usr/bin/env"), Duration.ofSeconds(5), 64 * 1024);

    assertThat(env.stdout().lines().sorted().toList()).containsExactly(
        "LANG=C", "NRPE_MULTILINESUPPORT=1", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    assertThat(System.getenv()).as("the JVM itself has variables that must not leak").isNotEmpty();
  }

  @Test
  void pluginsRunInTheRootDirectory() throws Exception {
    assertThat(Subprocess.runPlugin(List.of("/bin/pwd"), Duration.ofSeconds(5), 1024).stdout()).isEqualTo("/\n");
  }
}

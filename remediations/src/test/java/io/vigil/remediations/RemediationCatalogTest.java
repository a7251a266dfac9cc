package io.vigil.remediations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Option validation of every type: errors name the key; nothing here touches the network. */
class RemediationCatalogTest {

  private static Remediation configure(String type, Map<String, Object> options) {
    return RemediationCatalog.standard().get(type).configure(options);
  }

  @Test
  void listsEveryStandardType() {
    assertThat(RemediationCatalog.standard().keySet()).containsExactly("pgpool_attach", "wal_replay_resume",
        "ssh_restart", "celery_restart", "memcached_flush", "http_flush", "proxy_cache_purge");
  }

  @Test
  void sshRestart_requiresKeyAndKnownHosts_andRefusesBadTemplates() {
    assertThatThrownBy(() -> configure("ssh_restart", Map.of())).hasMessageStartingWith("option 'identity': required");
    assertThatThrownBy(() -> configure("ssh_restart", Map.of("identity", "/nonexistent/key", "known_hosts", "/etc/hostname")))
        .hasMessage("option 'identity': /nonexistent/key is not a readable file");
    Map<String, Object> o = Map.of("identity", "/etc/hostname", "known_hosts", "/etc/hostname",
        "templates", Map.of("x", "systemctl restart {service} ; reboot"), "targets", Map.of("h", Map.of("address", "a")));
    assertThatThrownBy(() -> configure("ssh_restart", o)).hasMessageStartingWith("option 'templates.x': ';'");
    Map<String, Object> badParam = Map.of("identity", "/etc/hostname", "known_hosts", "/etc/hostname",
        "templates", Map.of("x", "systemctl restart {service}"),
        "targets", Map.of("h", Map.of("address", "a", "params", Map.of("service", "a$(id)"))));
    assertThatThrownBy(() -> configure("ssh_restart", badParam))
        .hasMessageStartingWith("option 'targets.h.params.service': parameter 'service': 'a$(id)' refused");
  }

  @Test
  void memcachedFlush_namesNestedKeys() {
    assertThatThrownBy(() -> configure("memcached_flush", Map.of("targets", Map.of("c", Map.of("host", "h", "port", "0")))))
        .hasMessage("option 'targets.c.port': 0 (expected: 1..65535)");
    assertThatThrownBy(() -> configure("memcached_flush", Map.of("timeout", "5 sec", "targets", Map.of())))
        .hasMessage("option 'timeout': '5 sec' (expected: a duration like 500ms, 5s, 2m)");
  }

  @Test
  void httpFlush_scopeIsOneOfThree() {
    assertThatThrownBy(() -> configure("http_flush", Map.of("scope", "everything", "targets", Map.of())))
        .hasMessage("option 'scope': 'everything' (expected: all, session, data)");
    assertThatThrownBy(() -> configure("http_flush", Map.of("targets", Map.of("w", Map.of("url", "ftp://x/")))))
        .hasMessageContaining("targets.w.url");
  }

  @Test
  void proxyCachePurge_wantsUrlOrDir_andNeverARootDir() {
    assertThatThrownBy(() -> configure("proxy_cache_purge", Map.of("targets", Map.of("p", Map.of()))))
        .hasMessageContaining("give either url").hasMessageContaining("not neither");
    assertThatThrownBy(() -> configure("proxy_cache_purge", Map.of("targets", Map.of("p", Map.of("cache_dir", "/var")))))
        .hasMessageContaining("too close to /");
    assertThatThrownBy(() -> configure("proxy_cache_purge", Map.of("targets", Map.of("p", Map.of("cache_dir", "/var/../")))))
        .hasMessageContaining("too close to /");
  }

  @Test
  void walReplayResume_requiresTargets() {
    assertThatThrownBy(() -> configure("wal_replay_resume", Map.of())).hasMessageStartingWith("option 'targets': required");
  }
}

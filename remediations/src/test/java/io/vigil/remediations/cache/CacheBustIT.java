package io.vigil.remediations.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Await;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationCatalog;
import io.vigil.remediations.TransientActionException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memcached_flush, http_flush and proxy_cache_purge against the lab's real memcached (51211) and
 * web head (58080, whose DELETE /services/flush/* empties that memcached), and a real directory.
 */
class CacheBustIT {

  private static final Lab LAB = Lab.get();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ActionTarget CACHE = ActionTarget.of("cache-1", "memcached");
  private static final ActionTarget WEB = ActionTarget.of("web-1", "heartbeat");

  @TempDir
  Path dir;

  @BeforeAll
  static void labUp() {
    LAB.up("memcached", "webhead");
  }

  private static void store(int n) throws Exception {
    try (Socket s = new Socket(LabPorts.HOST, LabPorts.MEMCACHED)) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      for (int i = 0; i < n; i++) {
        out.write(("set vigil-it-" + i + " 0 0 5\r\nvalue\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).isEqualTo("STORED");
      }
    }
  }

  private static Remediation memcached(int port) {
    return RemediationCatalog.standard().get("memcached_flush").configure(Map.of("timeout", "2s",
        "targets", Map.of("cache-1", Map.of("host", LabPorts.HOST, "port", Integer.toString(port)))));
  }

  @Test
  void flushAll_dropsItemsToZero_andVerifySaysSo() throws Exception {
    try (Remediation r = memcached(LabPorts.MEMCACHED)) {
      store(5);
      assertThat(r.verify(CACHE)).isEqualTo(Remediation.Verdict.NOT_YET);
      Precondition pre = r.preconditions(CACHE);
      assertThat(pre.ok()).isTrue();
      assertThat(Long.parseLong(pre.facts().get("curr_items"))).isGreaterThanOrEqualTo(5);
      assertThat(r.render(CACHE)).isEqualTo("flush_all   # memcached text protocol to cache-1 (127.0.0.1:51211)");
      ActionResult result = r.execute(CACHE, TIMEOUT);
      assertThat(result.ok()).as(result.summary()).isTrue();
      assertThat(result.stdout()).isEqualTo("OK");
      // flush_all invalidates at once but curr_items drops a moment later (LRU crawler): verify polls
      Await.until(TIMEOUT, "curr_items 0", () -> r.verify(CACHE), v -> v == Remediation.Verdict.HEALTHY);
      assertThat(((MemcachedFlush) r).stats(new MemcachedFlush.Node(LabPorts.HOST, LabPorts.MEMCACHED)))
          .containsEntry("curr_items", "0");
    }
  }

  @Test
  void closedMemcachedPort_isTransient() {
    try (Remediation r = memcached(1)) {
      assertThatThrownBy(() -> r.execute(CACHE, TIMEOUT)).isInstanceOf(TransientActionException.class)
          .hasMessageContaining("memcached 127.0.0.1:1");
    }
  }

  private static Remediation http(int port) {
    return RemediationCatalog.standard().get("http_flush").configure(Map.of(
        "targets", Map.of("web-1", Map.of("url", "http://127.0.0.1:" + port + "/"))));
  }

  @Test
  void webFlushEndpoint_emptiesTheCache_inTheScopeAsked() throws Exception {
    try (Remediation r = http(LabPorts.WEBHEAD)) {
      store(3);
      ActionTarget session = new ActionTarget("web-1", "", Map.of("scope", "session"));
      assertThat(r.render(session)).isEqualTo("DELETE http://127.0.0.1:58080/services/flush/session   # web-1");
      ActionResult result = r.execute(session, TIMEOUT);
      assertThat(result.ok()).as(result.summary()).isTrue();
      assertThat(result.stdout()).contains("\"scope\":\"session\"").contains("\"status\":\"ok\"");
      try (Remediation m = memcached(LabPorts.MEMCACHED)) {
        Await.until(TIMEOUT, "curr_items 0", () -> m.verify(CACHE), v -> v == Remediation.Verdict.HEALTHY);
      }
      assertThat(r.execute(WEB, TIMEOUT).summary()).contains("/services/flush/all answered 200");
    }
  }

  @Test
  void unknownScope_isRefused_neverSent() throws Exception {
    ActionTarget evil = new ActionTarget("web-1", "", Map.of("scope", "../heartbeat"));
    try (Remediation r = http(LabPorts.WEBHEAD)) {
      assertThatThrownBy(() -> r.render(evil)).hasMessageContaining("parameter 'scope': '../heartbeat' refused");
      assertThat(r.preconditions(evil).ok()).isFalse();
      assertThat(r.execute(evil, TIMEOUT).ok()).isFalse();
    }
  }

  @Test
  void closedWebPort_isTransient() {
    try (Remediation r = http(1)) {
      assertThatThrownBy(() -> r.execute(WEB, TIMEOUT)).isInstanceOf(TransientActionException.class);
    }
  }

  @Test
  void cacheBusterRequest_isSentWithItsMethod() throws Exception {
    try (Remediation r = RemediationCatalog.standard().get("proxy_cache_purge").configure(Map.of("targets",
        Map.of("proxy-1", Map.of("url", "http://127.0.0.1:" + LabPorts.WEBHEAD + "/services/flush/data", "method", "DELETE"))))) {
      ActionTarget proxy = ActionTarget.of("proxy-1", "");
      assertThat(r.render(proxy)).isEqualTo("DELETE http://127.0.0.1:58080/services/flush/data   # cache buster of proxy-1");
      ActionResult result = r.execute(proxy, TIMEOUT);
      assertThat(result.ok()).as(result.summary()).isTrue();
      assertThat(r.verify(proxy)).isEqualTo(Remediation.Verdict.USE_PROBE);
    }
  }

  @Test
  void cacheDirPurge_deletesFilesAndLinks_butNothingALinkPointsTo() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("nginx"));
    Path outside = Files.createDirectories(dir.resolve("precious"));
    Path keep = Files.writeString(outside.resolve("data.txt"), "keep me");
    Files.createDirectories(cache.resolve("a/1b"));
    Files.writeString(cache.resolve("a/1b/0d3c"), "cached");
    Files.writeString(cache.resolve("top"), "cached");
    Files.createSymbolicLink(cache.resolve("a/escape-dir"), outside);
    Files.createSymbolicLink(cache.resolve("escape-file"), keep);
    try (Remediation r = RemediationCatalog.standard().get("proxy_cache_purge").configure(Map.of("targets",
        Map.of("proxy-1", Map.of("cache_dir", cache.toString()))))) {
      ActionTarget proxy = ActionTarget.of("proxy-1", "");
      assertThat(r.preconditions(proxy).ok()).isTrue();
      assertThat(r.verify(proxy)).isEqualTo(Remediation.Verdict.NOT_YET);
      ActionResult result = r.execute(proxy, TIMEOUT);
      assertThat(result.ok()).as(result.summary()).isTrue();
      assertThat(result.summary()).isEqualTo("deleted 2 files and 2 symbolic links under " + cache);
      assertThat(r.verify(proxy)).isEqualTo(Remediation.Verdict.HEALTHY);
      assertThat(cache.resolve("a/1b")).isDirectory();
      assertThat(keep).hasContent("keep me");
    }
  }

  @Test
  void cacheDirThatIsALink_isRefused() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    try (Remediation r = RemediationCatalog.standard().get("proxy_cache_purge").configure(Map.of("targets",
        Map.of("proxy-1", Map.of("cache_dir", link.toString()))))) {
      Precondition pre = r.preconditions(ActionTarget.of("proxy-1", ""));
      assertThat(pre.ok()).isFalse();
      assertThat(pre.why()).contains("symbolic link");
      assertThat(r.execute(ActionTarget.of("proxy-1", ""), TIMEOUT).ok()).isFalse();
    }
  }

  @Test
  void verifyWaitsForThePurge() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("c"));
    try (Remediation r = RemediationCatalog.standard().get("proxy_cache_purge").configure(Map.of("targets",
        Map.of("p", Map.of("cache_dir", cache.toString()))))) {
      Await.until(TIMEOUT, "empty dir healthy", () -> r.verify(ActionTarget.of("p", "")),
          v -> v == Remediation.Verdict.HEALTHY);
    }
  }
}

package io.vigil.remediations.cache;

import io.vigil.probes.internal.HttpFetch;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import io.vigil.remediations.internal.Targets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: proxy_cache_purge}: empties a caching proxy's cache, per target either by its
 * cache-buster request ({@code url}, e.g. the IDR seed's port 9000, with {@code method} GET, POST,
 * PURGE or DELETE) or by deleting the files under its cache directory ({@code cache_dir}, e.g.
 * {@code /var/cache/nginx}) on the host the action runs on. The purge never follows a symbolic
 * link: links are removed as links, directories are kept, and a cache_dir that is itself a link
 * (or resolves elsewhere) is refused.
 *
 * <pre>{@code
 * remediations:
 *   bust-proxy:
 *     type: proxy_cache_purge
 *     options:
 *       targets:
 *         idr-proxy: {url: "http://10.0.5.1:9000/", method: GET}
 *         local-nginx: {cache_dir: /var/cache/nginx}
 * }</pre>
 */
public final class ProxyCachePurge implements Remediation {

  public static final String TYPE = "proxy_cache_purge";
  private static final List<String> METHODS = List.of("GET", "POST", "PURGE", "DELETE");
  private static final int MAX_BODY = 16 * 1024;

  /** One proxy: a buster request, or a cache directory. */
  record Proxy(URI url, String method, Path cacheDir) {
  }

  private final Targets<Proxy> proxies;
  private final Duration timeout;
  private final HttpClient client;

  ProxyCachePurge(Targets<Proxy> proxies, Duration timeout) {
    this.proxies = proxies;
    this.timeout = timeout;
    this.client = HttpFetch.newClient(timeout);
  }

  /** The {@code proxy_cache_purge} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> {
      Options o = Options.of(options);
      Duration timeout = o.duration("timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(10));
      Map<String, Options> targets = o.requiredSections("targets", "each proxy by inventory host name, "
          + "e.g. {proxy-1: {url: http://10.0.5.1:9000/}} or {proxy-1: {cache_dir: /var/cache/nginx}}");
      o.rejectUnknown();
      Map<String, Proxy> proxies = new LinkedHashMap<>();
      targets.forEach((name, t) -> {
        String url = t.string("url", null);
        String method = t.choice("method", "GET", METHODS);
        Path dir = t.absolutePath("cache_dir", null);
        t.rejectUnknown();
        if ((url == null) == (dir == null)) {
          throw new IllegalArgumentException("option '" + t.path("url") + "': give either url (a cache-buster "
              + "request) or cache_dir (files to delete), not " + (url == null ? "neither" : "both"));
        }
        if (dir != null && dir.getNameCount() < 2) {
          throw new IllegalArgumentException("option '" + t.path("cache_dir") + "': " + dir
              + " is too close to / to purge (expected a cache directory such as /var/cache/nginx)");
        }
        proxies.put(name, new Proxy(url == null ? null : HttpFetch.url(t.path("url"), url), method, dir));
      });
      return new ProxyCachePurge(new Targets<>(TYPE, "proxy", proxies), timeout);
    });
  }

  @Override
  public String render(ActionTarget target) {
    Proxy p = proxies.require(target);
    return p.url() != null ? p.method() + " " + p.url() + "   # cache buster of " + target.host()
        : "delete every file under " + p.cacheDir() + " (no symlinks followed, directories kept)   # on the planner's host, for "
        + target.host();
  }

  @Override
  public Precondition preconditions(ActionTarget target) {
    Proxy p = proxies.find(target);
    if (p == null) {
      return Precondition.refused(proxies.missing(target), Map.of());
    }
    if (p.url() != null) {
      return Precondition.holds(p.method() + " " + p.url(), Map.of("url", p.url().toString()));
    }
    String problem = dirProblem(p.cacheDir());
    return problem == null ? Precondition.holds(p.cacheDir() + " is a real directory", Map.of("cache_dir", p.cacheDir().toString()))
        : Precondition.refused(problem, Map.of("cache_dir", p.cacheDir().toString()));
  }

  /** Why a cache directory may not be purged, or null: it must be a directory reached without links. */
  static String dirProblem(Path dir) {
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return "cache_dir " + dir + " is not a directory" + (Files.isSymbolicLink(dir) ? " (a symbolic link)" : "");
      }
      if (!dir.toRealPath().equals(dir)) {
        return "cache_dir " + dir + " resolves to " + dir.toRealPath() + " through a symbolic link; configure the real path";
      }
      return null;
    } catch (IOException e) {
      return "cache_dir " + dir + ": " + e.getMessage();
    }
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException, InterruptedException {
    Proxy p = proxies.find(target);
    if (p == null) {
      return ActionResult.failed(proxies.missing(target));
    }
    return p.url() != null ? bust(p, timeout.compareTo(this.timeout) < 0 ? timeout : this.timeout) : purge(p.cacheDir());
  }

  private ActionResult bust(Proxy p, Duration limit) throws TransientActionException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(p.url()).method(p.method(), HttpRequest.BodyPublishers.noBody())
        .timeout(limit).build();
    HttpFetch.Response r;
    try {
      r = HttpFetch.send(client, request, limit, MAX_BODY);
    } catch (IOException e) {
      throw new TransientActionException(p.method() + " " + p.url() + ": " + HttpFetch.reason(e), e);
    }
    boolean ok = r.status() / 100 == 2;
    return new ActionResult(ok, -1, r.body(), "", p.method() + " " + p.url() + " answered " + r.status()
        + (ok ? "" : ": " + HttpFetch.excerpt(r.body(), 100)));
  }

  static ActionResult purge(Path dir) {
    String problem = dirProblem(dir);
    if (problem != null) {
      return ActionResult.failed(problem);
    }
    long[] counts = new long[3];   // files, links, failures
    StringBuilder errors = new StringBuilder();
    try {
      // walkFileTree does not follow links unless asked: a link is visited as a file and deleted as a link
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          try {
            Files.delete(file);
            counts[attrs.isSymbolicLink() ? 1 : 0]++;
          } catch (IOException e) {
            counts[2]++;
            if (errors.length() < 500) {
              errors.append(file).append(": ").append(e.getMessage()).append('\n');
            }
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          counts[2]++;
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      return ActionResult.failed("purge of " + dir + ": " + e.getMessage());
    }
    String summary = "deleted " + counts[0] + " files and " + counts[1] + " symbolic links under " + dir
        + (counts[2] == 0 ? "" : "; " + counts[2] + " could not be deleted");
    return new ActionResult(counts[2] == 0, -1, "", errors.toString(), summary);
  }

  /** A purged directory is healthy when no file is left in it; a buster request is judged by the probe. */
  @Override
  public Verdict verify(ActionTarget target) {
    Proxy p = proxies.find(target);
    if (p == null || p.url() != null) {
      return Verdict.USE_PROBE;
    }
    try (var files = Files.walk(p.cacheDir())) {
      return files.anyMatch(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) ? Verdict.NOT_YET : Verdict.HEALTHY;
    } catch (IOException | java.io.UncheckedIOException e) {
      return Verdict.NOT_YET;
    }
  }
}

package io.vigil.controlplane.planner.api;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** A planner context with the in-memory planner behind the REST API, on a port below 32768. */
public final class ApiTestServer implements AutoCloseable {

  public static final String ONCALL = "Bearer oncall-token-0123456789";
  public static final String LOADER = "Bearer loader-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final ApplicationContext context;
  final int port;

  public ApiTestServer(String configResource) {
    this.port = freePort();
    this.context = ApplicationContext.run(EmbeddedServer.class, Map.of(
        "micronaut.server.port", port,
        "vigil.planner.enabled", "true",
        "vigil.test.api-planner", "true",
        "vigil.config.file", Path.of("src/test/resources/" + configResource).toAbsolutePath().toString()))
        .getApplicationContext();
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public InMemoryPlannerOperations planner() {
    return context.getBean(InMemoryPlannerOperations.class);
  }

  ApiGuard guard() {
    return context.getBean(ApiGuard.class);
  }

  HttpResponse<String> get(String path, String authorization) throws Exception {
    return send("GET", path, authorization, null);
  }

  HttpResponse<String> post(String path, String authorization, String body) throws Exception {
    return send("POST", path, authorization, body);
  }

  HttpResponse<String> delete(String path, String authorization) throws Exception {
    return send("DELETE", path, authorization, null);
  }

  HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + "/api/v1" + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    context.close();
  }

  /** A free port in 20000..29999: below the ephemeral range and away from the lab's ports. */
  public static int freePort() {
    int start = ThreadLocalRandom.current().nextInt(20_000, 30_000);
    for (int i = 0; i < 10_000; i++) {
      int port = 20_000 + (start - 20_000 + i) % 10_000;
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException e) {
        // taken: try the next one
      }
    }
    throw new IllegalStateException("no free port in 20000..29999");
  }
}

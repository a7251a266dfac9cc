package io.vigil.controlplane.cli;

import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The planner's REST API as the CLI wrappers call it: {@code --planner URL} (default
 * {@code http://127.0.0.1:8480}) and the token from {@code --token-file F} or {@code VIGIL_API_TOKEN}.
 * An answer other than 2xx, or no answer, is an {@link ApiError} with the planner's own message.
 */
final class PlannerClient {

  static final String DEFAULT_URL = "http://127.0.0.1:8480";
  static final String TOKEN_ENV = "VIGIL_API_TOKEN";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The planner said no, or could not be reached; the message is for the operator. */
  static final class ApiError extends Exception {
    ApiError(String message) {
      super(message, null, false, false);
    }
  }

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final ObjectMapper json = ObjectMapper.getDefault();

  PlannerClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /** From the common options and the environment; a bad URL or unreadable token file is a usage error. */
  static PlannerClient from(CliOptions options, Map<String, String> env) {
    String url = options.value("planner").orElse(DEFAULT_URL);
    URI base;
    try {
      base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--planner: '" + url + "' is not a URL");
    }
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("--planner: '" + url + "' is not an http(s) URL");
    }
    String token = options.value("token-file").map(PlannerClient::readToken)
        .orElseGet(() -> env.getOrDefault(TOKEN_ENV, "").strip());
    return new PlannerClient(base, token.isEmpty() ? null : token);
  }

  private static String readToken(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("--token-file: cannot read " + file + " (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  JsonNode get(String path) throws ApiError {
    return send(request(path).GET());
  }

  JsonNode post(String path, Map<String, ?> body) throws ApiError {
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (IOException e) {
      throw new ApiError("cannot write the request: " + e.getMessage());
    }
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(text)));
  }

  JsonNode delete(String path) throws ApiError {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path)).timeout(TIMEOUT)
        .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private JsonNode send(HttpRequest.Builder request) throws ApiError {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new ApiError("cannot reach the planner at " + base + " (connection refused; is it running? --planner URL)");
    } catch (HttpTimeoutException e) {
      throw new ApiError("the planner at " + base + " did not answer within " + TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new ApiError("cannot reach the planner at " + base + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError("interrupted");
    }
    JsonNode body = parse(response.body());
    int status = response.statusCode();
    if (status / 100 != 2) {
      // Vigil's API answers {"error": ...}; Micronaut's own errors (no such route) carry "message"
      JsonNode error = body == null ? null : body.get("error") != null ? body.get("error") : body.get("message");
      String message = error != null && error.isString() ? error.getStringValue() : "no explanation given";
      String hint = status == 401 && token == null ? " (give a token with --token-file F or " + TOKEN_ENV + ")" : "";
      throw new ApiError("the planner answered " + status + ": " + message + hint);
    }
    return body == null ? JsonNode.createObjectNode(Map.of()) : body;
  }

  private JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return json.readValue(text, JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return null; // not JSON (a proxy's page): the status line says enough
    }
  }
}

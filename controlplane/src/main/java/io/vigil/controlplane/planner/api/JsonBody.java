package io.vigil.controlplane.planner.api;

import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON request body read with its path, so every complaint says where:
 * {@code alerts[2].labels.host: expected a string}. Malformed JSON names line and column.
 */
final class JsonBody {

  private static final Pattern POSITION = Pattern.compile("line: (\\d+), column: (\\d+)");
  private static final int MAX_MESSAGE = 200;

  private final JsonNode node;
  private final String path;

  private JsonBody(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Parses {@code body}, which must be a JSON object; throws IllegalArgumentException saying what and where. */
  static JsonBody parse(ObjectMapper json, String body) {
    if (body == null || body.isBlank()) {
      throw new IllegalArgumentException("a JSON object body is required");
    }
    JsonNode node;
    try {
      node = json.readValue(body, JsonNode.class);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("malformed JSON" + where(e) + ": " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    return new JsonBody(node, "");
  }

  /** Parses an optional body: absent or empty is an empty object. */
  static JsonBody parseOptional(ObjectMapper json, String body) {
    if (body == null || body.isBlank()) {
      return new JsonBody(JsonNode.createObjectNode(Map.of()), "");
    }
    return parse(json, body);
  }

  /** Fails on a field outside {@code allowed}: a typo must not silently widen a request. */
  JsonBody rejectUnknown(Set<String> allowed) {
    for (Map.Entry<String, JsonNode> e : node.entries()) {
      if (!allowed.contains(e.getKey())) {
        throw invalid(e.getKey(), "unknown field (expected one of " + String.join(", ", allowed.stream().sorted()
            .toList()) + ")");
      }
    }
    return this;
  }

  /** A string field; absent, null or blank is empty. */
  Optional<String> string(String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isString()) {
      throw invalid(key, "expected a string");
    }
    String s = value.getStringValue();
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  String requiredString(String key) {
    return string(key).orElseThrow(() -> invalid(key, "required"));
  }

  /** An ISO-8601 instant ({@code 2026-12-06T10:00:00Z}, or with an offset); absent is empty. */
  Optional<Instant> instant(String key) {
    return string(key).map(text -> {
      try {
        return parseInstant(text);
      } catch (DateTimeParseException e) {
        throw invalid(key, "'" + text + "' is not an ISO-8601 instant (e.g. 2026-12-06T10:00:00Z)");
      }
    });
  }

  static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant();
    }
  }

  /** An object of strings ({@code labels}, {@code params}); absent or null is empty. */
  Map<String, String> stringMap(String key) {
    JsonNode value = node.get(key);
    Map<String, String> result = new LinkedHashMap<>();
    if (value == null || value.isNull()) {
      return result;
    }
    if (!value.isObject()) {
      throw invalid(key, "expected an object of strings");
    }
    for (Map.Entry<String, JsonNode> e : value.entries()) {
      if (!e.getValue().isString()) {
        throw invalid(key + "." + e.getKey(), "expected a string");
      }
      result.put(e.getKey(), e.getValue().getStringValue());
    }
    return result;
  }

  /** A required array of objects. */
  List<JsonBody> objects(String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw invalid(key, "required");
    }
    if (!value.isArray()) {
      throw invalid(key, "expected an array");
    }
    List<JsonBody> result = new ArrayList<>();
    int i = 0;
    for (JsonNode item : value.values()) {
      String at = child(key) + "[" + i++ + "]";
      if (!item.isObject()) {
        throw new IllegalArgumentException(at + ": expected an object");
      }
      result.add(new JsonBody(item, at));
    }
    return result;
  }

  IllegalArgumentException invalid(String key, String message) {
    return new IllegalArgumentException(child(key) + ": " + message);
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String where(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = t.getMessage() == null ? null : POSITION.matcher(t.getMessage());
      if (m != null && m.find()) {
        return " at line " + m.group(1) + ", column " + m.group(2);
      }
    }
    return "";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    String line = message.lines().findFirst().orElse(message).replaceAll("\\s*\\(code \\d+\\)", "");
    return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line;
  }
}

package io.vigil.controlplane.planner.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The API's bearer tokens by name. A presented token is compared with every configured one in
 * constant time (SHA-256 digests of equal length, no early exit), so timing tells neither which
 * token nearly matched nor how many there are. Tokens are never logged or rendered.
 */
final class ApiTokens {

  private final Map<String, byte[]> digests = new LinkedHashMap<>();

  ApiTokens(Map<String, String> tokensByName) {
    tokensByName.forEach((name, token) -> digests.put(name, sha256(token)));
  }

  boolean isEmpty() {
    return digests.isEmpty();
  }

  /** The name of the token {@code presented} is, if any. */
  Optional<String> nameOf(String presented) {
    byte[] given = sha256(presented);
    String found = null;
    for (Map.Entry<String, byte[]> e : digests.entrySet()) {
      if (MessageDigest.isEqual(e.getValue(), given) && found == null) {
        found = e.getKey();
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must have it
    }
  }
}

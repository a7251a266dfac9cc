package io.vigil.controlplane.planner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The agents the planner accepts reports from, each with its shared token. Tokens are compared in
 * constant time and never logged.
 */
public final class AgentTokens {

  private final Map<String, byte[]> tokens;

  public AgentTokens(Map<String, String> tokensByAgent) {
    this.tokens = tokensByAgent.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
        Map.Entry::getKey, e -> e.getValue().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The agent that {@code authorization} ({@code Bearer <token>}) authenticates as {@code claimed}.
   *
   * @return the agent name, or empty for an unknown agent, a missing or wrong token
   */
  public Optional<String> authenticate(String claimed, String authorization) {
    if (claimed == null || authorization == null || !authorization.startsWith("Bearer ")) {
      return Optional.empty();
    }
    byte[] expected = tokens.get(claimed);
    byte[] given = authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    // compare even for an unknown agent, so timing does not tell which agents exist
    boolean match = MessageDigest.isEqual(expected == null ? new byte[32] : expected, given);
    return match && expected != null ? Optional.of(claimed) : Optional.empty();
  }

  public int size() {
    return tokens.size();
  }
}

package io.vigil.probes.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding, as
 * PostgreSQL and PgBouncer run it: client-first, server-first, client-final with the proof, then
 * the server's signature is checked. PostgreSQL takes the user from the startup packet, so the
 * SCRAM user name is empty ({@code n=}); the password is used as is (no SASLprep).
 */
public final class Scram {

  private static final String GS2_HEADER = "n,,";

  private final String password;
  private final String clientFirstBare;
  private final String clientNonce;
  private String authMessage;
  private byte[] saltedPassword;

  Scram(String user, String password, String clientNonce) {
    this.password = password;
    this.clientNonce = clientNonce;
    this.clientFirstBare = "n=" + user + ",r=" + clientNonce;
  }

  /** A new exchange with a random nonce. */
  public static Scram start(String password) {
    byte[] nonce = new byte[18];
    new SecureRandom().nextBytes(nonce);
    return new Scram("", password, Base64.getEncoder().encodeToString(nonce));
  }

  /** The SASLInitialResponse payload. */
  public String clientFirst() {
    return GS2_HEADER + clientFirstBare;
  }

  /**
   * The SASLResponse payload for the server's first message {@code r=...,s=...,i=...}.
   *
   * @throws IllegalArgumentException for a malformed server message or a nonce that is not ours
   */
  public String clientFinal(String serverFirst) {
    String nonce = attribute(serverFirst, 'r');
    byte[] salt = Base64.getDecoder().decode(attribute(serverFirst, 's'));
    int iterations;
    try {
      iterations = Integer.parseInt(attribute(serverFirst, 'i'));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SCRAM iteration count is not a number: " + serverFirst);
    }
    if (!nonce.startsWith(clientNonce) || iterations < 1 || iterations > 10_000_000) {
      throw new IllegalArgumentException("SCRAM server-first message rejected (nonce or iterations): " + serverFirst);
    }
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
        + ",r=" + nonce;
    authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    saltedPassword = pbkdf2(password, salt, iterations);
    byte[] clientKey = hmac(saltedPassword, "Client Key");
    byte[] signature = hmac(sha256(clientKey), authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** Whether the server's final message {@code v=...} proves it knew the password too. */
  public boolean verifyServerFinal(String serverFinal) {
    if (authMessage == null || !serverFinal.startsWith("v=")) {
      return false;
    }
    byte[] expected = hmac(hmac(saltedPassword, "Server Key"), authMessage);
    try {
      return MessageDigest.isEqual(expected, Base64.getDecoder().decode(attribute(serverFinal, 'v')));
    } catch (IllegalArgumentException e) {
      return false;   // not base64: not a signature at all
    }
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw new IllegalArgumentException("SCRAM message without '" + name + "=': " + message);
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}

package io.vigil.nagios.nrpe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Reads the PEM files nrpe.cfg's {@code ssl_cert_file}, {@code ssl_privatekey_file} and
 * {@code ssl_cacert_file} point to, with the JDK alone: certificates, and an unencrypted PKCS#8
 * private key ({@code BEGIN PRIVATE KEY}, which openssl 3 writes by default). Errors name the file
 * and say how to convert what is not supported.
 */
final class PemFiles {

  private static final Pattern CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+?)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

  private PemFiles() {
  }

  /** Every certificate in the file, in order: for a chain, the server's own first. */
  static List<X509Certificate> certificates(Path file) throws IOException {
    String text = read(file);
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher m = CERTIFICATE.matcher(text);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SSLException(file + ": not a valid PEM certificate: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new SSLException(file + ": no '-----BEGIN CERTIFICATE-----' block");
    }
    return certificates;
  }

  /** The unencrypted PKCS#8 key in the file. */
  static PrivateKey privateKey(Path file) throws IOException {
    String text = read(file);
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      String found = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "an encrypted key"
          : text.contains(" PRIVATE KEY-----") ? "a traditional (PKCS#1/SEC1) key" : "no private key";
      throw new SSLException(file + ": " + found + "; expected an unencrypted PKCS#8 key"
          + " ('-----BEGIN PRIVATE KEY-----'), e.g. from: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
    }
    PKCS8EncodedKeySpec spec;
    try {
      spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
    } catch (IllegalArgumentException e) {
      throw new SSLException(file + ": the key is not valid base64", e);
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new SSLException(file + ": a PKCS#8 key of none of " + KEY_ALGORITHMS);
  }

  /**
   * Fails unless {@code key} belongs to {@code certificate}: a mismatch would otherwise only show
   * as every handshake failing.
   */
  static void requireMatch(PrivateKey key, X509Certificate certificate, Path keyFile) throws SSLException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return; // RSASSA-PSS and others: JSSE reports a mismatch at the first handshake
    }
    try {
      byte[] probe = "vigil-nrpe".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      PublicKey publicKey = certificate.getPublicKey();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new SSLException(keyFile + " is not the key of certificate " + certificate.getSubjectX500Principal());
      }
    } catch (GeneralSecurityException e) {
      throw new SSLException(keyFile + " does not match certificate " + certificate.getSubjectX500Principal()
          + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws IOException {
    if (file == null) {
      throw new SSLException("no PEM file given");
    }
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1); // any bytes: a DER file fails on the markers
    } catch (IOException e) {
      throw new SSLException("cannot read " + file + ": " + e, e);
    }
  }
}

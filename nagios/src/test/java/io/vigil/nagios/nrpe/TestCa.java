package io.vigil.nagios.nrpe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority made at test time with the JDK's keytool (always there, unlike
 * the openssl binary), in a temporary directory deleted when the JVM exits: nothing private is ever
 * committed. It writes what check_nrpe's {@code -A -C -K} and the server's PEM loading read:
 *
 * <ul>
 *   <li>{@code ca.pem}, and {@code wrong-ca.pem} from an unrelated CA;
 *   <li>{@code server.pem} (signed by the CA, SAN IP:127.0.0.1 and DNS:localhost) and
 *       {@code server.key} (unencrypted PKCS#8), and the same pair as {@code server.p12};
 *   <li>{@code server-ec.pem} and {@code server-ec.key}: the same with an ECDSA P-256 key;
 *   <li>{@code client.pem} and {@code client.key}, signed by the CA, for {@code -C -K}.
 * </ul>
 *
 * One CA per JVM ({@link #get()}): keytool starts a JVM per call, about 10 calls in all.
 */
final class TestCa {

  static final String PASSWORD = "vigil-test";
  private static TestCa instance;

  final Path dir;

  private TestCa(Path dir) {
    this.dir = dir;
  }

  static synchronized TestCa get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("vigil-nrpe-ca");
        deleteOnExit(dir);
        instance = new TestCa(dir);
        instance.generate();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  Path caPem() {
    return dir.resolve("ca.pem");
  }

  Path wrongCaPem() {
    return dir.resolve("wrong-ca.pem");
  }

  Path serverPem() {
    return dir.resolve("server.pem");
  }

  Path serverKey() {
    return dir.resolve("server.key");
  }

  Path serverP12() {
    return dir.resolve("server.p12");
  }

  Path clientPem() {
    return dir.resolve("client.pem");
  }

  Path clientKey() {
    return dir.resolve("client.key");
  }

  NrpeServerConfig.ServerKey serverKeyPem() {
    return NrpeServerConfig.ServerKey.pem(serverPem(), serverKey());
  }

  /** The ECDSA P-256 server certificate and key. */
  NrpeServerConfig.ServerKey serverEcKeyPem() {
    return NrpeServerConfig.ServerKey.pem(dir.resolve("server-ec.pem"), dir.resolve("server-ec.key"));
  }

  /** A JSSE client context that trusts the CA, with the client certificate when asked for. */
  SSLContext clientContext(String protocol, boolean withClientCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", readCertificates(caPem()).get(0));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (withClientCertificate) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(dir.resolve("client.p12")), PASSWORD.toCharArray());
      }
      SSLContext context = SSLContext.getInstance(protocol);
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void generate() throws IOException {
    keypair("ca.p12", "ca", "CN=Vigil Test CA", "-ext", "bc:c");
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", path("ca.p12"), "-file", path("ca.pem"));
    keypair("wrong-ca.p12", "ca", "CN=Unrelated CA", "-ext", "bc:c");
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", path("wrong-ca.p12"), "-file", path("wrong-ca.pem"));
    signed("server", "CN=localhost", "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth", "RSA");
    signed("server-ec", "CN=localhost", "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth", "EC");
    signed("client", "CN=nagios", null, "eku=clientAuth", "RSA");
  }

  /** A key pair in NAME.p12, its CA-signed certificate as NAME.pem and its key as NAME.key. */
  private void signed(String name, String subject, String san, String eku, String keyAlgorithm) throws IOException {
    if (keyAlgorithm.equals("EC")) {
      keypair(name + ".p12", name, subject, "-keyalg", "EC", "-groupname", "secp256r1");
    } else {
      keypair(name + ".p12", name, subject);
    }
    keytool("-certreq", "-alias", name, "-keystore", path(name + ".p12"), "-file", path(name + ".csr"));
    List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", path("ca.p12"),
        "-infile", path(name + ".csr"), "-outfile", path(name + ".pem"), "-validity", "2", "-ext", eku,
        "-ext", "ku=digitalSignature,keyEncipherment"));
    if (san != null) {
      gencert.addAll(List.of("-ext", san));
    }
    keytool(gencert.toArray(String[]::new));
    // the keystore entry gets the signed chain, so the PKCS#12 variant serves the same certificate
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", path("ca.pem"), "-keystore", path(name + ".p12"));
    Files.writeString(dir.resolve(name + "-chain.pem"),
        Files.readString(dir.resolve(name + ".pem")) + Files.readString(caPem()));
    keytool("-importcert", "-noprompt", "-alias", name, "-file", path(name + "-chain.pem"),
        "-keystore", path(name + ".p12"));
    writeKeyPem(name);
  }

  private void keypair(String store, String alias, String subject, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-dname", subject, "-validity", "2",
        "-keystore", path(store)));
    args.addAll(List.of(extra));
    if (!args.contains("-keyalg")) {
      args.addAll(List.of("-keyalg", "RSA", "-keysize", "2048"));
    }
    keytool(args.toArray(String[]::new));
  }

  private void writeKeyPem(String name) throws IOException {
    try {
      PrivateKey key = (PrivateKey) load(dir.resolve(name + ".p12")).getKey(name, PASSWORD.toCharArray());
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded()); // PKCS#8, what "BEGIN PRIVATE KEY" holds
      Files.writeString(dir.resolve(name + ".key"),
          "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static KeyStore load(Path p12) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  static List<Certificate> readCertificates(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }

  private void keytool(String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    argv.addAll(List.of(args));
    argv.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD)); // PKCS#12: the key password is the store password
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool timed out: " + argv);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("keytool exited " + process.exitValue() + ": " + String.join(" ", args) + "\n" + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void deleteOnExit(Path dir) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // a temp directory left behind is harmless
      }
    }));
  }
}

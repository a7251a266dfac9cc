package io.vigil.nagios.nrpe;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link NrpeServer} listens and whom it trusts. Build it with {@link #builder()}; the
 * defaults are nrpe's where they are safe: port 5666, {@code allowed_hosts=127.0.0.1,::1}, TLS.
 *
 * <pre>{@code
 * NrpeServerConfig config = NrpeServerConfig.builder()
 *     .tls(ServerKey.pem(Path.of("/etc/vigil/nrpe.crt"), Path.of("/etc/vigil/nrpe.key")))
 *     .allowedHosts(AllowedHosts.parse("127.0.0.1,::1,192.0.2.10"))
 *     .build();
 * }</pre>
 *
 * @param bindAddress where to listen; the wildcard address listens on every interface, as nrpe does
 *     without {@code server_address}
 * @param tlsMode TLS with a certificate (the default), with required client certificates, plaintext,
 *     or the insecure legacy anonymous DH
 * @param serverKey the server's certificate and key; required for {@link TlsMode#TLS} and {@link
 *     TlsMode#TLS_CLIENT_CERT}, null otherwise
 * @param clientCaPem PEM file of the CA(s) that sign client certificates; required for {@link
 *     TlsMode#TLS_CLIENT_CERT}, null otherwise
 * @param allowedHosts peers the server talks to; others are dropped before a byte is read
 * @param readTimeout deadline from accept to a complete query, TLS handshake included. It is a
 *     deadline, not an idle timeout, so a client trickling a byte at a time cannot hold a connection
 * @param commandTimeout how long a command may take before the answer is {@code NRPE: Command timed
 *     out after N seconds} with UNKNOWN (nrpe's {@code command_timeout}, default 60 s)
 * @param maxConnections connections open at once; more are reset on accept (nrpe has no limit but
 *     forks per connection). Each open connection buffers at most one packet (65,555 bytes) plus its
 *     TLS records, so this bounds the memory a flood can take
 * @param maxOutputBytes most bytes of output in an answer, 1..65535 (the protocol's limit: a v3/v4
 *     {@code buffer_length} of 65536 with the NUL); output is cut on a UTF-8 character boundary. v2
 *     answers carry at most 1023 bytes whatever this says
 */
public record NrpeServerConfig(
    InetSocketAddress bindAddress,
    TlsMode tlsMode,
    ServerKey serverKey,
    Path clientCaPem,
    AllowedHosts allowedHosts,
    Duration readTimeout,
    Duration commandTimeout,
    int maxConnections,
    int maxOutputBytes) {

  /** nrpe's port ({@code server_port=5666}, sample-config/nrpe.cfg.in). */
  public static final int DEFAULT_PORT = 5666;
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
  /** nrpe's {@code command_timeout} default. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONNECTIONS = 128;

  public NrpeServerConfig {
    require(bindAddress != null, "bindAddress must not be null");
    require(tlsMode != null, "tlsMode must not be null");
    require(allowedHosts != null, "allowedHosts must not be null");
    boolean certificateMode = tlsMode == TlsMode.TLS || tlsMode == TlsMode.TLS_CLIENT_CERT;
    require(!certificateMode || serverKey != null,
        tlsMode + " needs the server's certificate and key (serverKey); use PLAINTEXT for check_nrpe -n");
    require(certificateMode || serverKey == null,
        "a certificate and key are given but tlsMode is " + tlsMode + ", which would not use them");
    require(tlsMode != TlsMode.TLS_CLIENT_CERT || clientCaPem != null,
        "TLS_CLIENT_CERT needs the CA file that signs client certificates (clientCaPem)");
    require(tlsMode == TlsMode.TLS_CLIENT_CERT || clientCaPem == null,
        "a client CA file is given but tlsMode is " + tlsMode + ", which would not check client certificates");
    require(readTimeout != null && readTimeout.toMillis() > 0, "readTimeout: " + readTimeout + " (expected: > 0)");
    require(commandTimeout != null && commandTimeout.toMillis() > 0,
        "commandTimeout: " + commandTimeout + " (expected: > 0)");
    require(maxConnections >= 1, "maxConnections: " + maxConnections + " (expected: >= 1)");
    require(maxOutputBytes >= 1 && maxOutputBytes <= NrpeLimits.MAX_TEXT_BYTES,
        "maxOutputBytes: " + maxOutputBytes + " (expected: 1.." + NrpeLimits.MAX_TEXT_BYTES + ")");
  }

  /** A builder with the defaults: wildcard:5666, TLS (a key must be given), localhost only. */
  public static Builder builder() {
    return new Builder();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** How the server protects the connection. */
  public enum TlsMode {
    /**
     * TLS 1.2 or 1.3 with the server's certificate. Default {@code check_nrpe} negotiates TLS 1.3
     * without verifying the certificate; {@code check_nrpe -A ca.pem} verifies it.
     */
    TLS,
    /**
     * As {@link #TLS}, and the client must present a certificate signed by {@code clientCaPem}
     * ({@code check_nrpe -A ca.pem -C client.pem -K client.key}), like nrpe's {@code ssl_client_certs=2}.
     */
    TLS_CLIENT_CERT,
    /** No TLS, for {@code check_nrpe -n}. Results and commands cross the network in clear. */
    PLAINTEXT,
    /**
     * <b>Insecure</b>, for pre-3.0 clients that offer nothing but anonymous Diffie-Hellman: TLS 1.2
     * {@code TLS_DH_anon_*} suites and no certificate. Anonymous DH authenticates nobody, so a man
     * in the middle can read and alter every result. Off unless chosen. It also removes {@code anon}
     * from the JVM-wide {@code jdk.tls.disabledAlgorithms} Security property, which must happen
     * before anything in the JVM uses JSSE; other TLS code in the JVM only gets anonymous suites if
     * it enables them by name, as JSSE never enables them by default. Each handshake also costs a
     * finite-field DH computation, several milliseconds of CPU.
     */
    LEGACY_ANON_DH
  }

  /** The server's certificate chain and private key. */
  public sealed interface ServerKey {

    /**
     * PEM files: the certificate chain (server certificate first) and an unencrypted PKCS#8 key
     * ({@code BEGIN PRIVATE KEY}, what {@code openssl req -newkey} writes; convert a PKCS#1
     * {@code BEGIN RSA PRIVATE KEY} with {@code openssl pkcs8 -topk8 -nocrypt}).
     */
    static ServerKey pem(Path certificateChain, Path privateKey) {
      return new Pem(certificateChain, privateKey);
    }

    /** A PKCS#12 keystore holding one private key entry and its chain. */
    static ServerKey pkcs12(Path keyStore, char[] password) {
      return new Pkcs12(keyStore, password);
    }

    /** See {@link ServerKey#pem}. */
    record Pem(Path certificateChain, Path privateKey) implements ServerKey {
      public Pem {
        require(certificateChain != null && privateKey != null, "certificate chain and key files must not be null");
      }
    }

    /** See {@link ServerKey#pkcs12}. The password is kept as given and never printed. */
    record Pkcs12(Path keyStore, char[] password) implements ServerKey {
      public Pkcs12 {
        require(keyStore != null, "keyStore must not be null");
        password = password == null ? new char[0] : password.clone();
      }

      @Override
      public char[] password() {
        return password.clone();
      }

      @Override
      public String toString() {
        return "Pkcs12[keyStore=" + keyStore + ", password=(redacted)]";
      }
    }
  }

  /** Builds an {@link NrpeServerConfig}; every setter has a safe default except the TLS key. */
  public static final class Builder {
    private InetSocketAddress bindAddress = new InetSocketAddress(DEFAULT_PORT);
    private TlsMode tlsMode = TlsMode.TLS;
    private ServerKey serverKey;
    private Path clientCaPem;
    private AllowedHosts allowedHosts = AllowedHosts.LOCALHOST;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxOutputBytes = NrpeLimits.MAX_TEXT_BYTES;

    private Builder() {
    }

    public Builder bindAddress(InetSocketAddress address) {
      this.bindAddress = address;
      return this;
    }

    /** Listens on {@code host} (an IP literal or name of a local interface) and {@code port}; 0 picks a free port. */
    public Builder bind(String host, int port) {
      this.bindAddress = new InetSocketAddress(host, port);
      return this;
    }

    /** TLS with this certificate and key. */
    public Builder tls(ServerKey key) {
      this.tlsMode = TlsMode.TLS;
      this.serverKey = key;
      this.clientCaPem = null;
      return this;
    }

    /** TLS, and client certificates signed by the CA(s) in {@code clientCaPem} are required. */
    public Builder tlsWithClientCertificates(ServerKey key, Path clientCaPem) {
      this.tlsMode = TlsMode.TLS_CLIENT_CERT;
      this.serverKey = key;
      this.clientCaPem = clientCaPem;
      return this;
    }

    /** No TLS ({@code check_nrpe -n}). */
    public Builder plaintext() {
      return noKey(TlsMode.PLAINTEXT);
    }

    /** Insecure anonymous DH for pre-3.0 clients; read {@link TlsMode#LEGACY_ANON_DH} first. */
    public Builder legacyAnonymousDh() {
      return noKey(TlsMode.LEGACY_ANON_DH);
    }

    private Builder noKey(TlsMode mode) {
      this.tlsMode = mode;
      this.serverKey = null;
      this.clientCaPem = null;
      return this;
    }

    public Builder allowedHosts(AllowedHosts hosts) {
      this.allowedHosts = hosts;
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = timeout;
      return this;
    }

    public Builder maxConnections(int max) {
      this.maxConnections = max;
      return this;
    }

    public Builder maxOutputBytes(int max) {
      this.maxOutputBytes = max;
      return this;
    }

    /** @throws IllegalArgumentException if the combination is invalid, e.g. TLS without a key */
    public NrpeServerConfig build() {
      return new NrpeServerConfig(bindAddress, tlsMode, serverKey, clientCaPem, allowedHosts, readTimeout,
          commandTimeout, maxConnections, maxOutputBytes);
    }
  }
}

package io.vigil.nagios.nrpe;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import io.vigil.nagios.nrpe.NrpeServerConfig.ServerKey;
import io.vigil.nagios.nrpe.NrpeServerConfig.TlsMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JSSE side of the TLS modes: an SSLContext and the parameters of every engine, built from the
 * config with the JDK alone. Netty's SslContext is not used: its JdkSslContext initializes a second,
 * default SSLContext that loads the JDK's cacerts, which an NRPE server never needs (it trusts
 * nobody in TLS mode and only its own CA in TLS_CLIENT_CERT mode); skipping it saves a good part of
 * the first answer's latency.
 *
 * <p>In TLS mode (the default, and what a busy Nagios server hits hardest) the handshakes run in
 * BoringSSL through Netty's OpenSSL engine when netty-tcnative is available: JDK 17's elliptic-curve
 * code in Java made the server's share of a check 1.8 ms of CPU, BoringSSL's a fraction of that
 * (see docs/performance.md). JSSE remains the fallback when the native library cannot load, and the
 * engine for client-certificate and anonymous-DH modes, whose exact alerts check_nrpe's output
 * depends on. {@code -Dvigil.nrpe.tls.engine=jdk} forces JSSE.
 */
final class TlsContexts {

  /** TLS 1.3 and 1.2: check_nrpe 4.x offers "TLSv1+" and with OpenSSL 3 negotiates 1.3. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * Forward-secret AEAD suites only, and the server's order wins, as nrpe 4.1 sets
   * SSL_OP_CIPHER_SERVER_PREFERENCE. AES-128-GCM comes first: it is TLS 1.3's mandatory suite
   * (RFC 8446 9.1), and with SHA-256 for the key schedule it costs JSSE less per handshake than
   * AES-256/SHA-384 (without C2 there are no AES or GHASH intrinsics). No finite-field DHE: every
   * client with AEAD suites has ECDHE, and 2048-bit DHE is BigInteger arithmetic that a JVM without
   * C2's intrinsics does slowly (an RSA-2048 signature, the same kind of work, takes 10 ms under C1):
   * a cheap way for a client to burn the agent's CPU. check_nrpe's
   * "ALL:!MD5:@STRENGTH:@SECLEVEL=0" offers every one of these.
   */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * The anonymous suites JSSE has, strongest first. Default check_nrpe ({@code -d 1}) includes ADH
   * and, with a server that offers only these, negotiates TLS_DH_anon_WITH_AES_256_GCM_SHA384.
   */
  static final List<String> ANON_DH_SUITES = List.of(
      "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
      "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "TLS_DH_anon_WITH_AES_256_CBC_SHA",
      "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "TLS_DH_anon_WITH_AES_128_CBC_SHA");

  static final String DISABLED_ALGORITHMS = "jdk.tls.disabledAlgorithms";

  /** {@code auto} (BoringSSL when it loads, else JSSE) or {@code jdk}. */
  static final String ENGINE_PROPERTY = "vigil.nrpe.tls.engine";

  /** X25519 first, as the C nrpe's OpenSSL 3 offers it; P-256 for clients without it. */
  static final String[] GROUPS = {"X25519", "P-256"};

  private static final AtomicBoolean PRELOADING = new AtomicBoolean();

  private final SSLContext context;
  private final SSLParameters parameters;
  private final SslContext openSsl;

  private TlsContexts(SSLContext context, SSLParameters parameters) {
    this.context = context;
    this.parameters = parameters;
    this.openSsl = null;
  }

  private TlsContexts(SslContext openSsl) {
    this.context = null;
    this.parameters = null;
    this.openSsl = openSsl;
  }

  /** Whether handshakes run in BoringSSL (true) or JSSE. */
  boolean isOpenSsl() {
    return openSsl != null;
  }

  /** The engine's name, for the log. */
  String engine() {
    return openSsl != null ? "BoringSSL" : "JSSE";
  }

  /** The server side of {@code config}'s TLS mode; null for PLAINTEXT. */
  static TlsContexts forServer(NrpeServerConfig config) throws IOException {
    try {
      return switch (config.tlsMode()) {
        case PLAINTEXT -> null;
        case LEGACY_ANON_DH -> anonymousDh();
        case TLS, TLS_CLIENT_CERT -> withCertificate(config);
      };
    } catch (GeneralSecurityException e) {
      throw new SSLException("NRPE " + config.tlsMode() + ": " + e.getMessage(), e);
    }
  }

  /** A server-side handler for one connection; the server's read deadline bounds the handshake. */
  SslHandler newHandler() {
    if (openSsl != null) {
      // the NRPE server's buffers are unpooled: one short connection per check
      SslHandler handler = openSsl.newHandler(UnpooledByteBufAllocator.DEFAULT);
      handler.setHandshakeTimeoutMillis(0);
      return handler;
    }
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(parameters);
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeoutMillis(0);
    return handler;
  }

  private static TlsContexts withCertificate(NrpeServerConfig config) throws IOException, GeneralSecurityException {
    KeyManager[] keyManagers = keyManagers(config.serverKey());
    if (config.tlsMode() == TlsMode.TLS && openSslWanted()) {
      return new TlsContexts(openSsl(keyManagers));
    }
    KeyStore trusted = emptyKeyStore();
    if (config.tlsMode() == TlsMode.TLS_CLIENT_CERT) {
      int n = 0;
      for (X509Certificate ca : PemFiles.certificates(config.clientCaPem())) {
        trusted.setCertificateEntry("ca-" + n++, ca);
      }
    }
    // an empty trust store in TLS mode: JSSE would otherwise load the JDK's cacerts for nothing
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, trust.getTrustManagers(), null);
    withoutResumption(context);
    SSLParameters parameters = new SSLParameters(supported(context, CIPHER_SUITES), PROTOCOLS.toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    parameters.setNeedClientAuth(config.tlsMode() == TlsMode.TLS_CLIENT_CERT);
    return new TlsContexts(context, parameters);
  }

  /**
   * Starts loading BoringSSL on a daemon thread, once: about 100-150 ms on a cold JVM (extracting
   * and linking the native library, Netty's probing of it) that then overlaps with reading the
   * config. A later {@link #forServer} waits for the same class initialization instead of repeating it.
   */
  static void preload() {
    if (PRELOADING.compareAndSet(false, true)) {
      Thread loader = new Thread(TlsContexts::openSslWanted, "vigil-nrpe-tls-preload");
      loader.setDaemon(true);
      loader.start();
    }
  }

  private static boolean openSslWanted() {
    return !"jdk".equals(System.getProperty(ENGINE_PROPERTY, "auto")) && OpenSsl.isAvailable();
  }

  /**
   * BoringSSL with the same protocols and suites as the JSSE context (the server's order wins, as
   * Netty sets SSL_OP_CIPHER_SERVER_PREFERENCE for servers) and no session cache: check_nrpe never
   * resumes. BoringSSL sends nothing after the client's Finished (no NewSessionTicket), so the
   * query check_nrpe writes behind its Finished would wait for a delayed ACK; {@link QuickAck} is
   * what prevents that.
   */
  private static SslContext openSsl(KeyManager[] keyManagers) throws IOException, GeneralSecurityException {
    // the key managers JSSE would use: Netty's forServer(key, chain) would store a PEM key in a
    // PKCS#12 KeyStore (PBKDF2) and, with no trust manager given, load the JDK's cacerts: about
    // 100 ms before the first answer, for nothing
    TrustManagerFactory nobody = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    nobody.init(emptyKeyStore());
    SslContext context = SslContextBuilder.forServer(new OpenSslCachingX509KeyManagerFactory(new ReadyKeys(keyManagers)))
        .trustManager(nobody)
        .sslProvider(SslProvider.OPENSSL)
        .protocols(PROTOCOLS)
        .ciphers(CIPHER_SUITES)
        .option(OpenSslContextOption.GROUPS, GROUPS)
        .build();
    ((OpenSslContext) context).sessionContext().setSessionCacheEnabled(false);
    return context;
  }

  /** A KeyManagerFactory of ready key managers; the caching factory around it converts a key once. */
  private static final class ReadyKeys extends SimpleKeyManagerFactory {

    private final KeyManager[] keyManagers;

    ReadyKeys(KeyManager[] keyManagers) {
      this.keyManagers = keyManagers.clone();
    }

    @Override
    protected void engineInit(KeyStore store, char[] password) {
    }

    @Override
    protected void engineInit(ManagerFactoryParameters parameters) {
    }

    @Override
    protected KeyManager[] engineGetKeyManagers() {
      return keyManagers.clone();
    }
  }

  private static KeyManager[] keyManagers(ServerKey key) throws IOException, GeneralSecurityException {
    if (key instanceof ServerKey.Pem pem) {
      List<X509Certificate> chain = PemFiles.certificates(pem.certificateChain());
      PrivateKey privateKey = PemFiles.privateKey(pem.privateKey());
      PemFiles.requireMatch(privateKey, chain.get(0), pem.privateKey());
      return new KeyManager[] {new SingleKeyManager(privateKey, chain.toArray(X509Certificate[]::new))};
    }
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    ServerKey.Pkcs12 pkcs12 = (ServerKey.Pkcs12) key;
    char[] password = pkcs12.password();
    try (InputStream in = Files.newInputStream(pkcs12.keyStore())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (IOException | GeneralSecurityException e) {
      throw new SSLException("cannot read PKCS#12 keystore " + pkcs12.keyStore() + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static TlsContexts anonymousDh() throws IOException, GeneralSecurityException {
    allowAnonymousSuites();
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(emptyKeyStore());
    context.init(new KeyManager[0], trust.getTrustManagers(), null);
    withoutResumption(context);
    if (!Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()).containsAll(ANON_DH_SUITES)) {
      // SSLAlgorithmConstraints reads the property once, when JSSE is first used in the JVM
      throw new SSLException("LEGACY_ANON_DH: this JVM used TLS before the NRPE server enabled anonymous DH,"
          + " so " + DISABLED_ALGORITHMS + " still applies; start the JVM with"
          + " -Djava.security.properties=<file with " + DISABLED_ALGORITHMS + " without 'anon'>");
    }
    SSLParameters parameters = new SSLParameters(ANON_DH_SUITES.toArray(String[]::new), new String[] {"TLSv1.2"});
    parameters.setUseCipherSuitesOrder(true);
    return new TlsContexts(context, parameters);
  }

  /**
   * Removes {@code anon} from the JVM-wide {@code jdk.tls.disabledAlgorithms}; JDK 17 lists it there,
   * so JSSE has no anonymous suites at all by default. JSSE still never enables them by default, so
   * other TLS code in the JVM only gets them by asking for them by name.
   */
  static synchronized void allowAnonymousSuites() {
    String disabled = Security.getProperty(DISABLED_ALGORITHMS);
    if (disabled == null || Arrays.stream(disabled.split(",")).noneMatch(t -> t.strip().equalsIgnoreCase("anon"))) {
      return;
    }
    Security.setProperty(DISABLED_ALGORITHMS, Arrays.stream(disabled.split(","))
        .map(String::strip)
        .filter(token -> !token.isEmpty() && !token.equalsIgnoreCase("anon"))
        .collect(Collectors.joining(", ")));
  }

  /**
   * A server session cache of one entry instead of JSSE's 20,480: check_nrpe runs one process per
   * check and never resumes, and the default cache would hold a session per connection for 24 hours,
   * megabytes of heap on a busy agent. Session tickets stay on, although no NRPE client uses them:
   * JSSE 17 skips them when the session timeout is over 7 days, but its TLS 1.2 ServerHello still
   * promises one and OpenSSL then aborts with "unexpected message" (measured with check_nrpe
   * -S TLSv1.2). The TLS 1.3 ticket also earns its keep: sent as soon as the client's Finished
   * arrives, it acknowledges it, so the query check_nrpe writes right behind its Finished (Nagle
   * on) is not held back for a delayed ACK (measured: a Netty/BoringSSL server that sent nothing
   * there took 50 ms per check instead of 10).
   */
  private static void withoutResumption(SSLContext context) {
    SSLSessionContext sessions = context.getServerSessionContext();
    sessions.setSessionCacheSize(1);
  }

  private static String[] supported(SSLContext context, List<String> wanted) {
    List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
    return wanted.stream().filter(supported::contains).toArray(String[]::new);
  }

  private static KeyStore emptyKeyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }
}

package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TLS modes with a JSSE client that verifies the server against the test CA. */
class NrpeServerTlsTest {

  private static final TestCa CA = TestCa.get();
  private final List<NrpeServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(NrpeServer::close);
  }

  @Test
  void tls13AndTls12Clients_getTheAnswer() throws IOException {
    NrpeServer server = start(NrpeServerConfig.builder().tls(CA.serverKeyPem()));

    assertThat(client(server, CA.clientContext("TLSv1.3", false)).query(4, "check_ok"))
        .isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
    assertThat(client(server, CA.clientContext("TLSv1.2", false)).query(2, "check_crit"))
        .isEqualTo(NrpePacket.response(2, 2, "CRITICAL: backend-down"));
  }

  @Test
  void tlsMode_handshakesInBoringSsl_whereTheNativeLibraryShips() throws IOException {
    // netty-tcnative is bundled for Linux x86-64 only: the machines CI and the benchmark run on
    assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
    NrpeServerConfig.Builder pem = NrpeServerConfig.builder().tls(CA.serverKeyPem());
    NrpeServerConfig.Builder pkcs12 = NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pkcs12(CA.serverP12(), TestCa.PASSWORD.toCharArray()));
    NrpeServerConfig.Builder clientCert = NrpeServerConfig.builder()
        .tlsWithClientCertificates(CA.serverKeyPem(), CA.caPem());

    assertThat(TlsContexts.forServer(pem.build()).engine()).isEqualTo("BoringSSL");
    assertThat(TlsContexts.forServer(pkcs12.build()).engine()).isEqualTo("BoringSSL");
    assertThat(TlsContexts.forServer(clientCert.build()).engine()).as("its alerts are JSSE's").isEqualTo("JSSE");
  }

  @Test
  void tls12Renegotiation_isRefused() throws Exception {
    NrpeServer server = start(NrpeServerConfig.builder().tls(CA.serverKeyPem()));
    SSLContext tls12 = CA.clientContext("TLSv1.2", false);

    Throwable failure;
    try (SSLSocket socket = (SSLSocket) tls12.getSocketFactory()
        .createSocket(server.localAddress().getAddress(), server.localAddress().getPort())) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      failure = catchThrowable(() -> {
        socket.startHandshake(); // a client-initiated renegotiation
        OutputStream out = socket.getOutputStream();
        out.write(NrpeTestClient.encode(NrpePacket.query(4, "check_ok")));
        out.flush();
        assertThat(socket.getInputStream().readAllBytes()).isEmpty();
      });
    }

    assertThat(failure == null || failure instanceof IOException).as(String.valueOf(failure)).isTrue();
    awaitRejected(server, RejectReason.TLS_RENEGOTIATION, 1);
    assertThat(server.counters().requestsTotal()).isZero();
  }

  @Test
  void clientCertificates_areRequired_whenConfigured() throws Exception {
    NrpeServer server = start(NrpeServerConfig.builder().tlsWithClientCertificates(CA.serverKeyPem(), CA.caPem()));

    assertThat(client(server, CA.clientContext("TLSv1.3", true)).query(4, "check_ok"))
        .isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
    assertThat(catchThrowable(() -> client(server, CA.clientContext("TLSv1.3", false)).query(4, "check_ok")))
        .isInstanceOf(IOException.class);
    awaitRejected(server, RejectReason.TLS_HANDSHAKE, 1);
  }

  @Test
  void pkcs12Keystore_servesTheSameCertificate() throws IOException {
    NrpeServer server = start(NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pkcs12(CA.serverP12(), TestCa.PASSWORD.toCharArray())));

    assertThat(client(server, CA.clientContext("TLSv1.3", false)).query(3, "_NRPE_CHECK"))
        .isEqualTo(NrpePacket.response(3, 0, "NRPE v4.1.0"));
  }

  @Test
  void unreadableKeyMaterial_failsToStart_namingTheFiles() {
    Path missing = CA.dir.resolve("missing.key");

    assertThatThrownBy(() -> start(NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pem(CA.serverPem(), missing))))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("missing.key");
    assertThatThrownBy(() -> start(NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pkcs12(CA.serverP12(), "wrong".toCharArray()))))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("server.p12")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void keyOfAnotherCertificate_failsToStart() {
    assertThatThrownBy(() -> start(NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pem(CA.serverPem(), CA.clientKey()))))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("client.key is not the key of certificate CN=localhost");
  }

  @Test
  void pemFilesOfTheWrongKind_failToStart_sayingWhatToDo() throws IOException {
    Path traditional = CA.dir.resolve("traditional.key");
    java.nio.file.Files.writeString(traditional, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> start(NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pem(CA.serverPem(), traditional))))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("a traditional (PKCS#1/SEC1) key")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> start(NrpeServerConfig.builder()
        .tls(NrpeServerConfig.ServerKey.pem(CA.serverKey(), CA.serverKey()))))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("no '-----BEGIN CERTIFICATE-----' block");
  }

  @Test
  void ecdsaCertificate_servesTls13AndTls12() throws IOException {
    NrpeServer server = start(NrpeServerConfig.builder().tls(CA.serverEcKeyPem()));

    assertThat(client(server, CA.clientContext("TLSv1.3", false)).query(4, "check_ok"))
        .isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
    assertThat(client(server, CA.clientContext("TLSv1.2", false)).query(4, "check_ok"))
        .isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
  }

  @Test
  void plaintextQuery_onTheTlsPort_isNotTls() throws IOException {
    NrpeServer server = start(NrpeServerConfig.builder().tls(CA.serverKeyPem()));

    assertThat(NrpeServerTest.closedWithoutReply(server, NrpeWire.checkNrpeQuery(4, "check_ok"))).isTrue();
    assertThat(server.counters().rejected(RejectReason.NOT_TLS)).isEqualTo(1);
  }

  private NrpeServer start(NrpeServerConfig.Builder builder) throws IOException {
    NrpeServer server = NrpeServer.start(builder.bind("127.0.0.1", 0).build(), new TestCommands());
    servers.add(server);
    return server;
  }

  private static TlsNrpeClient client(NrpeServer server, SSLContext context) {
    return new TlsNrpeClient(server.localAddress(), context, 5_000);
  }

  private static void awaitRejected(NrpeServer server, RejectReason reason, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.counters().rejected(reason) < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.counters().rejected(reason)).isEqualTo(count);
  }
}

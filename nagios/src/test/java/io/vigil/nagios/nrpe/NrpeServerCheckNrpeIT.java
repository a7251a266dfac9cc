package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.nagios.nrpe.CheckNrpe.Result;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vigil's NRPE server against the real {@code check_nrpe} 4.1 in every mode of issue 4, each case
 * asserting check_nrpe's exit code and exact output. The failure texts are what check_nrpe prints
 * against the C nrpe 4.1 daemon in the same situation (lab-recipe.md section 5, and
 * {@link NrpeDaemonParityIT} for the cases the lab daemon can show side by side).
 */
class NrpeServerCheckNrpeIT {

  private static final String HEADER_UNDERFLOW_CLOSED =
      "CHECK_NRPE: Receive header underflow - only 0 bytes received (4 expected).\n";
  private static final String HEADER_UNDERFLOW_RESET =
      "CHECK_NRPE: Receive header underflow - only -1 bytes received (4 expected).\n";
  private static final String CONNECTION_RESET =
      "CHECK_NRPE: Error - Could not connect to 127.0.0.1: Connection reset by peer\n";
  private static final String HANDSHAKE_FAILED =
      "CHECK_NRPE: (ssl_err != 5) Error - Could not complete SSL handshake with 127.0.0.1: 1\n";

  private static final TestCa CA = TestCa.get();
  private static final List<NrpeServer> SERVERS = new ArrayList<>();
  private static NrpeServer tls;
  private static NrpeServer tlsFromPkcs12;
  private static NrpeServer tlsEc;
  private static NrpeServer plain;
  private static NrpeServer clientCert;
  private static NrpeServer tlsLoopbackOnly;
  private static NrpeServer plainLoopbackOnly;
  private static NrpeServer tlsElsewhereOnly;

  @BeforeAll
  static void startServers() throws IOException {
    tls = start(builder().tls(CA.serverKeyPem()));
    tlsFromPkcs12 = start(builder().tls(NrpeServerConfig.ServerKey.pkcs12(CA.serverP12(),
        TestCa.PASSWORD.toCharArray())));
    tlsEc = start(builder().tls(CA.serverEcKeyPem()));
    plain = start(builder().plaintext());
    clientCert = start(builder().tlsWithClientCertificates(CA.serverKeyPem(), CA.caPem()));
    // check_nrpe -b 127.0.0.2 connects from a loopback address that is not 127.0.0.1
    tlsLoopbackOnly = start(builder().tls(CA.serverKeyPem()).allowedHosts(AllowedHosts.parse("127.0.0.1")));
    plainLoopbackOnly = start(builder().plaintext().allowedHosts(AllowedHosts.parse("127.0.0.1")));
    tlsElsewhereOnly = start(builder().tls(CA.serverKeyPem())
        .allowedHosts(AllowedHosts.parse("192.0.2.0/24,2001:db8::/32")));
  }

  @AfterAll
  static void stopServers() {
    SERVERS.forEach(NrpeServer::close);
  }

  @Test
  void defaultFlags_negotiateTls_andGetTheAnswer() {
    assertThat(check(tls, "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(tls, "-c", "check_crit")).isEqualTo(Result.of(2, "CRITICAL: backend-down\n"));
  }

  @Test
  void noCommand_isNrpeCheck_answeredWithTheDaemonsVersion() {
    assertThat(check(tls)).isEqualTo(Result.of(0, "NRPE v4.1.0\n"));
    assertThat(check(plain, "-n")).isEqualTo(Result.of(0, "NRPE v4.1.0\n"));
  }

  @Test
  void plaintextServer_answersCheckNrpeN() {
    assertThat(check(plain, "-n", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(plain, "-n", "-c", "check_crit")).isEqualTo(Result.of(2, "CRITICAL: backend-down\n"));
  }

  @Test
  void v2Only_isAnsweredInV2() {
    long before = tls.counters().requests(2, NrpeServerCounters.Result.OK);

    assertThat(check(tls, "-2", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(plain, "-n", "-2", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(tls.counters().requests(2, NrpeServerCounters.Result.OK)).isEqualTo(before + 1);
  }

  @Test
  void v3_isAnsweredInV3WithItsPadBytes_withoutFallingBackToV2() {
    NrpeServerCounters before = tls.counters();

    assertThat(check(tls, "-3", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(plain, "-n", "-3", "-c", "check_crit")).isEqualTo(Result.of(2, "CRITICAL: backend-down\n"));
    NrpeServerCounters after = tls.counters();
    assertThat(after.requests(3, NrpeServerCounters.Result.OK)).isEqualTo(before.requests(3, NrpeServerCounters.Result.OK) + 1);
    assertThat(after.requests(2, NrpeServerCounters.Result.OK)).isEqualTo(before.requests(2, NrpeServerCounters.Result.OK));
  }

  @Test
  void caFile_ofTheRightCa_verifiesTheServerCertificate() {
    assertThat(check(tls, "-A", CA.caPem().toString(), "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(tlsFromPkcs12, "-A", CA.caPem().toString(), "-c", "check_ok"))
        .isEqualTo(Result.of(0, "OK: all-good\n"));
  }

  @Test
  void ecdsaCertificate_worksWithAndWithoutVerification() {
    assertThat(check(tlsEc, "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(tlsEc, "-A", CA.caPem().toString(), "-c", "check_crit"))
        .isEqualTo(Result.of(2, "CRITICAL: backend-down\n"));
  }

  @Test
  void tls12_isAccepted_olderVersionsAreNot() {
    assertThat(check(tls, "-S", "TLSv1.2", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(tlsEc, "-S", "TLSv1.2", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(check(tls, "-S", "TLSv1.1", "-c", "check_ok")).isEqualTo(Result.of(2, HANDSHAKE_FAILED));
  }

  @Test
  void caFile_ofAnotherCa_failsTheHandshake() {
    assertThat(check(tls, "-A", CA.wrongCaPem().toString(), "-c", "check_ok"))
        .isEqualTo(Result.of(2, HANDSHAKE_FAILED));
  }

  @Test
  void clientCertificateServer_answersAClientWithASignedCertificate() {
    assertThat(check(clientCert, "-A", CA.caPem().toString(), "-C", CA.clientPem().toString(),
        "-K", CA.clientKey().toString(), "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
  }

  @Test
  void clientCertificateServer_refusesAClientWithoutCertificate() {
    long before = clientCert.counters().rejected(RejectReason.TLS_HANDSHAKE);

    // TLS 1.3: the client finishes its side, then reads the server's alert: the C daemon with
    // ssl_client_certs=2 gives check_nrpe exactly this output too
    assertThat(check(clientCert, "-A", CA.caPem().toString(), "-c", "check_ok"))
        .isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
    assertThat(check(clientCert, "-c", "check_ok")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
    // check_nrpe retries each in v2: two connections per run
    assertThat(clientCert.counters().rejected(RejectReason.TLS_HANDSHAKE)).isEqualTo(before + 4);
  }

  @Test
  void sourceNotInAllowedHosts_isResetBeforeTheHandshake() {
    assertThat(check(tlsLoopbackOnly, "-b", "127.0.0.2", "-c", "check_ok")).isEqualTo(Result.of(2, CONNECTION_RESET));
    assertThat(check(plainLoopbackOnly, "-n", "-b", "127.0.0.2", "-c", "check_ok"))
        .isEqualTo(Result.of(3, HEADER_UNDERFLOW_RESET));
    assertThat(check(tlsElsewhereOnly, "-c", "check_ok")).isEqualTo(Result.of(2, CONNECTION_RESET));

    assertThat(tlsLoopbackOnly.counters().rejected(RejectReason.NOT_ALLOWED)).isEqualTo(1);
    assertThat(tlsElsewhereOnly.counters().rejected(RejectReason.NOT_ALLOWED)).isEqualTo(1);
    assertThat(check(tlsLoopbackOnly, "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
  }

  @Test
  void timeoutShorterThanASlowCommand_isCheckNrpesSocketTimeout() {
    long start = System.nanoTime();

    assertThat(check(tls, "-t", "2", "-c", "check_slow"))
        .isEqualTo(Result.of(2, "CHECK_NRPE STATE CRITICAL: Socket timeout after 2 seconds.\n"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void slowCommand_withinTheTimeout_isAnswered() {
    assertThat(check(tls, "-c", "check_slow")).isEqualTo(Result.of(0, "OK: slow but fine\n"));
  }

  @Test
  void output64k_arrivesWholeOverV4() {
    Result result = check(tls, "-c", "check_64k");

    assertThat(result.stdout()).hasSize(65_536);
    assertThat(result).isEqualTo(Result.of(0, TestCommands.OUTPUT_64K + "\n"));
  }

  @Test
  void output64k_isCutTo1023CharactersOverV2() {
    assertThat(check(tls, "-2", "-c", "check_64k"))
        .isEqualTo(Result.of(0, TestCommands.OUTPUT_64K.substring(0, 1023) + "\n"));
  }

  @Test
  void output70k_isCutToWhatV4Carries() {
    assertThat(check(plain, "-n", "-c", "check_70k"))
        .isEqualTo(Result.of(0, TestCommands.OUTPUT_70K.substring(0, NrpeLimits.MAX_TEXT_BYTES) + "\n"));
  }

  @Test
  void oneTrailingNewline_isStripped_likeTheDaemonDoes() {
    assertThat(check(tls, "-c", "check_long")).isEqualTo(Result.of(0, TestCommands.LONG));
  }

  @Test
  void unknownCommand_isNotDefined_unknown() {
    assertThat(check(tls, "-c", "nosuch")).isEqualTo(Result.of(3, "NRPE: Command 'nosuch' not defined\n"));
  }

  @Test
  void arguments_toACommandThatTakesNone_closeWithoutAnAnswer() {
    long before = tls.counters().rejected(RejectReason.ARGUMENTS_REFUSED);

    assertThat(check(tls, "-c", "check_ok", "-a", "foo")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
    assertThat(check(plain, "-n", "-c", "check_ok", "-a", "foo")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
    assertThat(tls.counters().rejected(RejectReason.ARGUMENTS_REFUSED)).isEqualTo(before + 2);
  }

  @Test
  void arguments_toACommandThatTakesThem_areCheckedForMetacharacters() {
    assertThat(check(tls, "-c", "check_echo", "-a", "foo", "bar")).isEqualTo(Result.of(0, "OK: foo bar\n"));
    // CVE-2014-2913: a newline used to start a second shell command
    assertThat(check(tls, "-c", "check_echo", "-a", "foo\ntouch /tmp/x")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
    assertThat(check(tls, "-c", "check_echo", "-a", "foo;bar")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
    assertThat(check(tls, "-c", "check_echo", "-a", "$(id)")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_CLOSED));
  }

  @Test
  void tlsClient_againstThePlaintextServer_isReset() {
    assertThat(check(plain, "-c", "check_ok")).isEqualTo(Result.of(2, CONNECTION_RESET));
  }

  @Test
  void plaintextClient_againstTheTlsServer_isReset() {
    assertThat(check(tls, "-n", "-c", "check_ok")).isEqualTo(Result.of(3, HEADER_UNDERFLOW_RESET));
  }

  private static Result check(NrpeServer server, String... args) {
    return CheckNrpe.run(server.localAddress().getPort(), args);
  }

  private static NrpeServerConfig.Builder builder() {
    return NrpeServerConfig.builder().bind("127.0.0.1", 0);
  }

  private static NrpeServer start(NrpeServerConfig.Builder builder) throws IOException {
    NrpeServer server = NrpeServer.start(builder.build(), new TestCommands());
    SERVERS.add(server);
    return server;
  }
}

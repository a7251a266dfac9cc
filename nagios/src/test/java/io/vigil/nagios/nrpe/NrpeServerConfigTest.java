package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.nagios.nrpe.NrpeServerConfig.ServerKey;
import io.vigil.nagios.nrpe.NrpeServerConfig.TlsMode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NrpeServerConfigTest {

  private static final ServerKey KEY = ServerKey.pem(Path.of("server.pem"), Path.of("server.key"));

  @Test
  void defaults_areNrpesSafeOnes_withTls() {
    NrpeServerConfig config = NrpeServerConfig.builder().tls(KEY).build();

    assertThat(config.bindAddress().getPort()).isEqualTo(5666);
    assertThat(config.bindAddress().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(config.tlsMode()).isEqualTo(TlsMode.TLS);
    assertThat(config.allowedHosts()).isEqualTo(AllowedHosts.parse("127.0.0.1,::1"));
    assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.maxConnections()).isEqualTo(128);
    assertThat(config.maxOutputBytes()).isEqualTo(65_535);
  }

  @Test
  void tlsIsTheDefault_soAKeyIsRequired_unlessPlaintextIsChosen() {
    assertThatThrownBy(() -> NrpeServerConfig.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TLS needs the server's certificate and key");
    assertThat(NrpeServerConfig.builder().plaintext().build().tlsMode()).isEqualTo(TlsMode.PLAINTEXT);
  }

  @Test
  void clientCertificates_needTheirCa() {
    assertThatThrownBy(() -> NrpeServerConfig.builder().tlsWithClientCertificates(KEY, null).build())
        .hasMessageContaining("TLS_CLIENT_CERT needs the CA file");
    assertThat(NrpeServerConfig.builder().tlsWithClientCertificates(KEY, Path.of("ca.pem")).build().clientCaPem())
        .isEqualTo(Path.of("ca.pem"));
  }

  @Test
  void keysGivenToAModeThatIgnoresThem_areAnError() {
    assertThatThrownBy(() -> new NrpeServerConfig(new java.net.InetSocketAddress(5666), TlsMode.PLAINTEXT, KEY, null,
        AllowedHosts.LOCALHOST, Duration.ofSeconds(5), Duration.ofSeconds(60), 10, 100))
        .hasMessageContaining("tlsMode is PLAINTEXT, which would not use them");
    assertThatThrownBy(() -> new NrpeServerConfig(new java.net.InetSocketAddress(5666), TlsMode.TLS, KEY,
        Path.of("ca.pem"), AllowedHosts.LOCALHOST, Duration.ofSeconds(5), Duration.ofSeconds(60), 10, 100))
        .hasMessageContaining("would not check client certificates");
  }

  @Test
  void legacyAnonymousDh_isOnlyEverChosenExplicitly() {
    assertThat(NrpeServerConfig.builder().legacyAnonymousDh().build().tlsMode()).isEqualTo(TlsMode.LEGACY_ANON_DH);
    assertThat(NrpeServerConfig.builder().legacyAnonymousDh().tls(KEY).build().tlsMode()).isEqualTo(TlsMode.TLS);
  }

  @Test
  void bounds_areChecked() {
    assertThatThrownBy(() -> NrpeServerConfig.builder().plaintext().readTimeout(Duration.ZERO).build())
        .hasMessageContaining("readTimeout");
    assertThatThrownBy(() -> NrpeServerConfig.builder().plaintext().commandTimeout(Duration.ofMillis(-1)).build())
        .hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> NrpeServerConfig.builder().plaintext().maxConnections(0).build())
        .hasMessageContaining("maxConnections: 0 (expected: >= 1)");
    assertThatThrownBy(() -> NrpeServerConfig.builder().plaintext().maxOutputBytes(65_536).build())
        .hasMessageContaining("maxOutputBytes: 65536 (expected: 1..65535)");
  }

  @Test
  void pkcs12Password_isNeverPrinted_andCopied() {
    char[] password = "s3cret".toCharArray();
    ServerKey key = ServerKey.pkcs12(Path.of("server.p12"), password);
    password[0] = 'X';

    assertThat(NrpeServerConfig.builder().tls(key).build().toString()).doesNotContain("s3cret").contains("(redacted)");
    assertThat(((ServerKey.Pkcs12) key).password()).containsExactly('s', '3', 'c', 'r', 'e', 't');
  }
}

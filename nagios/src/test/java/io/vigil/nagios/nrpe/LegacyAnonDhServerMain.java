package io.vigil.nagios.nrpe;

import java.io.IOException;

/**
 * A LEGACY_ANON_DH server in a JVM of its own, for {@link NrpeLegacyAnonDhIT}: enabling anonymous DH
 * changes the JVM-wide {@code jdk.tls.disabledAlgorithms}, which must happen before the JVM first
 * uses TLS and must not leak into other tests. Prints {@code LISTENING <port>} and serves
 * {@link TestCommands} until its stdin closes, so it cannot outlive the test that started it.
 */
public final class LegacyAnonDhServerMain {

  private LegacyAnonDhServerMain() {
  }

  public static void main(String[] args) throws IOException {
    NrpeServerConfig config = NrpeServerConfig.builder().bind("127.0.0.1", 0).legacyAnonymousDh().build();
    try (NrpeServer server = NrpeServer.start(config, new TestCommands())) {
      System.out.println("LISTENING " + server.localAddress().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close our stdin
      }
      System.out.println("COUNTERS " + server.counters());
    }
  }
}

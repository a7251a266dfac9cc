package io.vigil.benchmarks;

import io.vigil.nagios.nrpe.AllowedHosts;
import io.vigil.nagios.nrpe.NrpeCommands;
import io.vigil.nagios.nrpe.NrpeServer;
import io.vigil.nagios.nrpe.NrpeServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Vigil's NRPE servers alone in a JVM, as {@link NrpeServerBenchmark} measures them: on 127.0.0.1,
 * TLS servers (one per certificate given) and a plaintext server, answering {@code check_ok} and
 * {@code check_crit} from precomputed snapshots, the way the agent answers probes without doing
 * their I/O. Prints {@code LISTENING} once all listen, and stops when its stdin closes, so it
 * never outlives the benchmark.
 *
 * <pre>{@code
 * java -Xmx24m ... io.vigil.benchmarks.NrpeServerMain --plain 5667 --tls 5666 ec.pem ec.key --tls 5668 rsa.pem rsa.key
 * }</pre>
 */
public final class NrpeServerMain {

  private NrpeServerMain() {
  }

  public static void main(String[] args) throws IOException {
    NrpeCommands snapshots = new Snapshots(Map.of(
        "check_ok", CompletableFuture.completedFuture(new NrpeCommands.NrpeAnswer(0, "OK: all-good")),
        "check_crit", CompletableFuture.completedFuture(new NrpeCommands.NrpeAnswer(2, "CRITICAL: backend-down"))));
    List<NrpeServer> servers = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        NrpeServerConfig.Builder config = NrpeServerConfig.builder().allowedHosts(AllowedHosts.parse("127.0.0.1"))
            .bind("127.0.0.1", Integer.parseInt(args[i + 1]));
        if (args[i].equals("--plain")) {
          config.plaintext();
          i += 1;
        } else if (args[i].equals("--tls")) {
          config.tls(NrpeServerConfig.ServerKey.pem(Path.of(args[i + 2]), Path.of(args[i + 3])));
          i += 3;
        } else {
          throw new IllegalArgumentException("unknown argument " + args[i]);
        }
        servers.add(NrpeServer.start(config.build(), snapshots));
      }
      System.out.println("LISTENING");
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the benchmark closes our stdin
      }
      for (NrpeServer server : servers) {
        System.out.println(server.localAddress().getPort() + " " + server.config().tlsMode() + " " + server.counters());
      }
    } finally {
      servers.forEach(NrpeServer::close);
    }
  }

  /** Answers from a map of completed answers: no I/O and no allocation per query. */
  private record Snapshots(Map<String, CompletionStage<NrpeCommands.NrpeAnswer>> latest) implements NrpeCommands {
    @Override
    public Optional<CompletionStage<NrpeAnswer>> answer(String command, List<String> arguments) {
      return Optional.ofNullable(latest.get(command));
    }
  }
}

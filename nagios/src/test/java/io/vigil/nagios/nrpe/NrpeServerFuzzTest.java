package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of bad connections against a running plaintext server and a TLS server, on 127.0.0.1
 * only, in bounded loops with fixed seeds: random bytes, truncated and mutated packets, oversize
 * lengths, TLS bytes on the plaintext port and plaintext on the TLS port, half handshakes, and a
 * flood of 500 sockets opened at once and held. Between batches and after each test: a good client
 * is answered, no connection stays open, every buffer the servers allocated is released (counted
 * by {@link ConcurrentTrackingAllocator}), the servers' threads did not grow, the heap after GC did
 * not grow, and the buffers held at any moment stayed bounded.
 */
class NrpeServerFuzzTest {

  private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
  private static final int CLIENT_THREADS = 16;
  private static final long MAX_HELD_BYTES = 32L << 20;
  private static final long MAX_HEAP_GROWTH = 24L << 20;

  private static final TestCa CA = TestCa.get();
  private static final ConcurrentTrackingAllocator ALLOC = new ConcurrentTrackingAllocator();
  private static final Map<String, LongAdder> OUTCOMES = new ConcurrentHashMap<>();
  private static final AtomicLong PEAK_HELD = new AtomicLong();
  private static NrpeServer plain;
  private static NrpeServer tls;
  private static SSLContext tlsClient;
  private static FuzzConnections fuzz;
  private static long baselineNrpeThreads;
  private static int baselineThreads;
  private static long baselineHeap;
  private static ScheduledExecutorService sampler;

  private ExecutorService clients;

  @BeforeAll
  static void startServers() throws Exception {
    NrpeServerConfig.Builder common = NrpeServerConfig.builder().bind("127.0.0.1", 0).readTimeout(READ_TIMEOUT);
    plain = NrpeServer.start(common.plaintext().build(), new TestCommands(), ALLOC);
    tls = NrpeServer.start(common.tls(CA.serverKeyPem()).build(), new TestCommands(), ALLOC);
    tlsClient = CA.clientContext("TLSv1.3", false);
    fuzz = new FuzzConnections(plain, tls, tlsClient);
    for (int i = 0; i < 4; i++) { // starts every event loop thread of both servers
      goodClientsAreAnswered();
    }
    baselineNrpeThreads = NrpeServerTest.nrpeThreads();
    baselineThreads = ManagementFactory.getThreadMXBean().getThreadCount();
    baselineHeap = heapAfterGc();
    sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> PEAK_HELD.accumulateAndGet(ALLOC.heldBytes(), Math::max), 0, 50,
        TimeUnit.MILLISECONDS);
  }

  @AfterAll
  static void stopServers() throws InterruptedException {
    sampler.shutdownNow();
    sampler.awaitTermination(5, TimeUnit.SECONDS);
    plain.close();
    tls.close();
    System.out.println("outcomes " + new TreeMap<>(OUTCOMES) + "\nplain " + plain.counters() + "\ntls " + tls.counters()
        + "\nbuffers allocated " + ALLOC.allocations() + ", most bytes held at once " + PEAK_HELD.get());
  }

  @AfterEach
  void nothingLeaks() throws Exception {
    clients.shutdown();
    assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    goodClientsAreAnswered();
    for (NrpeServer server : List.of(plain, tls)) {
      awaitNoOpenConnections(server);
      NrpeServerCounters c = server.counters();
      assertThat(c.connectionsAccepted()).as("every connection ends once: %s", c)
          .isEqualTo(c.requestsTotal() + c.rejectedTotal());
    }
    assertThat(ALLOC.unreleased()).as("buffers not released").isEmpty();
    assertThat(PEAK_HELD.get()).as("bytes held at once").isLessThan(MAX_HELD_BYTES);
    assertThat(NrpeServerTest.nrpeThreads()).isEqualTo(baselineNrpeThreads);
    assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(baselineThreads + 2);
    assertThat(heapAfterGc()).isLessThan(baselineHeap + MAX_HEAP_GROWTH);
  }

  @Test
  void randomTruncatedMutatedAndOversizePackets_onThePlaintextPort() throws Exception {
    clients = Executors.newFixedThreadPool(CLIENT_THREADS);
    Random seeds = new Random(0x4E52504553L);
    for (int batch = 0; batch < 6; batch++) {
      runBatch(400, seeds.nextLong(), fuzz::plaintextCase);
      goodClientsAreAnswered();
    }
    assertThat(plain.counters().rejected()).containsKeys(RejectReason.MALFORMED_PACKET, RejectReason.CLOSED_EARLY,
        RejectReason.READ_TIMEOUT, RejectReason.ARGUMENTS_REFUSED);
  }

  @Test
  void garbageHalfHandshakesAndPlaintext_onTheTlsPort() throws Exception {
    clients = Executors.newFixedThreadPool(CLIENT_THREADS);
    Random seeds = new Random(0x544C53L);
    for (int batch = 0; batch < 6; batch++) {
      runBatch(150, seeds.nextLong(), fuzz::tlsCase);
      goodClientsAreAnswered();
    }
    assertThat(tls.counters().rejected()).containsKeys(RejectReason.NOT_TLS, RejectReason.TLS_HANDSHAKE,
        RejectReason.MALFORMED_PACKET, RejectReason.CLOSED_EARLY, RejectReason.READ_TIMEOUT);
  }

  @Test
  void floodOfFiveHundredHeldSockets_isBoundedByTheConnectionLimit() throws Exception {
    clients = Executors.newFixedThreadPool(1);
    // servers whose read deadline outlasts the flood, so the held sockets really stay open
    NrpeServerConfig.Builder patient = NrpeServerConfig.builder().bind("127.0.0.1", 0)
        .readTimeout(Duration.ofSeconds(20));
    try (NrpeServer floodPlain = NrpeServer.start(patient.plaintext().build(), new TestCommands(), ALLOC);
        NrpeServer floodTls = NrpeServer.start(patient.tls(CA.serverKeyPem()).build(), new TestCommands(), ALLOC)) {
      for (NrpeServer server : List.of(floodPlain, floodTls)) {
        List<Socket> flood = open(server, 500);
        try {
          awaitCounter(() -> server.counters().rejected(RejectReason.CONNECTION_LIMIT), 500 - 128);
          assertThat(server.counters().openConnections()).isEqualTo(NrpeServerConfig.DEFAULT_MAX_CONNECTIONS);
        } finally {
          closeAll(flood);
        }
        awaitNoOpenConnections(server);
        goodClientsAreAnswered(floodPlain, floodTls);

        // under the limit, held sockets do not keep a good client out
        flood = open(server, 100);
        try {
          goodClientsAreAnswered(floodPlain, floodTls);
        } finally {
          closeAll(flood);
        }
        awaitNoOpenConnections(server);
        NrpeServerCounters c = server.counters();
        assertThat(c.connectionsAccepted()).isEqualTo(c.requestsTotal() + c.rejectedTotal());
        OUTCOMES.computeIfAbsent("flood/" + server.config().tlsMode() + " " + c.rejected(), k -> new LongAdder())
            .increment();
      }
    }
  }

  private static List<Socket> open(NrpeServer server, int sockets) throws IOException {
    List<Socket> opened = new ArrayList<>(sockets);
    for (int i = 0; i < sockets; i++) {
      opened.add(new Socket(server.localAddress().getAddress(), server.localAddress().getPort()));
    }
    return opened;
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  @FunctionalInterface
  private interface FuzzCase {
    String run(Random random) throws Exception;
  }

  private void runBatch(int connections, long seed, FuzzCase fuzzCase) throws Exception {
    Random random = new Random(seed);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      long caseSeed = random.nextLong();
      results.add(clients.submit(() -> fuzzCase.run(new Random(caseSeed))));
    }
    for (Future<String> result : results) {
      OUTCOMES.computeIfAbsent(result.get(60, TimeUnit.SECONDS), k -> new LongAdder()).increment();
    }
  }

  private static void goodClientsAreAnswered() throws IOException {
    goodClientsAreAnswered(plain, tls);
  }

  private static void goodClientsAreAnswered(NrpeServer plainServer, NrpeServer tlsServer) throws IOException {
    assertThat(new NrpeTestClient(plainServer.localAddress(), Duration.ofSeconds(5)).query(4, "check_ok"))
        .isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
    assertThat(new TlsNrpeClient(tlsServer.localAddress(), tlsClient, 5_000).query(2, "check_crit"))
        .isEqualTo(NrpePacket.response(2, 2, "CRITICAL: backend-down"));
  }

  private static void awaitNoOpenConnections(NrpeServer server) throws InterruptedException {
    awaitCounter(() -> -server.counters().openConnections(), 0);
  }

  private static void awaitCounter(java.util.function.LongSupplier value, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (value.getAsLong() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(value.getAsLong()).isGreaterThanOrEqualTo(atLeast);
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

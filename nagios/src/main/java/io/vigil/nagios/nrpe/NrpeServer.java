package io.vigil.nagios.nrpe;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An NRPE server that the real {@code check_nrpe} 4.x trusts in every mode: TLS with a certificate
 * (default check_nrpe flags), required client certificates ({@code -A -C -K}), plaintext
 * ({@code -n}) and, opt-in and insecure, anonymous DH for old clients. It answers v2, v3 and v4
 * queries in their own version, {@code _NRPE_CHECK} with {@code NRPE v4.1.0}, and every other
 * command through {@link NrpeCommands}.
 *
 * <pre>{@code
 * try (NrpeServer server = NrpeServer.start(config, commands)) {
 *   ...                                   // check_nrpe -H host -c check_pg_replication_lag
 *   server.counters().requestsTotal();
 * }
 * }</pre>
 *
 * <p>Each connection goes through, in order: the allowed_hosts and connection-limit gate, which
 * runs when the connection is accepted, before anything is read, and builds the rest of the pipeline
 * only for the connections it admits; for TLS modes a record guard and the JSSE SslHandler; the {@link NrpeDecoder} and {@link NrpeEncoder}; and the query handler,
 * which enforces the read deadline, refuses arguments and nasty metacharacters as nrpe does, and
 * closes after one answer. Anything malformed, late or refused closes the connection, is counted
 * ({@link #counters()}) and logged in one line, rate-limited; the server keeps serving.
 */
public final class NrpeServer implements AutoCloseable {

  static final InternalLogger LOG = InternalLoggerFactory.getInstance(NrpeServer.class);

  /**
   * Event loop threads: one per core up to two. A query costs microseconds and a TLS handshake a
   * millisecond or two, and the agent needs its cores for probes.
   */
  private static final int IO_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());
  /** Accept backlog. nrpe's listen_queue_size 5 drops a burst of Nagios checks; the gate bounds the rest. */
  private static final int BACKLOG = 128;

  private final NrpeServerConfig config;
  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final ServerCounters counters;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NrpeServer(NrpeServerConfig config, EventLoopGroup group, Channel serverChannel, ChannelGroup connections,
      ServerCounters counters) {
    this.config = config;
    this.group = group;
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.counters = counters;
  }

  /**
   * Starts loading the native TLS engine in the background, so that a {@link #start} soon after
   * finds it ready; for a process about to start an NRPE server in TLS mode. Idempotent.
   */
  public static void preloadTls() {
    TlsContexts.preload();
  }

  /**
   * Loads the TLS material, binds and starts serving.
   *
   * @throws IOException if the certificate, key or CA cannot be loaded ({@link javax.net.ssl.SSLException})
   *     or the address cannot be bound
   */
  public static NrpeServer start(NrpeServerConfig config, NrpeCommands commands) throws IOException {
    // One short connection per query, a few per second: Netty's pooled and adaptive allocators keep
    // chunks per event loop that an agent idling between Nagios checks never reuses; unpooled buffers
    // go back to the OS as soon as the connection is done.
    return start(config, commands, UnpooledByteBufAllocator.DEFAULT);
  }

  /** As {@link #start(NrpeServerConfig, NrpeCommands)}, with the connections' allocator: tests count buffers. */
  static NrpeServer start(NrpeServerConfig config, NrpeCommands commands, ByteBufAllocator allocator)
      throws IOException {
    if (config == null || commands == null) {
      throw new IllegalArgumentException("config and commands must not be null");
    }
    // On a cold JVM, JSSE and Netty each take 100 ms or so to load and initialise: read the TLS
    // material on a helper thread while the event loops start, so the first answer comes sooner.
    FutureTask<TlsContexts> tlsLoading = new FutureTask<>(() -> TlsContexts.forServer(config));
    if (config.tlsMode() == NrpeServerConfig.TlsMode.PLAINTEXT) {
      tlsLoading.run();
    } else {
      Thread loader = new Thread(tlsLoading, "vigil-nrpe-tls-init");
      loader.setDaemon(true);
      loader.start();
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(IO_THREADS,
        new DefaultThreadFactory("vigil-nrpe", true), NioIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup("nrpe-connections", group.next());
    ServerCounters counters = new ServerCounters();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.ALLOCATOR, allocator)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, allocator);
    TlsContexts tls = awaitTls(tlsLoading, group);
    bootstrap.childHandler(new NrpeChannelInitializer(config, commands, tls, counters, connections));
    ChannelFuture bound = bootstrap.bind(config.bindAddress()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      Throwable cause = bound.cause();
      InetSocketAddress address = config.bindAddress();
      throw new IOException("cannot listen for NRPE on " + address.getHostString() + ":" + address.getPort()
          + ": " + cause.getMessage(), cause);
    }
    NrpeServer server = new NrpeServer(config, group, bound.channel(), connections, counters);
    LOG.info("NRPE server listening on {} ({}{}, allowed_hosts {})", server.localAddress(), config.tlsMode(),
        tls == null ? "" : " in " + tls.engine(), config.allowedHosts());
    return server;
  }

  private static TlsContexts awaitTls(FutureTask<TlsContexts> loading, EventLoopGroup group) throws IOException {
    try {
      return loading.get();
    } catch (ExecutionException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while loading the NRPE server's TLS material");
      }
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException("cannot load the NRPE server's TLS material: " + cause, cause);
    }
  }

  /** The address the server listens on, with the actual port when the config asked for port 0. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** A copy of the counters now. */
  public NrpeServerCounters counters() {
    return counters.snapshot();
  }

  public NrpeServerConfig config() {
    return config;
  }

  /** Whether the server still accepts connections. */
  public boolean isRunning() {
    return serverChannel.isActive();
  }

  /**
   * Stops accepting, resets the open connections (a query being answered gets no answer) and stops
   * the event loop threads, waiting up to 5 seconds for them. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (Channel connection : connections) {
      connection.eventLoop().execute(() -> ConnectionOutcome.abort(connection));
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}

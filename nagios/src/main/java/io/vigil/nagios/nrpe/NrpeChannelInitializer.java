package io.vigil.nagios.nrpe;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of one NRPE connection. Only the {@link ConnectionGate} is added on accept; the rest
 * (the SSLEngine included) is built by the gate for the connections it admits:
 *
 * <pre>
 * gate -&gt; [[quick-ack -&gt;] tls-guard -&gt; tls] -&gt; decoder -&gt; encoder -&gt; query
 * </pre>
 */
final class NrpeChannelInitializer extends ChannelInitializer<SocketChannel> {

  private static final int REJECTION_LOG_LINES_PER_SECOND = 10;
  private static final NrpeEncoder ENCODER = new NrpeEncoder();

  private final NrpeServerConfig config;
  private final NrpeCommands commands;
  private final TlsContexts tls;
  private final ServerCounters counters;
  private final ChannelGroup connections;
  private final QueryHandler.ServerSettings settings;
  private final RejectionLog rejectionLog = new RejectionLog(NrpeServer.LOG, System::nanoTime,
      REJECTION_LOG_LINES_PER_SECOND);
  private final AtomicInteger delayedRejections = new AtomicInteger();

  /** @param tls null for PLAINTEXT */
  NrpeChannelInitializer(NrpeServerConfig config, NrpeCommands commands, TlsContexts tls, ServerCounters counters,
      ChannelGroup connections) {
    this.config = config;
    this.commands = commands;
    this.tls = tls;
    this.counters = counters;
    this.connections = connections;
    this.settings = new QueryHandler.ServerSettings(config.readTimeout(), config.commandTimeout(),
        config.maxOutputBytes());
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ConnectionOutcome outcome = new ConnectionOutcome(counters, rejectionLog, channel.remoteAddress());
    channel.pipeline().addLast(ConnectionOutcome.GATE, new ConnectionGate(config.allowedHosts(),
        config.maxConnections(), connections, delayedRejections, outcome, pipeline -> admitted(pipeline, outcome)));
  }

  private void admitted(ChannelPipeline pipeline, ConnectionOutcome outcome) {
    if (tls != null) {
      addTls(pipeline, tls, outcome);
    }
    NrpeDecoder decoder = new NrpeDecoder(NrpePacket.Type.QUERY);
    decoder.setSingleDecode(true); // one query per connection (nrpe.c handle_connection)
    pipeline.addLast("decoder", decoder);
    pipeline.addLast("encoder", ENCODER);
    pipeline.addLast("query", new QueryHandler(commands, settings, outcome));
  }

  /** The TLS part of the pipeline: {@code [quick-ack ->] tls-guard -> tls}. */
  static void addTls(ChannelPipeline pipeline, TlsContexts tls, ConnectionOutcome outcome) {
    SslHandler ssl = tls.newHandler();
    if (tls.isOpenSsl()) {
      pipeline.addLast("quick-ack", QuickAck.INSTANCE);
    }
    pipeline.addLast("tls-guard", new TlsRecordGuard(ssl, outcome));
    pipeline.addLast("tls", ssl);
  }
}

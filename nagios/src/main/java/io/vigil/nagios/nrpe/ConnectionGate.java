package io.vigil.nagios.nrpe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * First handler of every connection: drops peers outside allowed_hosts and connections over the
 * limit when the connection becomes active, before anything reads from it (nrpe.c checks
 * allowed_hosts right after accept, before the SSL handshake). A rejected connection never gets
 * the rest of its pipeline (no SSLEngine is made for it), and turning auto-read off keeps Netty from
 * reading its socket at all.
 *
 * <p>The reset goes out {@link #REJECT_DELAY_MILLIS} after accept rather than at once. check_nrpe
 * names the server in its error with getpeername() right after connect(); a reset that beats that
 * call makes it print "Could not connect to Unknown" instead of the daemon's "Could not connect to
 * 127.0.0.1" (measured: the daemon forks before it checks, so its reset comes later). At most
 * {@link #MAX_DELAYED} rejected sockets wait at once; under a flood the rest are reset at once.
 */
final class ConnectionGate extends ChannelInboundHandlerAdapter {

  static final long REJECT_DELAY_MILLIS = 20;
  static final int MAX_DELAYED = 64;

  private final AllowedHosts allowedHosts;
  private final int maxConnections;
  private final ChannelGroup openChannels;
  private final AtomicInteger delayedRejections;
  private final ConnectionOutcome outcome;
  private final Consumer<ChannelPipeline> rest;
  private boolean admitted;

  /** @param rest adds the handlers after this one, for an admitted connection only */
  ConnectionGate(AllowedHosts allowedHosts, int maxConnections, ChannelGroup openChannels,
      AtomicInteger delayedRejections, ConnectionOutcome outcome, Consumer<ChannelPipeline> rest) {
    this.allowedHosts = allowedHosts;
    this.maxConnections = maxConnections;
    this.openChannels = openChannels;
    this.delayedRejections = delayedRejections;
    this.outcome = outcome;
    this.rest = rest;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ServerCounters counters = outcome.counters();
    counters.accepted();
    SocketAddress remote = ctx.channel().remoteAddress();
    if (!(remote instanceof InetSocketAddress peer) || !allowedHosts.allows(peer.getAddress())) {
      reject(ctx, RejectReason.NOT_ALLOWED, "not in allowed_hosts " + allowedHosts);
      return;
    }
    if (!counters.tryOpen(maxConnections)) {
      reject(ctx, RejectReason.CONNECTION_LIMIT, maxConnections + " connections open already");
      return;
    }
    admitted = true;
    openChannels.add(ctx.channel());
    rest.accept(ctx.pipeline());
    ctx.fireChannelActive();
  }

  private void reject(ChannelHandlerContext ctx, RejectReason reason, String detail) {
    Channel channel = ctx.channel();
    channel.config().setAutoRead(false); // the read Netty starts after channelActive does not happen
    outcome.reject(reason, detail);
    if (delayedRejections.incrementAndGet() > MAX_DELAYED) {
      delayedRejections.decrementAndGet();
      ConnectionOutcome.abort(channel);
      return;
    }
    ctx.executor().schedule(() -> {
      delayedRejections.decrementAndGet();
      ConnectionOutcome.abort(channel);
    }, REJECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // the handlers after this one settle the outcome on channelInactive; closing the count after
    // them keeps connectionsAccepted == answered + rejected + open true whenever open is read
    ctx.fireChannelInactive();
    if (admitted) {
      admitted = false;
      outcome.counters().closed();
    }
  }
}

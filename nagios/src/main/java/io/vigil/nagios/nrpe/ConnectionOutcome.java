package io.vigil.nagios.nrpe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.net.SocketAddress;

/**
 * How one connection ended, decided once: answered, or rejected for a reason. The handlers of a
 * connection share it, so that a failure seen by two of them (a TLS handshake failure arrives as an
 * event and as an exception) is counted and logged once. Used only from the connection's event loop.
 */
final class ConnectionOutcome {

  /** Pipeline name of {@link ConnectionGate}, the handler next to the socket. */
  static final String GATE = "gate";

  private final ServerCounters counters;
  private final RejectionLog log;
  private final SocketAddress peer;
  private boolean settled;

  ConnectionOutcome(ServerCounters counters, RejectionLog log, SocketAddress peer) {
    this.counters = counters;
    this.log = log;
    this.peer = peer;
  }

  boolean settled() {
    return settled;
  }

  /**
   * Counts and logs the rejection unless the outcome is already decided.
   *
   * @return whether this call decided it
   */
  boolean reject(RejectReason reason, String detail) {
    if (settled) {
      return false;
    }
    settled = true;
    counters.rejected(reason);
    log.warn("NRPE connection from " + peer + " rejected (" + reason + "): " + RejectionLog.printable(detail, 300));
    return true;
  }

  /** Counts an answer unless the outcome is already decided; returns whether it counted. */
  boolean answered(int version, int resultCode) {
    if (settled) {
      return false;
    }
    settled = true;
    counters.answered(version, resultCode);
    return true;
  }

  ServerCounters counters() {
    return counters;
  }

  /**
   * Closes with a TCP reset and without a TLS close_notify: for peers that broke the protocol or
   * were refused on accept. The nrpe daemon closes such sockets with the client's bytes unread, which
   * the kernel turns into a reset; check_nrpe then reports "Connection reset by peer" over TLS and
   * "Receive header underflow - only -1 bytes" in plaintext, and so it does against Vigil.
   */
  static void abort(Channel channel) {
    if (!channel.isOpen()) {
      return;
    }
    try {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (ChannelException e) {
      // the socket is closing already: a plain close is all that is left
    }
    // closing from the gate, next to the socket, skips the SslHandler and its close_notify
    ChannelHandlerContext gate = channel.pipeline().context(GATE);
    if (gate != null) {
      gate.close();
    } else {
      channel.close();
    }
  }
}

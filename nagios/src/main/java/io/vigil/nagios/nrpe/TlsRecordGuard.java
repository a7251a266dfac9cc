package io.vigil.nagios.nrpe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;

/**
 * Sits in front of the SslHandler and reads the TLS record headers as they pass, without buffering
 * or changing a byte. It rejects two things JSSE would otherwise handle badly for NRPE:
 *
 * <ul>
 *   <li>a first byte that cannot start a TLS handshake record (content type 22), e.g. the plaintext
 *       query of {@code check_nrpe -n}: dropped with a reset, as the nrpe daemon's failed
 *       {@code SSL_accept} does, instead of answering a plaintext client with a TLS alert;
 *   <li>a handshake record after a TLS 1.2 handshake completed, which is a client-initiated
 *       renegotiation (RFC 5746). JSSE accepts those unless the JVM-wide
 *       {@code jdk.tls.rejectClientInitiatedRenegotiation} is set, and nrpe 4.1 disables them; this
 *       refuses them per connection. TLS 1.3 has no renegotiation and sends its post-handshake
 *       messages as application data records, so it is not affected.
 * </ul>
 *
 * <p>Records are scanned before the SslHandler sees them, so a client Finished that arrives in the
 * same read as the data after it is still seen while the handshake is incomplete.
 */
final class TlsRecordGuard extends ChannelInboundHandlerAdapter {

  private static final int HEADER_LENGTH = 5;
  private static final int HANDSHAKE = 22;

  private final SslHandler ssl;
  private final ConnectionOutcome outcome;
  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerBytes;
  private int bodyRemaining;
  private boolean firstByteSeen;

  TlsRecordGuard(SslHandler ssl, ConnectionOutcome outcome) {
    this.ssl = ssl;
    this.outcome = outcome;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      RejectReason violation = scan(buf);
      if (violation != null) {
        buf.release();
        outcome.reject(violation, violation == RejectReason.NOT_TLS
            ? "the first bytes are not a TLS handshake (a plaintext client, e.g. check_nrpe -n?)"
            : "client-initiated TLS renegotiation");
        ConnectionOutcome.abort(ctx.channel());
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private RejectReason scan(ByteBuf buf) {
    int index = buf.readerIndex();
    int end = buf.writerIndex();
    while (index < end) {
      if (bodyRemaining > 0) {
        int skip = Math.min(bodyRemaining, end - index);
        bodyRemaining -= skip;
        index += skip;
        continue;
      }
      header[headerBytes++] = buf.getByte(index++);
      if (!firstByteSeen) {
        firstByteSeen = true;
        if (header[0] != HANDSHAKE) {
          return RejectReason.NOT_TLS;
        }
      }
      if (headerBytes == HEADER_LENGTH) {
        headerBytes = 0;
        bodyRemaining = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (header[0] == HANDSHAKE && renegotiationWouldStart()) {
          return RejectReason.TLS_RENEGOTIATION;
        }
      }
    }
    return null;
  }

  private boolean renegotiationWouldStart() {
    if (!ssl.handshakeFuture().isSuccess()) {
      return false;
    }
    String protocol = ssl.engine().getSession().getProtocol();
    return !"TLSv1.3".equals(protocol);
  }
}

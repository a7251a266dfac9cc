package io.vigil.nagios.nrpe;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.nagios.nrpe.NrpeCommands.NrpeAnswer;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The end of a connection's pipeline: waits for one query until the read deadline, checks it like
 * nrpe.c validate_request, answers it through {@link NrpeCommands} in the query's packet version,
 * and closes. Everything runs on the connection's event loop; a command's answer is handed back to
 * it, so the state needs no locks.
 */
final class QueryHandler extends ChannelInboundHandlerAdapter {

  /**
   * The answer to {@code _NRPE_CHECK}: exactly the 4.1.0 daemon's, without a "(Vigil)" suffix.
   * {@code check_nrpe -H host} with no command is the usual "is NRPE up" check, and sites match its
   * text (inventory scripts, version alerts); a suffix would break exact matches for no gain. Vigil
   * implements the 4.1.0 protocol and behaviour, so it reports that version, and says who it is in
   * its logs and metrics instead.
   */
  static final String VERSION_ANSWER = "NRPE v4.1.0";

  private static final int LOGGED_COMMAND_CHARS = 64;

  private enum State { AWAITING_QUERY, ANSWERING, DONE }

  private final NrpeCommands commands;
  private final ServerSettings settings;
  private final ConnectionOutcome outcome;
  private State state = State.AWAITING_QUERY;
  private ScheduledFuture<?> timer;
  private int version;

  /** The parts of the configuration a connection needs. */
  record ServerSettings(Duration readTimeout, Duration commandTimeout, int maxOutputBytes) {
  }

  QueryHandler(NrpeCommands commands, ServerSettings settings, ConnectionOutcome outcome) {
    this.commands = commands;
    this.settings = settings;
    this.outcome = outcome;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> {
      if (state == State.AWAITING_QUERY) {
        state = State.DONE;
        outcome.reject(RejectReason.READ_TIMEOUT,
            "no complete query within " + settings.readTimeout().toMillis() + " ms");
        ConnectionOutcome.abort(ctx.channel());
      }
    }, settings.readTimeout().toNanos(), TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state != State.AWAITING_QUERY || !(msg instanceof NrpePacket query)) {
      ReferenceCountUtil.release(msg); // bytes after the query, e.g. what the decoder held when removed
      return;
    }
    cancelTimer();
    state = State.ANSWERING;
    version = query.version();
    // NRPE is one query per connection: read nothing more, and decode nothing more
    ctx.channel().config().setAutoRead(false);
    ctx.pipeline().remove(NrpeDecoder.class);
    NrpeRequest.Parsed parsed;
    try {
      parsed = NrpeRequest.parse(query.buffer(), commands::acceptsArguments);
    } catch (RuntimeException e) {
      parsed = new NrpeRequest.Refused(RejectReason.INVALID_REQUEST, "acceptsArguments threw " + e);
    }
    if (parsed instanceof NrpeRequest.Refused refused) {
      // nrpe closes without a word; check_nrpe then says "Receive header underflow - only 0 bytes"
      state = State.DONE;
      outcome.reject(refused.reason(), refused.why() + " in query '"
          + RejectionLog.printable(query.buffer(), LOGGED_COMMAND_CHARS) + "'");
      ctx.close();
      return;
    }
    NrpeRequest request = ((NrpeRequest.Valid) parsed).request();
    if (request.command().equals(NrpeRequest.HELLO_COMMAND)) {
      reply(ctx, 0, VERSION_ANSWER);
      return;
    }
    ask(ctx, request);
  }

  private void ask(ChannelHandlerContext ctx, NrpeRequest request) {
    Optional<CompletionStage<NrpeAnswer>> answer;
    try {
      answer = commands.answer(request.command(), request.arguments());
    } catch (RuntimeException e) {
      commandFailed(ctx, request.command(), e);
      return;
    }
    if (answer.isEmpty()) {
      reply(ctx, 3, "NRPE: Command '" + request.command() + "' not defined");
      return;
    }
    answer.get().whenComplete((result, error) -> {
      if (ctx.executor().inEventLoop()) {
        answered(ctx, request.command(), result, error); // a snapshot: already complete, answered inline
        return;
      }
      try {
        ctx.executor().execute(() -> answered(ctx, request.command(), result, error));
      } catch (RejectedExecutionException e) {
        // the server is stopping and has closed this connection with the others
      }
    });
    if (state == State.ANSWERING) { // still waiting: nrpe's command_timeout
      timer = ctx.executor().schedule(() -> {
        if (state == State.ANSWERING) {
          outcome.counters().commandTimedOut();
          reply(ctx, 3, "NRPE: Command timed out after " + seconds(settings.commandTimeout()) + " seconds\n");
        }
      }, settings.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void answered(ChannelHandlerContext ctx, String command, NrpeAnswer result, Throwable error) {
    if (state != State.ANSWERING) {
      return; // timed out already, or the connection failed
    }
    cancelTimer();
    if (error != null || result == null) {
      commandFailed(ctx, command, error);
      return;
    }
    reply(ctx, result.resultCode(), result.output());
  }

  private void commandFailed(ChannelHandlerContext ctx, String command, Throwable error) {
    outcome.counters().commandFailed();
    NrpeServer.LOG.warn("NRPE command '" + RejectionLog.printable(command, LOGGED_COMMAND_CHARS)
        + "' failed: " + (error == null ? "no answer" : RejectionLog.printable(error.toString(), 300)));
    // what nrpe answers when a plugin produced nothing
    reply(ctx, 3, "");
  }

  /**
   * Sends the answer and closes. The output is treated as nrpe.c handle_connection treats plugin
   * output: cut at a NUL (strlen), empty becomes {@code NRPE: Unable to read output} with UNKNOWN,
   * then one trailing newline is stripped.
   */
  private void reply(ChannelHandlerContext ctx, int resultCode, String output) {
    state = State.DONE;
    int code = resultCode;
    String text = output;
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      text = text.substring(0, nul);
    }
    if (text.isEmpty()) {
      code = 3;
      text = "NRPE: Unable to read output\n";
    }
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    // the encoder cuts to what the version carries (1023 or 65535 bytes); a lower limit is cut here.
    // Below maxOutputBytes / 3 characters the UTF-8 form cannot exceed it, so nothing is encoded twice
    int carried = version == 2 ? NrpeLimits.V2_MAX_TEXT_BYTES : NrpeLimits.MAX_TEXT_BYTES;
    if (settings.maxOutputBytes() < carried && text.length() > settings.maxOutputBytes() / 3) {
      text = new String(NrpeEncoder.utf8Prefix(text, settings.maxOutputBytes()), StandardCharsets.UTF_8);
    }
    if (!outcome.answered(version, code) || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(NrpePacket.response(version, code, text)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
      // the SslHandler also fails the handshake when the client just hangs up in the middle of it
      failed(ctx, ctx.channel().isActive() ? RejectReason.TLS_HANDSHAKE : RejectReason.CLOSED_EARLY,
          handshake.cause());
    }
    ReferenceCountUtil.release(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof NrpeDecoderException) {
      failed(ctx, RejectReason.MALFORMED_PACKET, cause);
    } else if (rootCause(cause) instanceof SSLException) {
      failed(ctx, RejectReason.TLS_HANDSHAKE, rootCause(cause));
    } else if (rootCause(cause) instanceof IOException) {
      failed(ctx, RejectReason.IO_ERROR, rootCause(cause));
    } else {
      NrpeServer.LOG.warn("NRPE connection " + ctx.channel().remoteAddress() + " failed: "
          + RejectionLog.printable(cause.toString(), 300));
      failed(ctx, RejectReason.IO_ERROR, cause);
    }
  }

  private void failed(ChannelHandlerContext ctx, RejectReason reason, Throwable cause) {
    cancelTimer();
    State was = state;
    state = State.DONE;
    outcome.reject(reason, String.valueOf(cause == null ? null : cause.getMessage()));
    if (reason == RejectReason.MALFORMED_PACKET && was == State.AWAITING_QUERY) {
      ConnectionOutcome.abort(ctx.channel()); // as the daemon, which closes with the bytes unread
    } else {
      ctx.close(); // lets the SslHandler send its alert
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    if (state == State.AWAITING_QUERY) {
      state = State.DONE;
      outcome.reject(RejectReason.CLOSED_EARLY, "closed before a complete query");
    }
    ctx.fireChannelInactive();
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause instanceof DecoderException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  // nrpe prints whole seconds ("after 60 seconds"); a sub-second timeout, used by tests, keeps its fraction
  private static String seconds(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
  }
}

package io.vigil.probes.queue;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes Redis replies (RESP2, https://redis.io/docs/reference/protocol-spec/) from bytes that
 * arrive in any split, as a state machine after Netty's {@code RedisDecoder}: {@link #decode}
 * consumes what it is given and returns a reply once one is complete, or null when it needs more
 * bytes. Only the reply types a queue probe's commands produce are accepted: simple strings,
 * errors, integers and bulk strings; arrays are refused. Every length is bounded and an error
 * resets the state, so the connection is closed and a new one starts clean.
 */
final class RespDecoder {

  static final int MAX_LINE = 4096;
  static final int MAX_BULK = 512 * 1024;

  /** One decoded reply; {@code text} is null for an integer and for the null bulk string. */
  record Reply(Kind kind, String text, long integer) {

    enum Kind { SIMPLE, ERROR, INTEGER, BULK, NULL_BULK }

    boolean isError() {
      return kind == Kind.ERROR;
    }

    @Override
    public String toString() {
      return switch (kind) {
        case SIMPLE -> "+" + text;
        case ERROR -> "-" + text;
        case INTEGER -> ":" + integer;
        case BULK -> "$" + text;
        case NULL_BULK -> "(nil)";
      };
    }
  }

  private enum State { TYPE, LINE, BULK }

  private State state = State.TYPE;
  private byte type;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private byte[] bulk;
  private int bulkFilled;

  /**
   * Consumes bytes of {@code in} up to the end of one reply and returns it, or returns null after
   * consuming all of {@code in} without completing one.
   *
   * @throws ProtocolException for bytes that are not a RESP reply, or a length out of bounds
   */
  Reply decode(ByteBuffer in) throws ProtocolException {
    try {
      while (in.hasRemaining()) {
        Reply reply = switch (state) {
          case TYPE -> decodeType(in);
          case LINE -> decodeLine(in);
          case BULK -> decodeBulk(in);
        };
        if (reply != null) {
          state = State.TYPE;
          return reply;
        }
      }
      return null;
    } catch (ProtocolException e) {
      reset();
      throw e;
    }
  }

  /** Forgets a partly decoded reply. */
  void reset() {
    state = State.TYPE;
    line.reset();
    bulk = null;
    bulkFilled = 0;
  }

  private Reply decodeType(ByteBuffer in) throws ProtocolException {
    byte b = in.get();
    switch (b) {
      case '+', '-', ':', '$' -> {
        type = b;
        line.reset();
        state = State.LINE;
        return null;
      }
      case '*' -> throw new ProtocolException("unexpected RESP array reply (only single values are expected)");
      default -> throw new ProtocolException("not a RESP reply: first byte " + printable(b));
    }
  }

  /** The rest of the first line, up to CRLF. */
  private Reply decodeLine(ByteBuffer in) throws ProtocolException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
          throw new ProtocolException("RESP line ends with LF without CR");
        }
        return lineDone(new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8));
      }
      if (line.size() >= MAX_LINE) {
        throw new ProtocolException("line_length: more than " + MAX_LINE + " bytes (expected: 0.." + MAX_LINE + ")");
      }
      line.write(b);
    }
    return null;
  }

  private Reply lineDone(String text) throws ProtocolException {
    switch (type) {
      case '+':
        return new Reply(Reply.Kind.SIMPLE, text, 0);
      case '-':
        return new Reply(Reply.Kind.ERROR, text, 0);
      case ':':
        return new Reply(Reply.Kind.INTEGER, null, parseLong(text, "integer"));
      default:
        long length = parseLong(text, "bulk_length");
        if (length == -1) {
          return new Reply(Reply.Kind.NULL_BULK, null, 0);
        }
        if (length < 0 || length > MAX_BULK) {
          throw new ProtocolException("bulk_length: " + length + " (expected: -1.." + MAX_BULK + ")");
        }
        bulk = new byte[(int) length + 2];   // the string and its CRLF
        bulkFilled = 0;
        state = State.BULK;
        return null;
    }
  }

  private Reply decodeBulk(ByteBuffer in) throws ProtocolException {
    int n = Math.min(in.remaining(), bulk.length - bulkFilled);
    in.get(bulk, bulkFilled, n);
    bulkFilled += n;
    if (bulkFilled < bulk.length) {
      return null;
    }
    if (bulk[bulk.length - 2] != '\r' || bulk[bulk.length - 1] != '\n') {
      throw new ProtocolException("bulk string of " + (bulk.length - 2) + " bytes not followed by CRLF");
    }
    String text = new String(bulk, 0, bulk.length - 2, StandardCharsets.UTF_8);
    bulk = null;
    return new Reply(Reply.Kind.BULK, text, 0);
  }

  private static long parseLong(String text, String what) throws ProtocolException {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ProtocolException(what + ": '" + abbreviate(text) + "' is not a number");
    }
  }

  private static String printable(byte b) {
    String hex = String.format("0x%02x", b & 0xff);
    return b >= 0x20 && b < 0x7f ? hex + " '" + (char) b + "'" : hex;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}

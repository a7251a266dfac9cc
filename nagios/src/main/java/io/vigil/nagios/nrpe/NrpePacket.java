package io.vigil.nagios.nrpe;

/**
 * One NRPE packet: a query (a command name from check_nrpe) or a response (a result code and plugin
 * output), in protocol version 2, 3 or 4. {@link NrpeDecoder} produces these and {@link NrpeEncoder}
 * writes them; padding, lengths and the CRC are the codec's business, not the packet's.
 *
 * <pre>{@code
 * NrpePacket query = NrpePacket.query(4, "check_load");
 * NrpePacket answer = query.reply(2, "CRITICAL: load 12.0");   // v4, like the query
 * }</pre>
 *
 * @param version protocol version: 2, 3 or 4
 * @param type query or response
 * @param resultCode the result_code field as on the wire. A response carries 0..3; check_nrpe leaves
 *     it uninitialized in v2 queries (0x4b67 was captured), so a decoded query may hold anything
 * @param buffer the text up to its NUL terminator, decoded as UTF-8 (malformed bytes become U+FFFD).
 *     Never contains NUL. The encoder cuts it to 1023 bytes for v2 and 65535 for v3/v4
 */
public record NrpePacket(int version, Type type, short resultCode, String buffer) {

  /** The packet_type field (nrpe common.h.in: QUERY_PACKET 1, RESPONSE_PACKET 2). */
  public enum Type {
    QUERY(1),
    RESPONSE(2);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    /** The value of packet_type on the wire. */
    public int code() {
      return code;
    }
  }

  public NrpePacket {
    if (version < 2 || version > 4) {
      throw new IllegalArgumentException("version: " + version + " (expected: 2, 3 or 4)");
    }
    if (type == null) {
      throw new IllegalArgumentException("type must not be null");
    }
    if (buffer == null) {
      throw new IllegalArgumentException("buffer must not be null");
    }
    int nul = buffer.indexOf('\0');
    if (nul >= 0) {
      throw new IllegalArgumentException("buffer contains NUL at index " + nul
          + " (the wire format ends the text at the first NUL)");
    }
  }

  /**
   * A query for {@code command}, as check_nrpe sends it (result_code 0).
   *
   * @param version 4 is what check_nrpe 4.x sends first; 2 is its fallback
   * @throws IllegalArgumentException if the version is not 2..4 or the command contains NUL
   */
  public static NrpePacket query(int version, String command) {
    return new NrpePacket(version, Type.QUERY, (short) 0, command);
  }

  /**
   * A response in {@code version}, which must be the version of the request: check_nrpe reports
   * "Invalid packet version received from server" otherwise. Output after a NUL is dropped, as the
   * daemon's {@code strlen} does with plugin output.
   *
   * @param resultCode 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
   * @throws IllegalArgumentException if the version is not 2..4 or the code not 0..3
   */
  public static NrpePacket response(int version, int resultCode, String output) {
    if (resultCode < 0 || resultCode > 3) {
      // nrpe.c maps out-of-range plugin exit codes to UNKNOWN before sending; so must the caller
      throw new IllegalArgumentException("resultCode: " + resultCode + " (expected: 0..3)");
    }
    if (output == null) {
      throw new IllegalArgumentException("output must not be null");
    }
    int nul = output.indexOf('\0');
    return new NrpePacket(version, Type.RESPONSE, (short) resultCode,
        nul < 0 ? output : output.substring(0, nul));
  }

  /**
   * The response to this query, in this query's version.
   *
   * @throws IllegalStateException if this packet is not a query
   * @see #response(int, int, String)
   */
  public NrpePacket reply(int resultCode, String output) {
    if (type != Type.QUERY) {
      throw new IllegalStateException("only a query can be replied to, not a " + type);
    }
    return response(version, resultCode, output);
  }
}

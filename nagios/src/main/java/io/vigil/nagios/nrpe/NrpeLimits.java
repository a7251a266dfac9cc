package io.vigil.nagios.nrpe;

/**
 * Sizes and bounds of the NRPE wire protocol, as the nrpe 4.x C sources and the 4.1.0 daemon define
 * them. The codec enforces these; the server can use them to size timeouts and buffers.
 *
 * <pre>{@code
 * v2:    | ver 2 | type 2 | crc32 4 | result 2 | buffer 1024 | pad 2 |            = 1036 bytes
 * v3/v4: | ver 2 | type 2 | crc32 4 | result 2 | align 2 | buffer_length 4 | buffer n | (v3: pad 3)
 * }</pre>
 */
public final class NrpeLimits {

  /** Length of the fixed v2 header before its buffer: version, type, crc32, result_code. */
  public static final int V2_HEADER_LENGTH = 10;

  /** {@code MAX_PACKETBUFFER_LENGTH} in nrpe common.h.in: the v2 buffer, NUL included. */
  public static final int V2_BUFFER_LENGTH = 1024;

  /**
   * A v2 packet on the wire: {@code sizeof(v2_packet)}, which is 1034 bytes of fields plus 2 bytes of
   * struct padding (the C struct is 4-byte aligned). nrpe reads and checksums all 1036.
   */
  public static final int V2_PACKET_LENGTH = 1036;

  /** Most bytes of text a v2 packet carries: the buffer less its NUL terminator. */
  public static final int V2_MAX_TEXT_BYTES = V2_BUFFER_LENGTH - 1;

  /** Length of the v3/v4 header: version, type, crc32, result_code, alignment, buffer_length. */
  public static final int V3_HEADER_LENGTH = 16;

  /**
   * Bytes after the buffer of a v3 packet. v3 sizes a packet as {@code sizeof(v3_packet) - 1 + len}
   * where the struct is 17 bytes of fields padded to 20, so 3 padding bytes follow the buffer
   * (NRPE_V3_PACKET_SIZE_OFFSET 1); v4 subtracts all 4 (NRPE_V4_PACKET_SIZE_OFFSET, common.h.in).
   */
  public static final int V3_TRAILING_PAD = 3;

  /**
   * Largest {@code buffer_length} a receiver accepts, NUL included: nrpe.c read_packet and
   * check_nrpe.c read_response reject {@code buffer_length < 0 || buffer_length > 65536}.
   */
  public static final int MAX_BUFFER_LENGTH = 65536;

  /** Most bytes of text a v3/v4 packet carries: {@link #MAX_BUFFER_LENGTH} less the NUL. */
  public static final int MAX_TEXT_BYTES = MAX_BUFFER_LENGTH - 1;

  /** Longest packet the decoder ever waits for: a v3 header, a full buffer and the v3 pad. */
  public static final int MAX_PACKET_LENGTH = V3_HEADER_LENGTH + MAX_BUFFER_LENGTH + V3_TRAILING_PAD;

  /**
   * {@code buffer_length} of a short v4 query from check_nrpe 4.x, which pads v3/v4 queries up to
   * {@code sizeof(v2_packet)} (check_nrpe.c send_request): 16 + 1020 = 1036 bytes.
   */
  public static final int V4_QUERY_BUFFER_LENGTH = V2_PACKET_LENGTH - V3_HEADER_LENGTH;

  /** {@code buffer_length} of a short v3 query from check_nrpe 4.x: 16 + 1017 + 3 = 1036 bytes. */
  public static final int V3_QUERY_BUFFER_LENGTH = V4_QUERY_BUFFER_LENGTH - V3_TRAILING_PAD;

  private NrpeLimits() {
  }
}

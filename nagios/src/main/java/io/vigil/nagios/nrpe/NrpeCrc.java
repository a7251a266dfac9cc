package io.vigil.nagios.nrpe;

import io.netty.buffer.ByteBuf;
import java.util.zip.CRC32;

/**
 * The NRPE packet checksum: plain IEEE CRC-32 (nrpe utils.c calculate_crc32 uses poly 0xEDB88320,
 * init and final xor 0xFFFFFFFF, the same as {@link CRC32} and zlib) over every byte of the packet
 * as sent, padding included, with the crc32_value field taken as zero and, in v3/v4, the alignment
 * field too (nrpe.c validate_request zeroes both before computing).
 */
final class NrpeCrc {

  private static final byte[] ZEROS = new byte[4];
  private static final int CRC_OFFSET = 4;
  private static final int RESULT_CODE_OFFSET = 8;
  private static final int ALIGNMENT_OFFSET = 10;
  private static final int BUFFER_LENGTH_OFFSET = 12;

  private NrpeCrc() {
  }

  /**
   * The CRC of the packet of {@code length} bytes at absolute {@code index} of {@code buf}, without
   * changing its indexes.
   *
   * @param zeroAlignment true for v3/v4, whose bytes 10..11 are the alignment field
   */
  static int compute(ByteBuf buf, int index, int length, boolean zeroAlignment) {
    CRC32 crc = new CRC32();
    update(crc, buf, index, CRC_OFFSET);
    crc.update(ZEROS, 0, 4);
    if (zeroAlignment) {
      update(crc, buf, index + RESULT_CODE_OFFSET, ALIGNMENT_OFFSET - RESULT_CODE_OFFSET);
      crc.update(ZEROS, 0, 2);
      update(crc, buf, index + BUFFER_LENGTH_OFFSET, length - BUFFER_LENGTH_OFFSET);
    } else {
      update(crc, buf, index + RESULT_CODE_OFFSET, length - RESULT_CODE_OFFSET);
    }
    return (int) crc.getValue();
  }

  private static void update(CRC32 crc, ByteBuf buf, int index, int length) {
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + index, length);
    } else {
      // a view for direct buffers; a composite cumulation gets merged into one copy, at most 65555 bytes
      crc.update(buf.nioBuffer(index, length));
    }
  }
}

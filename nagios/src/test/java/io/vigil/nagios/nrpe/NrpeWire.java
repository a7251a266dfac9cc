package io.vigil.nagios.nrpe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Raw NRPE bytes for tests, built without the codec under test: the packets check_nrpe and the nrpe
 * daemon put on the wire (lab-recipe.md section 5 and its nrpe_client.py), and byte surgery on them.
 */
final class NrpeWire {

  static final int QUERY = 1;
  static final int RESPONSE = 2;

  private NrpeWire() {
  }

  /** A v2 packet exactly as nrpe_client.py builds it, with the given result_code and 2 pad bytes. */
  static byte[] v2(int type, int resultCode, String text, byte[] pad) {
    ByteBuffer b = ByteBuffer.allocate(1036);
    b.putShort((short) 2).putShort((short) type).putInt(0).putShort((short) resultCode);
    b.put(text.getBytes(StandardCharsets.UTF_8)); // the rest of the 1024-byte buffer stays zero
    b.position(1034);
    b.put(pad);
    return withCrc(b.array());
  }

  /**
   * A v3/v4 packet: 16-byte header, text, zeros up to {@code bufferLength}, then 3 zero pad bytes
   * for v3. The CRC is right unless the caller changes bytes afterwards.
   */
  static byte[] v3v4(int version, int type, int resultCode, String text, int bufferLength) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(16 + bufferLength + (version == 3 ? 3 : 0));
    b.putShort((short) version).putShort((short) type).putInt(0).putShort((short) resultCode);
    b.putShort((short) 0).putInt(bufferLength).put(t, 0, Math.min(t.length, bufferLength));
    return withCrc(b.array());
  }

  /** check_nrpe 4.x's query for {@code command}: v4 and v3 padded to 1036 bytes, as nrpe_client.py. */
  static byte[] checkNrpeQuery(int version, String command) {
    if (version == 2) {
      return v2(QUERY, 0, command, new byte[2]);
    }
    int padded = version == 4 ? 1020 : 1017;
    return v3v4(version, QUERY, 0, command, Math.max(padded, command.length() + 1));
  }

  /** A header alone: the first 16 bytes of a v3/v4 packet declaring {@code bufferLength}. */
  static byte[] header(int version, int type, int bufferLength) {
    return ByteBuffer.allocate(16).putShort((short) version).putShort((short) type).putInt(0)
        .putShort((short) 0).putShort((short) 0).putInt(bufferLength).array();
  }

  /** Sets the CRC field to the CRC of the packet with that field (and v3/v4 alignment) zeroed. */
  static byte[] withCrc(byte[] packet) {
    ByteBuffer.wrap(packet).putInt(4, crc(packet));
    return packet;
  }

  static int crc(byte[] packet) {
    byte[] copy = packet.clone();
    Arrays.fill(copy, 4, 8, (byte) 0);
    if (ByteBuffer.wrap(copy).getShort(0) != 2) {
      Arrays.fill(copy, 10, 12, (byte) 0);
    }
    CRC32 crc = new CRC32();
    crc.update(copy);
    return (int) crc.getValue();
  }

  static int crcField(byte[] packet) {
    return ByteBuffer.wrap(packet).getInt(4);
  }

  static byte[] flipBit(byte[] packet, int bit) {
    byte[] copy = packet.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  /** Hex with optional spaces, e.g. {@code "0004 0002 8e8c3adb"}. */
  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

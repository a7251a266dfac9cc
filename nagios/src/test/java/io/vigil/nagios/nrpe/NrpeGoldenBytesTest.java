package io.vigil.nagios.nrpe;

import static io.vigil.nagios.nrpe.NrpeWire.QUERY;
import static io.vigil.nagios.nrpe.NrpeWire.RESPONSE;
import static io.vigil.nagios.nrpe.NrpeWire.ascii;
import static io.vigil.nagios.nrpe.NrpeWire.concat;
import static io.vigil.nagios.nrpe.NrpeWire.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The codec against the packets captured from check_nrpe 4.1.0 and the nrpe 4.1.0 daemon
 * (lab-recipe.md section 5, "Byte layout"). The CRC values below are the captured ones.
 */
class NrpeGoldenBytesTest {

  private static final String CRITICAL = "CRITICAL: backend-down";

  /** The real nrpe 4.1.0 reply to check_crit over v4: 39 bytes, buffer_length 23 = strlen + 1. */
  private static final byte[] REAL_V4_REPLY =
      concat(hex("0004 0002 8e8c3adb 0002 0000 00000017"), ascii(CRITICAL), new byte[1]);

  private final TrackingAllocator alloc = new TrackingAllocator();

  @AfterEach
  void releasedEveryBuffer() {
    assertThat(alloc.unreleased()).isEmpty();
  }

  @Test
  void checkNrpeV4Query_isThe1036BytesCaptured_andDecodesByteByByte() {
    byte[] query = NrpeWire.checkNrpeQuery(4, "check_ok");

    assertThat(query).hasSize(1036);
    assertThat(Arrays.copyOf(query, 25))
        .isEqualTo(concat(hex("0004 0001 bb431219 0000 0000 000003fc"), ascii("check_ok"), new byte[1]));
    assertThat(decodeByteByByte(NrpePacket.Type.QUERY, query)).containsExactly(NrpePacket.query(4, "check_ok"));
  }

  @Test
  void checkNrpeV3Query_has1017BufferBytesAnd3PadBytes_andDecodesByteByByte() {
    byte[] query = NrpeWire.checkNrpeQuery(3, "check_ok");

    assertThat(query).hasSize(16 + 1017 + 3);
    assertThat(Arrays.copyOf(query, 16)).isEqualTo(hex("0003 0001 f07150a8 0000 0000 000003f9"));
    assertThat(decodeByteByByte(NrpePacket.Type.QUERY, query)).containsExactly(NrpePacket.query(3, "check_ok"));
  }

  @Test
  void checkNrpeV2Query_withGarbageResultCodeAndPadding_decodesWithTheCapturedCrc() {
    // check_nrpe leaves result_code and the struct padding uninitialized: 0x4b67 and "ot" were captured
    byte[] query = NrpeWire.v2(QUERY, 0x4b67, "check_ok", ascii("ot"));

    assertThat(query).hasSize(1036);
    assertThat(Arrays.copyOf(query, 19)).isEqualTo(concat(hex("0002 0001 bc17bd1d 4b67"), ascii("check_ok"), new byte[1]));
    assertThat(Arrays.copyOfRange(query, 1034, 1036)).isEqualTo(hex("6f74"));
    assertThat(decodeByteByByte(NrpePacket.Type.QUERY, query))
        .containsExactly(new NrpePacket(2, NrpePacket.Type.QUERY, (short) 0x4b67, "check_ok"));
  }

  @Test
  void encodedQueries_areByteIdenticalToCheckNrpes() {
    assertThat(CodecChannels.encode(NrpePacket.query(4, "check_ok"), alloc))
        .isEqualTo(NrpeWire.checkNrpeQuery(4, "check_ok"));
    assertThat(CodecChannels.encode(NrpePacket.query(3, "check_ok"), alloc))
        .isEqualTo(NrpeWire.checkNrpeQuery(3, "check_ok"));
    // v2 differs from the capture only where check_nrpe sends garbage: result_code and padding are 0
    byte[] v2 = CodecChannels.encode(NrpePacket.query(2, "check_ok"), alloc);
    assertThat(v2).isEqualTo(NrpeWire.checkNrpeQuery(2, "check_ok"));
    assertThat(NrpeWire.crcField(v2)).isEqualTo(0x1cd850cb); // zlib.crc32 of nrpe_client.py's v2 query
  }

  @Test
  void encodedV4Response_isByteIdenticalToTheRealDaemonsReply() {
    byte[] encoded = CodecChannels.encode(NrpePacket.response(4, 2, CRITICAL), alloc);

    assertThat(encoded).hasSize(39).isEqualTo(REAL_V4_REPLY);
    assertThat(NrpeWire.crcField(encoded)).isEqualTo(0x8e8c3adb);
  }

  @Test
  void realDaemonsV4Reply_decodesByteByByte() {
    assertThat(decodeByteByByte(NrpePacket.Type.RESPONSE, REAL_V4_REPLY))
        .containsExactly(NrpePacket.response(4, 2, CRITICAL));
  }

  @Test
  void encodedV2Response_hasTheDaemonsLayout_withZeroFillAndAValidCrc() {
    byte[] encoded = CodecChannels.encode(NrpePacket.response(2, 2, CRITICAL), alloc);

    assertThat(encoded).hasSize(1036);
    assertThat(Arrays.copyOf(encoded, 4)).isEqualTo(hex("0002 0002"));
    assertThat(Arrays.copyOfRange(encoded, 8, 10 + CRITICAL.length() + 1))
        .isEqualTo(concat(hex("0002"), ascii(CRITICAL), new byte[1]));
    assertThat(Arrays.copyOfRange(encoded, 10 + CRITICAL.length() + 1, 1036)).containsOnly(0);
    assertThat(NrpeWire.crcField(encoded)).isEqualTo(NrpeWire.crc(encoded)).isEqualTo(0x9e932048);
  }

  @Test
  void realDaemonsV2Reply_decodes_andDiffersFromOursOnlyInItsRandomPadAndSoItsCrc() {
    // nrpe 4.1.0's strncpy zero-fills the buffer after the text; only the 2 struct pad bytes are
    // random ("bE" was captured), and with them the captured crc cfee9c72 is reproduced exactly
    byte[] real = NrpeWire.v2(RESPONSE, 2, CRITICAL, hex("6245"));
    assertThat(NrpeWire.crcField(real)).isEqualTo(0xcfee9c72);

    byte[] ours = CodecChannels.encode(NrpePacket.response(2, 2, CRITICAL), alloc);
    for (int i : new int[] {4, 5, 6, 7, 1034, 1035}) {
      ours[i] = real[i];
    }
    assertThat(ours).isEqualTo(real);
    assertThat(decodeByteByByte(NrpePacket.Type.RESPONSE, real)).containsExactly(NrpePacket.response(2, 2, CRITICAL));
  }

  @Test
  void v2ReplyWithGarbageAfterTheNul_decodes() {
    byte[] reply = NrpeWire.v2(RESPONSE, 2, CRITICAL, hex("6245"));
    byte[] noise = new byte[1024 - CRITICAL.length() - 1];
    new Random(7).nextBytes(noise);
    System.arraycopy(noise, 0, reply, 10 + CRITICAL.length() + 1, noise.length);
    NrpeWire.withCrc(reply);

    assertThat(decodeByteByByte(NrpePacket.Type.RESPONSE, reply)).containsExactly(NrpePacket.response(2, 2, CRITICAL));
  }

  @Test
  void encodedV3Response_carriesThe3PadBytesCheckNrpeNeeds() {
    byte[] encoded = CodecChannels.encode(NrpePacket.response(3, 2, CRITICAL), alloc);

    assertThat(encoded).hasSize(16 + 23 + 3);
    assertThat(Arrays.copyOf(encoded, 16)).isEqualTo(hex("0003 0002 4acfeb9b 0002 0000 00000017"));
    assertThat(Arrays.copyOfRange(encoded, 39, 42)).containsOnly(0);
    assertThat(NrpeWire.crc(encoded)).isEqualTo(0x4acfeb9b); // zlib.crc32 over all 42 bytes
  }

  private List<NrpePacket> decodeByteByByte(NrpePacket.Type type, byte[] bytes) {
    NrpeDecoder decoder = new NrpeDecoder(type);
    EmbeddedChannel channel = CodecChannels.decoding(decoder, alloc);
    List<NrpePacket> packets = CodecChannels.byteByByte(channel, bytes, alloc);
    assertThat(decoder.bufferedBytes()).as("bytes left over").isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
    return packets;
  }
}

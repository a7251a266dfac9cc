package io.vigil.nagios.nrpe;

import static io.vigil.nagios.nrpe.NrpeWire.QUERY;
import static io.vigil.nagios.nrpe.NrpeWire.RESPONSE;
import static io.vigil.nagios.nrpe.NrpeWire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NrpeDecoderTest {

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final NrpeDecoder decoder = new NrpeDecoder(NrpePacket.Type.QUERY);
  private final EmbeddedChannel channel = CodecChannels.decoding(decoder, alloc);

  @AfterEach
  void releasedEveryBuffer() {
    channel.finishAndReleaseAll();
    assertThat(alloc.unreleased()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void decodesCheckNrpeQueries_byteByByte_leavingNothingBuffered(int version) {
    List<NrpePacket> packets = CodecChannels.byteByByte(channel, NrpeWire.checkNrpeQuery(version, "check_load"), alloc);

    assertThat(packets).containsExactly(NrpePacket.query(version, "check_load"));
    assertThat(decoder.bufferedBytes()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void decodesCheckNrpeQueries_inRandomChunks(int version) {
    Random random = new Random(version);
    byte[] twenty = concat(Collections.nCopies(20, NrpeWire.checkNrpeQuery(version, "check_disk")).toArray(new byte[0][]));

    List<NrpePacket> packets = CodecChannels.inChunks(channel, twenty, random, 300, alloc);

    assertThat(packets).hasSize(20).containsOnly(NrpePacket.query(version, "check_disk"));
    assertThat(decoder.bufferedBytes()).isZero();
  }

  @Test
  void decodesPacketsOfEveryVersionBackToBack_inOneWriteAndByteByByte() {
    byte[] three = concat(NrpeWire.checkNrpeQuery(4, "a"), NrpeWire.checkNrpeQuery(2, "b"),
        NrpeWire.v3v4(3, QUERY, 0, "c", 2), NrpeWire.v3v4(4, QUERY, 0, "d", 2));
    List<NrpePacket> expected = List.of(NrpePacket.query(4, "a"), NrpePacket.query(2, "b"),
        NrpePacket.query(3, "c"), NrpePacket.query(4, "d"));

    assertThat(CodecChannels.whole(channel, three, alloc)).isEqualTo(expected);
    assertThat(CodecChannels.byteByByte(channel, three, alloc)).isEqualTo(expected);
    assertThat(decoder.bufferedBytes()).isZero();
  }

  @Test
  void decodesOnePacketPerRead_whenSingleDecode() {
    decoder.setSingleDecode(true);
    byte[] two = concat(NrpeWire.checkNrpeQuery(4, "first"), NrpeWire.checkNrpeQuery(4, "second"));

    assertThat(CodecChannels.whole(channel, two, alloc)).containsExactly(NrpePacket.query(4, "first"));
    assertThat(decoder.bufferedBytes()).isEqualTo(1036);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 0, -1, 0x0400, 0x7fff})
  void rejectsAVersionOtherThan2To4_asSoonAsItsTwoBytesArrive(int version) {
    byte[] packet = NrpeWire.checkNrpeQuery(4, "check_ok");
    ByteBuffer.wrap(packet).putShort(0, (short) version);

    channel.writeInbound(alloc.copyOf(packet, 0, 1, false));
    assertThatThrownBy(() -> channel.writeInbound(alloc.copyOf(packet, 1, 2, false)))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessage("packet_version: " + version + " (expected: 2, 3 or 4) at offset 0");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4})
  void rejectsAResponseWhereAQueryIsExpected_atItsFourthByte(int version) {
    byte[] response = version == 2 ? NrpeWire.v2(RESPONSE, 0, "OK", new byte[2]) : NrpeWire.v3v4(version, RESPONSE, 0, "OK", 3);

    channel.writeInbound(alloc.copyOf(response, 0, 3, false));
    assertThatThrownBy(() -> channel.writeInbound(alloc.copyOf(response, 3, 4, false)))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessage("packet_type: 2 (expected: 1, a QUERY) at offset 2 of a v" + version + " packet");
  }

  @Test
  void rejectsAQueryWhereAResponseIsExpected() {
    NrpeDecoder client = new NrpeDecoder(NrpePacket.Type.RESPONSE);
    EmbeddedChannel clientChannel = CodecChannels.decoding(client, alloc);

    assertThatThrownBy(() -> CodecChannels.whole(clientChannel, NrpeWire.checkNrpeQuery(4, "x"), alloc))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessage("packet_type: 1 (expected: 2, a RESPONSE) at offset 2 of a v4 packet");
    clientChannel.finishAndReleaseAll();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65537, 0x7fffffff, Integer.MIN_VALUE, 0x10000000})
  void rejectsBufferLengthOutOf1To65536_onceTheHeaderIsIn_beforeWaitingForTheBuffer(int length) {
    for (int version : new int[] {3, 4}) {
      NrpeDecoder fresh = new NrpeDecoder(NrpePacket.Type.QUERY);
      EmbeddedChannel ch = CodecChannels.decoding(fresh, alloc);
      byte[] header = NrpeWire.header(version, QUERY, length);

      ch.writeInbound(alloc.copyOf(header, 0, 15, false));
      assertThatThrownBy(() -> ch.writeInbound(alloc.copyOf(header, 15, 16, false)))
          .isExactlyInstanceOf(NrpeDecoderException.class)
          .hasMessage("buffer_length: " + length + " (expected: 1..65536) at offset 12 of a v" + version + " packet");
      assertThat(fresh.bufferedBytes()).isZero();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void waitsFor65536BufferBytes_withoutAllocatingThem_thenDecodes65535Bytes() {
    String text = "x".repeat(65535);
    byte[] packet = NrpeWire.v3v4(4, QUERY, 0, text, 65536);

    channel.writeInbound(alloc.copyOf(packet, 0, 16, false));
    assertThat(decoder.bufferedBytes()).isEqualTo(16);
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(alloc.unreleased()).allSatisfy(b -> assertThat(b.capacity()).isLessThan(1024));

    assertThat(CodecChannels.inChunks(channel, Arrays.copyOfRange(packet, 16, packet.length), new Random(1), 8192, alloc))
        .containsExactly(NrpePacket.query(4, text));
    assertThat(decoder.bufferedBytes()).isZero();
  }

  @Test
  void rejectsABadCrc_forEveryBitFlippedInAV2Packet_paddingIncluded() {
    byte[] packet = NrpeWire.v2(QUERY, 0x4b67, "check_ok", NrpeWire.ascii("ot"));
    for (int bit = 0; bit < packet.length * 8; bit++) {
      byte[] corrupt = NrpeWire.flipBit(packet, bit);
      NrpeDecoder fresh = new NrpeDecoder(NrpePacket.Type.QUERY);
      EmbeddedChannel ch = CodecChannels.decoding(fresh, alloc);

      assertThatThrownBy(() -> CodecChannels.whole(ch, corrupt, alloc))
          .as("bit %d", bit).isExactlyInstanceOf(NrpeDecoderException.class);
      assertThat(CodecChannels.inbound(ch)).isEmpty();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void reportsTheReceivedAndComputedCrc_whenThePaddingWasAltered() {
    byte[] packet = NrpeWire.v2(QUERY, 0, "check_ok", NrpeWire.ascii("ot"));
    int crc = NrpeWire.crcField(packet);
    packet[1035] ^= 1;
    int computed = NrpeWire.crc(packet);

    assertThatThrownBy(() -> CodecChannels.whole(channel, packet, alloc))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessage(String.format("crc32: 0x%08x (expected: 0x%08x, computed over the 1036 bytes of a v2 packet) at offset 4",
            crc, computed));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4})
  void neverYieldsAPacket_forAnyBitFlippedInAV3OrV4Packet_outsideTheAlignment(int version) {
    byte[] packet = NrpeWire.checkNrpeQuery(version, "check_ok");
    for (int bit = 0; bit < packet.length * 8; bit++) {
      if (bit / 8 == 10 || bit / 8 == 11) {
        continue; // nrpe zeroes the alignment before its CRC; see acceptsANonZeroAlignment
      }
      NrpeDecoder fresh = new NrpeDecoder(NrpePacket.Type.QUERY);
      EmbeddedChannel ch = CodecChannels.decoding(fresh, alloc);
      byte[] corrupt = NrpeWire.flipBit(packet, bit);

      // a flip that grows buffer_length leaves the decoder waiting; trailing bytes then fail the CRC
      assertThatThrownBy(() -> {
        CodecChannels.whole(ch, corrupt, alloc);
        CodecChannels.whole(ch, new byte[NrpeLimits.MAX_PACKET_LENGTH], alloc);
      }).as("bit %d", bit).isExactlyInstanceOf(NrpeDecoderException.class);
      assertThat(CodecChannels.inbound(ch)).isEmpty();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void acceptsANonZeroAlignment_becauseNrpeZeroesItBeforeTheCrc() {
    byte[] packet = NrpeWire.checkNrpeQuery(4, "check_ok");
    packet[10] = 0x12;
    packet[11] = 0x34;

    assertThat(CodecChannels.whole(channel, packet, alloc)).containsExactly(NrpePacket.query(4, "check_ok"));
  }

  @Test
  void rejectsAV4BufferWithoutNul() {
    byte[] packet = NrpeWire.v3v4(4, QUERY, 0, "check_ok", 8);

    assertThatThrownBy(() -> CodecChannels.whole(channel, packet, alloc))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessage("buffer: no NUL terminator in its 8 bytes at offset 16 of a v4 packet");
  }

  @Test
  void rejectsAV2BufferWithoutNul_evenWhenThePaddingHoldsZeros() {
    byte[] packet = NrpeWire.v2(QUERY, 0, "a".repeat(1024), new byte[2]);

    assertThatThrownBy(() -> CodecChannels.whole(channel, packet, alloc))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessage("buffer: no NUL terminator in its 1024 bytes at offset 10 of a v2 packet");
  }

  @Test
  void discardsAllInputAfterAnError_andStaysFailed() {
    assertThatThrownBy(() -> CodecChannels.whole(channel, NrpeWire.header(5, QUERY, 1), alloc))
        .isExactlyInstanceOf(NrpeDecoderException.class);

    assertThat(CodecChannels.whole(channel, NrpeWire.checkNrpeQuery(4, "check_ok"), alloc)).isEmpty();
    assertThat(CodecChannels.byteByByte(channel, NrpeWire.checkNrpeQuery(2, "check_ok"), alloc)).isEmpty();
    assertThat(decoder.bufferedBytes()).isZero();
  }

  @Test
  void dropsAPartialPacketQuietly_whenTheInputEnds() {
    byte[] packet = NrpeWire.checkNrpeQuery(4, "check_ok");
    channel.writeInbound(alloc.copyOf(packet, 0, 500, true));

    assertThat(channel.finish()).isFalse();
  }

  @Test
  void decodesMalformedUtf8AsReplacementCharacters() {
    byte[] packet = NrpeWire.v3v4(4, QUERY, 0, "", 4);
    packet[16] = 'a';
    packet[17] = (byte) 0xC3; // a truncated two-byte sequence
    NrpeWire.withCrc(packet);

    assertThat(CodecChannels.whole(channel, packet, alloc)).containsExactly(NrpePacket.query(4, "a\uFFFD"));
  }

  @Test
  void readsTheCrcFromDirectAndCompositeCumulations() {
    ByteBuf first = alloc.copyOf(NrpeWire.checkNrpeQuery(4, "check_ok"), 0, 700, true);
    ByteBuf rest = alloc.copyOf(NrpeWire.checkNrpeQuery(4, "check_ok"), 700, 1036, true);
    decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);

    channel.writeInbound(first);
    channel.writeInbound(rest);

    assertThat(CodecChannels.inbound(channel)).containsExactly(NrpePacket.query(4, "check_ok"));
  }
}

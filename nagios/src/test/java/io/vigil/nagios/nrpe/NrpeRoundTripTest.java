package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Encode then decode, for every version and the output sizes around each limit. */
class NrpeRoundTripTest {

  private final TrackingAllocator alloc = new TrackingAllocator();

  @AfterEach
  void releasedEveryBuffer() {
    assertThat(alloc.unreleased()).isEmpty();
  }

  @ParameterizedTest(name = "v{0} response of {1} bytes")
  @CsvSource({
      "2, 0", "2, 1", "2, 1023", "2, 1024", "2, 2000", "2, 65535", "2, 70000",
      "3, 0", "3, 1", "3, 1023", "3, 1024", "3, 2000", "3, 65535", "3, 70000",
      "4, 0", "4, 1", "4, 1023", "4, 1024", "4, 2000", "4, 65535", "4, 70000"})
  void responses_keepUpTo1023BytesInV2And65535InV3V4(int version, int size) {
    String output = text(size);
    int kept = Math.min(size, version == 2 ? 1023 : 65535);

    byte[] wire = CodecChannels.encode(NrpePacket.response(version, 1, output), alloc);

    if (version == 2) {
      assertThat(wire).hasSize(1036);
    } else {
      assertThat(ByteBuffer.wrap(wire).getInt(12)).as("buffer_length").isEqualTo(kept + 1);
      assertThat(wire).hasSize(16 + kept + 1 + (version == 3 ? 3 : 0));
    }
    assertThat(decode(NrpePacket.Type.RESPONSE, wire)).containsExactly(NrpePacket.response(version, 1, output.substring(0, kept)));
  }

  @ParameterizedTest(name = "v{0} query of {1} bytes")
  @CsvSource({
      "2, 0", "2, 1023", "2, 1024",
      "3, 0", "3, 1016", "3, 1017", "3, 65535", "3, 70000",
      "4, 0", "4, 1019", "4, 1020", "4, 65535", "4, 70000"})
  void queries_arePaddedLikeCheckNrpe_andRoundTrip(int version, int size) {
    String command = text(size);
    int kept = Math.min(size, version == 2 ? 1023 : 65535);
    int padded = version == 4 ? 1020 : 1017;

    byte[] wire = CodecChannels.encode(NrpePacket.query(version, command), alloc);

    if (version == 2) {
      assertThat(wire).hasSize(1036);
    } else {
      int bufferLength = Math.max(padded, kept + 1);
      assertThat(ByteBuffer.wrap(wire).getInt(12)).as("buffer_length").isEqualTo(bufferLength);
      assertThat(wire).hasSize(16 + bufferLength + (version == 3 ? 3 : 0));
    }
    assertThat(decode(NrpePacket.Type.QUERY, wire)).containsExactly(NrpePacket.query(version, command.substring(0, kept)));
  }

  @ParameterizedTest(name = "v{0}: {1} x U+{2}")
  @CsvSource({
      // version, repeat, code point, characters kept, bytes kept
      "2, 600, 00e9, 511, 1022",        // é is 2 bytes: 1023 would split the 512th
      "2, 400, 20ac, 341, 1023",        // € is 3 bytes: 341 fill 1023 exactly
      "2, 300, 1f6a8, 255, 1020",       // 🚨 is 4 bytes (a surrogate pair in Java)
      "4, 40000, 00e9, 32767, 65534",
      "3, 30000, 20ac, 21845, 65535",
      "4, 20000, 1f6a8, 16383, 65532"})
  void cutsOnACharacterBoundary_neverInsideAUtf8Sequence(int version, int repeat, String hex, int chars, int bytes) {
    String symbol = Character.toString(Integer.parseInt(hex, 16));
    String output = symbol.repeat(repeat);

    List<NrpePacket> decoded = decode(NrpePacket.Type.RESPONSE, CodecChannels.encode(NrpePacket.response(version, 0, output), alloc));

    String kept = decoded.get(0).buffer();
    assertThat(kept).isEqualTo(symbol.repeat(chars));
    assertThat(kept.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
  }

  @Test
  void keepsResultCodesAndTheRequestVersion_inReplies() {
    for (int version = 2; version <= 4; version++) {
      for (int code = 0; code <= 3; code++) {
        NrpePacket reply = NrpePacket.query(version, "check_ok").reply(code, "out " + code);
        assertThat(decode(NrpePacket.Type.RESPONSE, CodecChannels.encode(reply, alloc)))
            .singleElement()
            .satisfies(p -> {
              assertThat(p.version()).isEqualTo(reply.version());
              assertThat(p.resultCode()).isEqualTo(reply.resultCode());
              assertThat(p.buffer()).isEqualTo(reply.buffer());
            });
      }
    }
  }

  @Test
  void utf8Prefix_returnsTheWholeTextWhenItFits_andStepsBackOverContinuationBytes() {
    assertThat(NrpeEncoder.utf8Prefix("abc", 3)).containsExactly('a', 'b', 'c');
    assertThat(NrpeEncoder.utf8Prefix("aé", 2)).containsExactly('a');
    assertThat(NrpeEncoder.utf8Prefix("é", 1)).isEmpty();
    assertThat(NrpeEncoder.utf8Prefix("\uD83D", 5)).containsExactly('?'); // an unpaired surrogate
  }

  /** Text whose bytes differ from position to position, so a shifted cut would show. */
  private static String text(int size) {
    StringBuilder sb = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      sb.append((char) ('a' + i % 26));
    }
    return sb.toString();
  }

  private List<NrpePacket> decode(NrpePacket.Type type, byte[] wire) {
    NrpeDecoder decoder = new NrpeDecoder(type);
    EmbeddedChannel channel = CodecChannels.decoding(decoder, alloc);
    List<NrpePacket> packets = CodecChannels.inChunks(channel, wire, new Random(wire.length), 4096, alloc);
    assertThat(decoder.bufferedBytes()).as("bytes left over").isZero();
    channel.finishAndReleaseAll();
    return packets;
  }
}

package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated packets, with fixed seeds, fed in random chunkings. Whatever the
 * input, the decoder yields valid packets or throws {@link NrpeDecoderException} and nothing else,
 * its cumulation never reaches {@link NrpeLimits#MAX_PACKET_LENGTH}, and every buffer is released
 * (checked per run by {@link TrackingAllocator}, with Netty's leak detector at PARANOID recording).
 */
class NrpeDecoderFuzzTest {

  private static ResourceLeakDetector.Level previousLevel;

  private final TrackingAllocator alloc = new TrackingAllocator();
  /** Outcomes by kind: "decoded", "waiting" or the rejected field (the message up to ':'). */
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private int largestBuffered;

  @BeforeAll
  static void paranoidLeakDetection() {
    previousLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterAll
  static void restoreLeakDetection() {
    ResourceLeakDetector.setLevel(previousLevel);
  }

  @AfterEach
  void releasedEveryBuffer() {
    assertThat(alloc.unreleased()).isEmpty();
    System.out.println("outcomes " + outcomes + ", most bytes buffered " + largestBuffered);
  }

  @Test
  void mutatedPackets_decodeOrAreRejected_withBoundedBuffering() {
    Random random = new Random(0x4E525045L);
    for (int run = 0; run < 5000; run++) {
      NrpePacket.Type type = random.nextBoolean() ? NrpePacket.Type.QUERY : NrpePacket.Type.RESPONSE;
      byte[] valid = CodecChannels.encode(randomPacket(random, type), alloc);
      byte[] input = random.nextInt(10) == 0 ? valid : mutate(valid, random, type);
      feed(run, type, input, random);
    }
    // the mutations must reach every check, or the assertions above prove little
    assertThat(outcomes).containsKeys("decoded", "waiting", "packet_version", "packet_type",
        "buffer_length", "crc32", "buffer");
    assertThat(largestBuffered).isGreaterThan(60_000);
  }

  @Test
  void randomGarbage_isRejectedOrDiscarded_withBoundedBuffering() {
    Random random = new Random(0x6761726241L);
    for (int run = 0; run < 2000; run++) {
      byte[] garbage = new byte[random.nextInt(run % 50 == 0 ? 150_000 : 3000)];
      random.nextBytes(garbage);
      if (random.nextBoolean() && garbage.length >= 4) {
        // a plausible start gets the garbage past the version and type checks
        ByteBuffer.wrap(garbage).putShort(0, (short) (2 + random.nextInt(3))).putShort(2, (short) 1);
      }
      feed(run, NrpePacket.Type.QUERY, garbage, random);
    }
    assertThat(outcomes).containsKeys("packet_version", "buffer_length", "crc32");
  }

  @Test
  void aSenderOfTheLargestPacket_makesTheDecoderBufferAtMostThatPacket_andNothingAfterIt() {
    NrpeDecoder decoder = new NrpeDecoder(NrpePacket.Type.QUERY);
    EmbeddedChannel channel = CodecChannels.decoding(decoder, alloc);
    byte[] xs = new byte[1000];
    Arrays.fill(xs, (byte) 'x');

    channel.writeInbound(alloc.copyOf(NrpeWire.header(3, NrpeWire.QUERY, NrpeLimits.MAX_BUFFER_LENGTH)));
    int sent = 16;
    while (sent + xs.length < NrpeLimits.MAX_PACKET_LENGTH) {
      channel.writeInbound(alloc.copyOf(xs));
      sent += xs.length;
      assertThat(decoder.bufferedBytes()).isEqualTo(sent);
    }
    int last = NrpeLimits.MAX_PACKET_LENGTH - sent;
    assertThatThrownBy(() -> channel.writeInbound(alloc.copyOf(xs, 0, last, true)))
        .isExactlyInstanceOf(NrpeDecoderException.class)
        .hasMessageStartingWith("crc32: 0x00000000 (expected: ")
        .hasMessageContaining("over the 65555 bytes of a v3 packet");
    for (int i = 0; i < 100; i++) {
      channel.writeInbound(alloc.copyOf(xs));
      assertThat(decoder.bufferedBytes()).isZero();
    }
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  /** Feeds {@code input} in a random chunking and checks every invariant after every write. */
  private void feed(int run, NrpePacket.Type type, byte[] input, Random random) {
    NrpeDecoder decoder = new NrpeDecoder(type);
    EmbeddedChannel channel = CodecChannels.decoding(decoder, alloc);
    // small chunks for small inputs only: a PARANOID leak-aware buffer per byte is slow
    int maxChunk = switch (random.nextInt(10)) {
      case 0 -> input.length <= 1100 ? 1 : 512;
      case 1, 2, 3 -> input.length <= 5000 ? 64 : 2048;
      case 4, 5, 6 -> 2048;
      default -> Math.max(1, input.length);
    };
    String rejected = null;
    boolean decoded = false;
    for (int i = 0; i < input.length; ) {
      boolean rejectedBefore = rejected != null;
      int end = Math.min(input.length, i + 1 + random.nextInt(maxChunk));
      try {
        channel.writeInbound(alloc.copyOf(input, i, end, random.nextBoolean()));
      } catch (NrpeDecoderException e) {
        assertThat(rejected).as("run %d: a second exception after %s", run, rejected).isNull();
        rejected = e.getMessage().substring(0, e.getMessage().indexOf(':'));
      } catch (Throwable t) {
        fail("run " + run + ": expected only NrpeDecoderException, got " + t, t);
      }
      int buffered = decoder.bufferedBytes();
      assertThat(buffered).as("run %d: bytes buffered", run).isLessThan(NrpeLimits.MAX_PACKET_LENGTH);
      largestBuffered = Math.max(largestBuffered, buffered);
      List<NrpePacket> packets = CodecChannels.inbound(channel);
      packets.forEach(p -> assertValid(run, type, p));
      decoded |= !packets.isEmpty();
      if (rejectedBefore) {
        assertThat(packets).as("run %d: packets after a rejection", run).isEmpty();
      }
      if (rejected != null) {
        assertThat(buffered).as("run %d: bytes kept after a rejection", run).isZero();
      }
      i = end;
    }
    channel.finishAndReleaseAll();
    count(rejected != null ? rejected : decoded ? "decoded" : "waiting");
    assertThat(alloc.unreleased()).as("run %d: unreleased buffers", run).isEmpty();
    alloc.forgetReleased();
  }

  private static void assertValid(int run, NrpePacket.Type type, NrpePacket packet) {
    assertThat(packet.version()).as("run %d", run).isBetween(2, 4);
    assertThat(packet.type()).as("run %d", run).isEqualTo(type);
    assertThat(packet.buffer()).as("run %d", run).doesNotContain("\0");
  }

  private void count(String outcome) {
    outcomes.merge(outcome, 1, Integer::sum);
  }

  private static NrpePacket randomPacket(Random random, NrpePacket.Type type) {
    int version = 2 + random.nextInt(3);
    int length = switch (random.nextInt(20)) {
      case 0 -> 60_000 + random.nextInt(12_000);
      case 1, 2 -> random.nextInt(3000);
      default -> random.nextInt(40);
    };
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(50) == 0 ? 'é' : (char) (' ' + random.nextInt(95)));
    }
    return type == NrpePacket.Type.QUERY ? NrpePacket.query(version, text.toString())
        : NrpePacket.response(version, random.nextInt(4), text.toString());
  }

  private static byte[] mutate(byte[] valid, Random random, NrpePacket.Type type) {
    byte[] b = valid.clone();
    for (int n = 1 + random.nextInt(2); n > 0; n--) {
      switch (random.nextInt(9)) {
        case 0 -> {
          for (int flips = 1 + random.nextInt(8); flips > 0 && b.length > 0; flips--) {
            b = NrpeWire.flipBit(b, random.nextInt(b.length * 8));
          }
        }
        case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
        case 2 -> b = withInt(b, 12, new int[] {0, -1, 1, 65536, 65537, Integer.MAX_VALUE,
            Integer.MIN_VALUE, random.nextInt(70_000), random.nextInt()}[random.nextInt(9)], random);
        case 3 -> b = withShort(b, 0, random.nextInt(7) - 1, random);
        case 4 -> b = withShort(b, 2, type.code() == 1 ? 2 : 1, random);
        case 5 -> {
          int from = random.nextInt(b.length + 1);
          byte[] noise = new byte[Math.min(b.length - from, 1 + random.nextInt(64))];
          random.nextBytes(noise);
          System.arraycopy(noise, 0, b, from, noise.length);
        }
        case 6 -> b = NrpeWire.concat(b, random.nextBoolean() ? valid : Arrays.copyOf(valid, random.nextInt(valid.length)));
        case 7 -> b = withoutNul(b);
        default -> b = withCrc(b);
      }
    }
    return b;
  }

  private static byte[] withInt(byte[] b, int offset, int value, Random random) {
    if (b.length >= offset + 4) {
      ByteBuffer.wrap(b).putInt(offset, value);
      maybeFixCrc(b, random);
    }
    return b;
  }

  private static byte[] withShort(byte[] b, int offset, int value, Random random) {
    if (b.length >= offset + 2) {
      ByteBuffer.wrap(b).putShort(offset, (short) value);
      maybeFixCrc(b, random);
    }
    return b;
  }

  /** Replaces every NUL of the buffer, keeping the CRC right, so only the NUL check can object. */
  private static byte[] withoutNul(byte[] b) {
    int bufferStart = b.length >= 2 && ByteBuffer.wrap(b).getShort(0) == 2 ? 10 : 16;
    for (int i = bufferStart; i < b.length; i++) {
      if (b[i] == 0) {
        b[i] = 'z';
      }
    }
    return withCrc(b);
  }

  private static void maybeFixCrc(byte[] b, Random random) {
    if (random.nextBoolean()) {
      withCrc(b);
    }
  }

  private static byte[] withCrc(byte[] b) {
    return b.length >= 12 ? NrpeWire.withCrc(b) : b;
  }
}

package io.vigil.nagios.nrpe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** EmbeddedChannels around the NRPE codec, and ways of feeding them bytes, for tests. */
final class CodecChannels {

  private CodecChannels() {
  }

  static EmbeddedChannel decoding(NrpeDecoder decoder, TrackingAllocator alloc) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(alloc);
    channel.pipeline().addLast(decoder);
    return channel;
  }

  static EmbeddedChannel encoding(TrackingAllocator alloc) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(alloc);
    channel.pipeline().addLast(new NrpeEncoder());
    return channel;
  }

  /** Encodes {@code packet} through a channel and returns the bytes written. */
  static byte[] encode(NrpePacket packet, TrackingAllocator alloc) {
    EmbeddedChannel channel = encoding(alloc);
    channel.writeOutbound(packet);
    ByteBuf out = channel.readOutbound();
    try {
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return bytes;
    } finally {
      out.release();
      channel.finishAndReleaseAll();
    }
  }

  static List<NrpePacket> byteByByte(EmbeddedChannel channel, byte[] bytes, TrackingAllocator alloc) {
    for (int i = 0; i < bytes.length; i++) {
      channel.writeInbound(alloc.copyOf(bytes, i, i + 1, i % 2 == 0));
    }
    return inbound(channel);
  }

  static List<NrpePacket> inChunks(EmbeddedChannel channel, byte[] bytes, Random random, int maxChunk,
      TrackingAllocator alloc) {
    int i = 0;
    while (i < bytes.length) {
      int end = Math.min(bytes.length, i + 1 + random.nextInt(maxChunk));
      channel.writeInbound(alloc.copyOf(bytes, i, end, random.nextBoolean()));
      i = end;
    }
    return inbound(channel);
  }

  static List<NrpePacket> whole(EmbeddedChannel channel, byte[] bytes, TrackingAllocator alloc) {
    channel.writeInbound(alloc.copyOf(bytes));
    return inbound(channel);
  }

  /** Everything the decoder has produced so far. */
  static List<NrpePacket> inbound(EmbeddedChannel channel) {
    List<NrpePacket> packets = new ArrayList<>();
    for (Object o; (o = channel.readInbound()) != null; ) {
      packets.add((NrpePacket) o);
    }
    return packets;
  }
}

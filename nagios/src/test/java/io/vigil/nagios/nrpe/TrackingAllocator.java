package io.vigil.nagios.nrpe;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it hands out, so a test can assert that all of
 * them were released: a leak check that does not wait for the garbage collector. Buffers are also
 * wrapped by Netty's ResourceLeakDetector (at whatever level the test set), which records their
 * accesses. Not thread-safe: for EmbeddedChannel tests.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

  private final List<ByteBuf> allocated = new ArrayList<>();

  TrackingAllocator() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** A new heap or direct buffer holding {@code bytes[from, to)}. */
  ByteBuf copyOf(byte[] bytes, int from, int to, boolean direct) {
    ByteBuf buf = direct ? directBuffer(to - from) : heapBuffer(to - from);
    return buf.writeBytes(bytes, from, to - from);
  }

  ByteBuf copyOf(byte[] bytes) {
    return copyOf(bytes, 0, bytes.length, false);
  }

  int allocatedCount() {
    return allocated.size();
  }

  /** Buffers still referenced; empty when everything was released. */
  List<ByteBuf> unreleased() {
    return allocated.stream().filter(b -> b.refCnt() != 0).toList();
  }

  /** Forgets the buffers allocated so far, once they are all released, so that long runs stay small. */
  void forgetReleased() {
    allocated.removeIf(b -> b.refCnt() == 0);
  }

  private ByteBuf track(ByteBuf buf) {
    ByteBuf leakAware = toLeakAwareBuffer(buf);
    allocated.add(leakAware);
    return leakAware;
  }
}

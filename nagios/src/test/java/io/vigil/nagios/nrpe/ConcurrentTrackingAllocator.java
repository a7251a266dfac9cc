package io.vigil.nagios.nrpe;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link TrackingAllocator} for a real server: unpooled, thread-safe, remembering every buffer the
 * server's event loops allocate so a test can assert that all were released once the connections
 * are closed, without waiting for the garbage collector. Also keeps the most bytes ever held at once.
 */
final class ConcurrentTrackingAllocator extends AbstractByteBufAllocator {

  private final ConcurrentLinkedQueue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();
  private final AtomicLong allocations = new AtomicLong();

  ConcurrentTrackingAllocator() {
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

  long allocations() {
    return allocations.get();
  }

  /** Buffers not yet released; forgets the released ones, so that long runs stay small. */
  List<ByteBuf> unreleased() {
    allocated.removeIf(b -> b.refCnt() == 0);
    return List.copyOf(allocated);
  }

  /** Bytes of capacity held by unreleased buffers now. */
  long heldBytes() {
    return unreleased().stream().mapToLong(ByteBuf::capacity).sum();
  }

  private ByteBuf track(ByteBuf buf) {
    allocations.incrementAndGet();
    allocated.add(buf);
    return buf;
  }
}

package io.vigil.controlplane.planner.store;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The file side of {@link FileStore}: the directory lock, the append-only journal with group
 * commit, replay at open and the rewrite that compacts it.
 *
 * <p>Group commit: writers {@link #buffer} their line (in the order the store applied them) and
 * then {@link #sync} up to their own sequence number. Whoever holds the sync lock writes and forces
 * everything buffered so far, so concurrent writers share one fsync.
 */
final class Journal implements Closeable {

  static final String FILE = "journal.jsonl";
  static final String LOCK_FILE = "lock";

  /** Receives one line; {@code buf[0..len)} is only valid during the call. */
  interface LineSink {
    void line(byte[] buf, int len, long lineNo, long offset, boolean terminated);
  }

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private FileChannel out;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 14);
  private long buffered;
  private long durable;
  private volatile long durableBytes;
  private final ReentrantLock syncLock = new ReentrantLock();
  private volatile IOException failure;

  private Journal(Path file, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Creates {@code dir} if needed and takes its lock, or says who holds it. */
  static Journal lock(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("planner store " + dir + ": cannot create the directory: " + e);
    }
    Path lockFile = dir.resolve(LOCK_FILE);
    FileChannel ch;
    try {
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException("planner store " + dir + ": cannot open " + lockFile + ": " + e);
    }
    FileLock lock = null;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM already holds it
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StoreException("planner store " + dir + ": cannot lock " + lockFile + ": " + e);
    }
    if (lock == null) {
      String holder = holder(ch);
      closeQuietly(ch);
      throw new StoreException("planner store " + dir + " is in use by another planner" + holder
          + " (lock " + lockFile + "): one embedded store serves one planner; for several, use store type postgres");
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
    } catch (IOException e) {
      // the pid is only a courtesy for the refusal message of a second planner
    }
    return new Journal(dir.resolve(FILE), ch, lock);
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      return pid.matches("\\d{1,10}") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  Path file() {
    return file;
  }

  long size() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": " + e);
    }
  }

  /** Reads every line of the journal as it is on disk, before {@link #openForAppend}. */
  void replay(LineSink sink) {
    if (!Files.exists(file)) {
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      forEachLine(in, Long.MAX_VALUE, sink);
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": cannot read: " + e);
    }
  }

  /** Cuts a torn tail off (from {@code offset}) and appends a missing final newline. */
  void repairTail(long offset, boolean addNewline) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(offset);
      if (addNewline) {
        ch.write(ByteBuffer.wrap(new byte[] {'\n'}), offset);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": cannot repair its torn last line: " + e);
    }
  }

  /** Replaces the journal by {@code lines} atomically (write aside, fsync, rename, fsync the directory). */
  void rewrite(List<byte[]> lines) {
    Path tmp = file.resolveSibling(FILE + ".compact");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 20);
      for (byte[] line : lines) {
        chunk.write(line);
        if (chunk.size() >= 1 << 20) {
          writeFully(ch, chunk.toByteArray());
          chunk.reset();
        }
      }
      writeFully(ch, chunk.toByteArray());
      ch.force(true);
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": compaction failed writing " + tmp + ": " + e);
    }
    try {
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(file.getParent());
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": compaction failed renaming " + tmp + ": " + e);
    }
  }

  void deleteCompactionLeftover() {
    try {
      Files.deleteIfExists(file.resolveSibling(FILE + ".compact"));
    } catch (IOException e) {
      throw new StoreException("planner store " + file.getParent() + ": cannot remove a half-written compaction: "
          + e);
    }
  }

  void openForAppend() {
    try {
      out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      durableBytes = out.size();
      forceDirectory(file.getParent()); // the journal's own directory entry, when it was just created
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": cannot open for writing: " + e);
    }
  }

  /** Queues one line; call under the store's lock so lines reach the file in the order applied. */
  synchronized long buffer(byte[] line) {
    pending.write(line, 0, line.length);
    return ++buffered;
  }

  /** Returns once line {@code seq} and everything before it are on disk (fsynced). */
  void sync(long seq) {
    syncLock.lock();
    try {
      if (failure != null) {
        throw failed();
      }
      if (durable >= seq) {
        return;
      }
      byte[] data;
      long upTo;
      synchronized (this) {
        data = pending.toByteArray();
        pending.reset();
        upTo = buffered;
      }
      try {
        writeFully(out, data);
        out.force(false);
      } catch (IOException e) {
        failure = e;
        throw failed();
      }
      durable = upTo;
      durableBytes += data.length;
    } finally {
      syncLock.unlock();
    }
  }

  /** Once a write has failed the in-memory state is ahead of the disk: refuse everything after. */
  StoreException failed() {
    return new StoreException("planner store journal " + file + ": a write failed (" + failure
        + "); the store refuses further writes: restart the planner to replay the journal");
  }

  boolean hasFailed() {
    return failure != null;
  }

  /** Reads the lines already on disk, for timeline queries older than the memory window. */
  void scan(LineSink sink) {
    long limit = durableBytes;
    try (InputStream in = Files.newInputStream(file)) {
      forEachLine(in, limit, sink);
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": cannot read: " + e);
    }
  }

  @Override
  public void close() {
    try {
      if (out != null) {
        syncLock.lock();
        try {
          byte[] rest;
          synchronized (this) {
            rest = pending.toByteArray();
            pending.reset();
          }
          if (rest.length > 0 && failure == null) {
            writeFully(out, rest);
            out.force(false);
          }
        } finally {
          syncLock.unlock();
        }
        out.close();
      }
    } catch (IOException e) {
      throw new StoreException("planner store journal " + file + ": closing: " + e);
    } finally {
      try {
        lock.release();
      } catch (IOException e) {
        // closing the channel releases it too
      }
      closeQuietly(lockChannel);
    }
  }

  static void forEachLine(InputStream in, long limit, LineSink sink) throws IOException {
    byte[] chunk = new byte[1 << 16];
    byte[] line = new byte[1024];
    int len = 0;
    long lineNo = 1;
    long pos = 0;
    long lineStart = 0;
    int n;
    while (pos < limit && (n = in.read(chunk, 0, (int) Math.min(chunk.length, limit - pos))) > 0) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
          line = append(line, len, chunk, from, i - from);
          len += i - from;
          sink.line(line, len, lineNo++, lineStart, true);
          len = 0;
          from = i + 1;
          lineStart = pos + i + 1;
        }
      }
      line = append(line, len, chunk, from, n - from);
      len += n - from;
      pos += n;
    }
    if (len > 0) {
      sink.line(line, len, lineNo, lineStart, false);
    }
  }

  private static byte[] append(byte[] line, int len, byte[] src, int from, int count) {
    if (count == 0) {
      return line;
    }
    if (len + count > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, len + count));
    }
    System.arraycopy(src, from, line, len, count);
    return line;
  }

  private static void writeFully(FileChannel ch, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void forceDirectory(Path dir) {
    // fsync of a directory makes a rename or a new file durable on Linux; not every platform allows it
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // best effort: the data itself is fsynced
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}

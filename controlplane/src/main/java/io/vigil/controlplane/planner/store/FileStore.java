package io.vigil.controlplane.planner.store;

import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.store.JournalCodec.ActionEntry;
import io.vigil.controlplane.planner.store.JournalCodec.ApprovalEntry;
import io.vigil.controlplane.planner.store.JournalCodec.Entry;
import io.vigil.controlplane.planner.store.JournalCodec.EventEntry;
import io.vigil.controlplane.planner.store.JournalCodec.HoldEndEntry;
import io.vigil.controlplane.planner.store.JournalCodec.HoldEntry;
import io.vigil.controlplane.planner.store.JournalCodec.TermEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store for a single planner ({@code bin/vigil run}): an append-only journal of JSON
 * lines in {@code dir/journal.jsonl}, fsynced before every write returns (concurrent writers share
 * one fsync), replayed into memory at open. {@code dir/lock} is held for as long as the store is
 * open, so a second planner on the same directory is refused.
 *
 * <p>At open, a torn last line (a crash in the middle of a write) is cut off and reported; a
 * corrupt line anywhere else refuses the open with the file and line, so nothing is silently
 * lost. A journal larger than {@link Options#compactAboveBytes()} is rewritten at open with what
 * still matters: the term, unfinished actions and the newest finished ones, active holds,
 * approvals and the newest {@link Options#memoryEvents()} timeline events.
 *
 * <p>Reads are served from memory; timeline queries that reach further back than the in-memory
 * window read the journal on disk.
 *
 * <pre>{@code
 * try (PlannerStore store = FileStore.open(Path.of("vigil-data"))) {
 *   long term = store.beginTerm("planner-1");
 * }
 * }</pre>
 */
public final class FileStore implements PlannerStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);

  /**
   * Tuning of the embedded store.
   *
   * @param compactAboveBytes  rewrite the journal at open when it is larger than this
   * @param memoryEvents       timeline events kept in memory (and kept by compaction)
   * @param keepFinishedActions finished actions kept by compaction (unfinished ones are always kept)
   */
  public record Options(long compactAboveBytes, int memoryEvents, int keepFinishedActions) {

    public static final Options DEFAULT = new Options(64L << 20, 50_000, 10_000);

    public Options {
      if (compactAboveBytes < 1 || memoryEvents < 1 || keepFinishedActions < 0) {
        throw new IllegalArgumentException("store options: " + compactAboveBytes + ", " + memoryEvents + ", "
            + keepFinishedActions + " (expected: compactAboveBytes >= 1, memoryEvents >= 1, keepFinishedActions >= 0)");
      }
    }
  }

  private final Journal journal;
  private final Clock clock;
  private final Options options;
  private final String name;
  private String recoveryNote;

  // Everything below is guarded by "this".
  private long term;
  private final List<ActionRecord> actions = new ArrayList<>();
  private final Map<String, Integer> actionIndex = new HashMap<>();
  private final Map<String, String> idByKey = new HashMap<>();
  private final Map<String, Long> actionSeq = new HashMap<>();
  private final ArrayDeque<TimelineEvent> window = new ArrayDeque<>();
  private long nextEventSeq = 1;
  private boolean olderEventsOnDisk;
  private final Map<String, Hold> holds = new LinkedHashMap<>();
  private final Map<String, Approval> approvals = new LinkedHashMap<>();
  private boolean closed;

  private FileStore(Journal journal, Clock clock, Options options, String name) {
    this.journal = journal;
    this.clock = clock;
    this.options = options;
    this.name = name;
  }

  public static FileStore open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  public static FileStore open(Path dir, Clock clock) {
    return open(dir, clock, Options.DEFAULT);
  }

  /**
   * Opens (creating if needed) the store in {@code dir}.
   *
   * @throws StoreException when another planner holds the directory, or the journal is corrupt or unreadable
   */
  public static FileStore open(Path dir, Clock clock, Options options) {
    Journal journal = Journal.lock(dir);
    try {
      FileStore store = new FileStore(journal, clock, options, "planner store journal " + journal.file());
      store.load();
      return store;
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  /** What the open repaired (a torn last line), if anything: also logged as a warning. */
  public Optional<String> recoveryNote() {
    return Optional.ofNullable(recoveryNote);
  }

  private synchronized void load() {
    journal.deleteCompactionLeftover();
    long[] badLine = {0};
    long[] badOffset = {-1};
    String[] badReason = {null};
    boolean[] unterminated = {false};
    long[] lastOffset = {0};
    journal.replay((buf, len, lineNo, offset, terminated) -> {
      if (isBlank(buf, len) && terminated) {
        return;
      }
      if (badReason[0] != null) {
        throw new StoreException(name + " line " + badLine[0] + ": corrupt entry (" + badReason[0]
            + "); not opened, so nothing is lost: repair or move the file away");
      }
      try {
        apply(JournalCodec.decode(buf, 0, len));
        unterminated[0] = !terminated;
        lastOffset[0] = offset + len;
      } catch (IllegalArgumentException e) {
        badLine[0] = lineNo;
        badOffset[0] = offset;
        badReason[0] = e.getMessage();
      }
    });
    if (badReason[0] != null) {
      recoveryNote = name + " line " + badLine[0] + ": torn last line dropped (" + badReason[0]
          + "): the planner stopped in the middle of a write, which was never acknowledged";
      LOG.warn(recoveryNote);
      journal.repairTail(badOffset[0], false);
    } else if (unterminated[0]) {
      journal.repairTail(lastOffset[0], true);
    }
    if (journal.size() > options.compactAboveBytes()) {
      compact(clock.instant());
    }
    journal.openForAppend();
  }

  private static boolean isBlank(byte[] buf, int len) {
    for (int i = 0; i < len; i++) {
      if (buf[i] != ' ' && buf[i] != '\r' && buf[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  private void apply(Entry entry) {
    if (entry instanceof TermEntry t) {
      term = Math.max(term, t.term());
    } else if (entry instanceof ActionEntry a) {
      putAction(a.seq(), a.action());
    } else if (entry instanceof EventEntry e) {
      addEvent(e.event());
      nextEventSeq = Math.max(nextEventSeq, e.event().seq() + 1);
    } else if (entry instanceof HoldEntry h) {
      holds.put(h.hold().id(), h.hold());
    } else if (entry instanceof HoldEndEntry h) {
      Hold old = holds.get(h.id());
      if (old != null) {
        holds.put(h.id(), ended(old, h.at()));
      }
    } else if (entry instanceof ApprovalEntry a) {
      approvals.put(a.approval().id(), a.approval());
    }
  }

  private void putAction(long seq, ActionRecord a) {
    Integer at = actionIndex.get(a.id());
    if (at == null) {
      actionIndex.put(a.id(), actions.size());
      actions.add(a);
      idByKey.put(a.idempotencyKey(), a.id());
      actionSeq.put(a.id(), seq);
    } else {
      actions.set(at, a);
    }
  }

  private void addEvent(TimelineEvent e) {
    window.addLast(e);
    if (window.size() > options.memoryEvents()) {
      window.removeFirst();
      olderEventsOnDisk = true;
    }
  }

  private static Hold ended(Hold h, Instant at) {
    Instant until = at.isBefore(h.until()) ? at : h.until();
    return new Hold(h.id(), h.host(), h.role(), h.cluster(), h.action(), until, h.reason(), h.by());
  }

  private void compact(Instant now) {
    long before = journal.size();
    List<byte[]> lines = new ArrayList<>();
    lines.add(JournalCodec.encode(new TermEntry(term, null, now)));
    int finished = 0;
    List<ActionRecord> kept = new ArrayList<>();
    for (int i = actions.size() - 1; i >= 0; i--) {
      ActionRecord a = actions.get(i);
      if (!a.status().isFinal() || finished++ < options.keepFinishedActions()) {
        kept.add(a);
      }
    }
    Collections.reverse(kept);
    actions.clear();
    actionIndex.clear();
    idByKey.clear();
    Map<String, Long> seqs = new HashMap<>(actionSeq);
    actionSeq.clear();
    for (ActionRecord a : kept) {
      putAction(seqs.get(a.id()), a);
      lines.add(JournalCodec.encode(new ActionEntry(seqs.get(a.id()), a)));
    }
    holds.values().removeIf(h -> !h.activeAt(now));
    for (Hold h : holds.values()) {
      lines.add(JournalCodec.encode(new HoldEntry(h)));
    }
    for (Approval a : approvals.values()) {
      lines.add(JournalCodec.encode(new ApprovalEntry(a)));
    }
    for (TimelineEvent e : window) {
      lines.add(JournalCodec.encode(new EventEntry(e)));
    }
    journal.rewrite(lines);
    olderEventsOnDisk = false;
    LOG.info("{}: compacted from {} to {} bytes ({} actions, {} holds, {} approvals, {} events kept)", name, before,
        journal.size(), kept.size(), holds.size(), approvals.size(), window.size());
  }

  /** Buffers the entry's line under the lock; the caller syncs after releasing it. */
  private long write(Entry entry) {
    if (closed) {
      throw new StoreException(name + ": the store is closed");
    }
    if (journal.hasFailed()) {
      throw journal.failed();
    }
    return journal.buffer(JournalCodec.encode(entry));
  }

  private void checkTerm(long writerTerm) throws FencedOutException {
    if (writerTerm < term) {
      throw new FencedOutException(writerTerm, term);
    }
  }

  @Override
  public long beginTerm(String node) {
    long seq;
    long begun;
    synchronized (this) {
      begun = term + 1;
      seq = write(new TermEntry(begun, node, clock.instant()));
      term = begun;
    }
    journal.sync(seq);
    return begun;
  }

  @Override
  public synchronized long currentTerm() {
    return term;
  }

  @Override
  public ActionRecord recordIntent(ActionRecord intent) throws FencedOutException {
    long seq;
    synchronized (this) {
      checkTerm(intent.term());
      String existing = idByKey.get(intent.idempotencyKey());
      if (existing != null) {
        return actions.get(actionIndex.get(existing));
      }
      if (actionIndex.containsKey(intent.id())) {
        throw new IllegalArgumentException(
            "action id '" + intent.id() + "' already exists with another idempotency key");
      }
      long actionNo = actions.isEmpty() ? 1 : actionSeq.get(actions.get(actions.size() - 1).id()) + 1;
      seq = write(new ActionEntry(actionNo, intent));
      putAction(actionNo, intent);
    }
    journal.sync(seq);
    return intent;
  }

  @Override
  public ActionRecord updateAction(String id, ActionRecord.Status status, String detail, long writerTerm)
      throws FencedOutException {
    long seq;
    ActionRecord updated;
    synchronized (this) {
      checkTerm(writerTerm);
      Integer at = actionIndex.get(id);
      if (at == null) {
        throw new IllegalArgumentException("no action with id '" + id + "'");
      }
      updated = actions.get(at).with(status, detail, clock.instant());
      seq = write(new ActionEntry(actionSeq.get(id), updated));
      actions.set(at, updated);
    }
    journal.sync(seq);
    return updated;
  }

  @Override
  public synchronized Optional<ActionRecord> action(String id) {
    Integer at = actionIndex.get(id);
    return at == null ? Optional.empty() : Optional.of(actions.get(at));
  }

  @Override
  public synchronized List<ActionRecord> unfinishedActions() {
    return actions.stream().filter(a -> !a.status().isFinal()).toList();
  }

  @Override
  public synchronized List<ActionRecord> actions(TimelineQuery query) {
    List<ActionRecord> out = new ArrayList<>();
    for (int i = actions.size() - 1; i >= 0 && out.size() < query.limit(); i--) {
      ActionRecord a = actions.get(i);
      if (query.matches(a.host(), a.check(), a.createdAt())) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public TimelineEvent append(TimelineEvent event) {
    return appendAll(List.of(event)).get(0);
  }

  @Override
  public List<TimelineEvent> appendAll(List<TimelineEvent> events) {
    long seq = 0;
    List<TimelineEvent> numbered = new ArrayList<>(events.size());
    synchronized (this) {
      for (TimelineEvent event : events) {
        TimelineEvent e = event.withSeq(nextEventSeq);
        seq = write(new EventEntry(e));
        nextEventSeq++;
        addEvent(e);
        numbered.add(e);
      }
    }
    if (seq > 0) {
      journal.sync(seq);
    }
    return numbered;
  }

  @Override
  public List<TimelineEvent> timeline(TimelineQuery query) {
    ArrayDeque<TimelineEvent> newest = new ArrayDeque<>();
    long oldestInMemory;
    synchronized (this) {
      Iterator<TimelineEvent> it = window.descendingIterator();
      while (it.hasNext() && newest.size() < query.limit()) {
        TimelineEvent e = it.next();
        if (query.matches(e.host(), e.check(), e.at())) {
          newest.addFirst(e);
        }
      }
      if (newest.size() >= query.limit() || !olderEventsOnDisk) {
        return List.copyOf(newest);
      }
      oldestInMemory = window.isEmpty() ? nextEventSeq : window.getFirst().seq();
    }
    // Not enough in memory and older events exist: the rest comes from the journal, oldest first.
    int missing = query.limit() - newest.size();
    ArrayDeque<TimelineEvent> older = new ArrayDeque<>();
    journal.scan((buf, len, lineNo, offset, terminated) -> {
      if (!startsWith(buf, len, JournalCodec.EVENT_PREFIX)) {
        return;
      }
      TimelineEvent e;
      try {
        e = ((EventEntry) JournalCodec.decode(buf, 0, len)).event();
      } catch (IllegalArgumentException ex) {
        throw new StoreException(name + " line " + lineNo + ": corrupt entry (" + ex.getMessage() + ")");
      }
      if (e.seq() < oldestInMemory && query.matches(e.host(), e.check(), e.at())) {
        older.addLast(e);
        if (older.size() > missing) {
          older.removeFirst();
        }
      }
    });
    List<TimelineEvent> out = new ArrayList<>(older);
    out.addAll(newest);
    return out;
  }

  private static boolean startsWith(byte[] buf, int len, byte[] prefix) {
    if (len < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buf[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void putHold(Hold hold) {
    long seq;
    synchronized (this) {
      seq = write(new HoldEntry(hold));
      holds.put(hold.id(), hold);
    }
    journal.sync(seq);
  }

  @Override
  public boolean endHold(String id, Instant at, String by) {
    long seq;
    synchronized (this) {
      Hold h = holds.get(id);
      if (h == null || !h.activeAt(at)) {
        return false;
      }
      seq = write(new HoldEndEntry(id, at, by));
      holds.put(id, ended(h, at));
    }
    journal.sync(seq);
    return true;
  }

  @Override
  public synchronized List<Hold> holds(Instant now) {
    return holds.values().stream().filter(h -> h.activeAt(now)).toList();
  }

  @Override
  public void putApproval(Approval approval) {
    long seq;
    synchronized (this) {
      seq = write(new ApprovalEntry(approval));
      approvals.put(approval.id(), approval);
    }
    journal.sync(seq);
  }

  @Override
  public synchronized Optional<Approval> approval(String id) {
    return Optional.ofNullable(approvals.get(id));
  }

  @Override
  public synchronized List<Approval> approvals() {
    return List.copyOf(approvals.values());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    journal.close();
  }

  @Override
  public String toString() {
    return "FileStore[" + journal.file().getParent() + "]";
  }
}

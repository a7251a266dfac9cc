package io.vigil.controlplane.planner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.controlplane.planner.store.ActionRecord.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store: the contract, plus what only a journal on disk can get wrong. */
class FileStoreTest extends PlannerStoreContract {

  @TempDir
  Path dir;

  private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  @Override
  protected PlannerStore openFresh() {
    return FileStore.open(dir.resolve("store"), clock);
  }

  @Override
  protected PlannerStore reopen() {
    store.close();
    return FileStore.open(dir.resolve("store"), clock);
  }

  private Path journal() {
    return dir.resolve("store").resolve("journal.jsonl");
  }

  @Test
  void refusesASecondOpenOfALockedDirectory() {
    assertThatThrownBy(() -> FileStore.open(dir.resolve("store"), clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(dir.resolve("store").toString())
        .hasMessageContaining("in use by another planner")
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    // the refused open did not disturb the open store
    assertThat(store.beginTerm("p1")).isEqualTo(1);
  }

  @Test
  void opensAgainOnceTheFirstIsClosed() {
    store.beginTerm("p1");
    store.close();
    store = FileStore.open(dir.resolve("store"), clock);
    assertThat(store.currentTerm()).isEqualTo(1);
  }

  @Test
  void dropsATornLastLine_andReportsIt() throws Exception {
    store.append(event(T0, "db1", "pg", "kept"));
    store.append(event(T0, "db1", "pg", "also kept"));
    store.close();
    // a crash in the middle of a write leaves half a line
    Files.writeString(journal(), "{\"t\":\"event\",\"seq\":3,\"at\":\"2026-12-0", StandardOpenOption.APPEND);

    FileStore reopened = FileStore.open(dir.resolve("store"), clock);
    store = reopened;
    assertThat(reopened.recoveryNote()).hasValueSatisfying(n -> assertThat(n)
        .contains(journal().toString()).contains("line 3").contains("torn last line"));
    assertThat(store.timeline(TimelineQuery.all())).extracting(TimelineEvent::what)
        .containsExactly("kept", "also kept");
    // the torn bytes are gone, so what is written next lands on a line of its own
    store.append(event(T0, "db1", "pg", "after"));
    store = reopen();
    assertThat(store.timeline(TimelineQuery.all())).extracting(TimelineEvent::what)
        .containsExactly("kept", "also kept", "after");
    assertThat(((FileStore) store).recoveryNote()).isEmpty();
  }

  @Test
  void keepsACompleteLastLineThatLostOnlyItsNewline() throws Exception {
    store.append(event(T0, "db1", "pg", "first"));
    store.append(event(T0, "db1", "pg", "second"));
    store.close();
    byte[] bytes = Files.readAllBytes(journal());
    Files.write(journal(), java.util.Arrays.copyOf(bytes, bytes.length - 1));

    store = FileStore.open(dir.resolve("store"), clock);
    store.append(event(T0, "db1", "pg", "third"));
    store = reopen();
    assertThat(store.timeline(TimelineQuery.all())).extracting(TimelineEvent::what)
        .containsExactly("first", "second", "third");
  }

  @Test
  void refusesAJournalWithACorruptLineBeforeTheEnd_namingFileAndLine() throws Exception {
    store.beginTerm("p1");
    store.append(event(T0, "db1", "pg", "one"));
    store.append(event(T0, "db1", "pg", "two"));
    store.close();
    store = null;
    List<String> lines = Files.readAllLines(journal(), StandardCharsets.UTF_8);
    lines.set(1, lines.get(1).replace("\"seq\":", "\"seq\":x"));
    Files.write(journal(), lines, StandardCharsets.UTF_8);
    byte[] before = Files.readAllBytes(journal());

    assertThatThrownBy(() -> FileStore.open(dir.resolve("store"), clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(journal() + " line 2: corrupt entry");
    assertThat(Files.readAllBytes(journal())).as("left untouched").isEqualTo(before);
    // and the refused open released the lock
    lines.set(1, lines.get(1).replace("\"seq\":x", "\"seq\":"));
    Files.write(journal(), lines, StandardCharsets.UTF_8);
    store = FileStore.open(dir.resolve("store"), clock);
    assertThat(store.timeline(TimelineQuery.all())).hasSize(2);
  }

  @Test
  void refusesAnEntryWithAMissingField() throws Exception {
    Files.createDirectories(journal().getParent());
    store.close();
    store = null;
    Files.writeString(journal(),
        "{\"t\":\"action\",\"seq\":1,\"status\":\"INTENT\",\"term\":1}\n{\"t\":\"term\",\"term\":2}\n");
    assertThatThrownBy(() -> FileStore.open(dir.resolve("store"), clock))
        .isInstanceOf(StoreException.class).hasMessageContaining("line 1: corrupt entry (action entry: id)");
  }

  @Test
  void compactsALargeJournalAtOpen_keepingWhatMatters() throws Exception {
    store.close();
    FileStore.Options small = new FileStore.Options(4096, 20, 2);
    store = FileStore.open(dir.resolve("store"), clock, small);
    long term = store.beginTerm("p1");
    for (int i = 0; i < 6; i++) {
      store.recordIntent(intent("a-" + i, "k" + i, "db1", term, T0.plusSeconds(i)));
      if (i != 3) {
        store.updateAction("a-" + i, Status.SUCCEEDED, "ok", term);
      }
    }
    store.putHold(hold("gone", "db1", T0.minusSeconds(1)));
    store.putHold(hold("active", "db2", T0.plusSeconds(60)));
    for (int i = 0; i < 100; i++) {
      store.append(event(T0.plusSeconds(i), "db1", "pg", "e" + i));
    }
    store.close();
    long before = Files.size(journal());

    store = FileStore.open(dir.resolve("store"), clock, small);
    assertThat(Files.size(journal())).isLessThan(before);
    assertThat(store.currentTerm()).isEqualTo(term);
    assertThat(store.actions(TimelineQuery.all())).extracting(ActionRecord::id)
        .containsExactly("a-5", "a-4", "a-3");
    assertThat(store.unfinishedActions()).extracting(ActionRecord::id).containsExactly("a-3");
    assertThat(store.timeline(TimelineQuery.all())).hasSize(20).last()
        .extracting(TimelineEvent::what).isEqualTo("e99");
    assertThat(store.holds(T0)).extracting(io.vigil.controlplane.planner.policy.Hold::id).containsExactly("active");
    assertThat(store.append(event(T0, "db1", "pg", "next")).seq()).isEqualTo(101);
    assertThat(dir.resolve("store").resolve("journal.jsonl.compact")).doesNotExist();
  }

  @Test
  void readsOlderEventsFromDiskBeyondTheMemoryWindow() throws Exception {
    store.close();
    store = FileStore.open(dir.resolve("store"), clock, new FileStore.Options(64L << 20, 5, 10));
    for (int i = 0; i < 30; i++) {
      store.append(event(T0.plusSeconds(i), i % 2 == 0 ? "db1" : "db2", "pg", "e" + i));
    }
    assertThat(store.timeline(new TimelineQuery(null, null, null, null, 3))).extracting(TimelineEvent::what)
        .containsExactly("e27", "e28", "e29");
    assertThat(store.timeline(new TimelineQuery("db1", null, null, null, 8))).extracting(TimelineEvent::what)
        .containsExactly("e14", "e16", "e18", "e20", "e22", "e24", "e26", "e28");
    assertThat(store.timeline(new TimelineQuery(null, null, T0.plusSeconds(2), T0.plusSeconds(5), 0)))
        .extracting(TimelineEvent::what).containsExactly("e2", "e3", "e4");
    assertThat(store.timeline(TimelineQuery.all())).hasSize(30);
  }
}

package io.vigil.probes.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Thresholds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgbouncerPoolsProbeTest {

  private static final Thresholds MAXWAIT = Thresholds.parse("1", "5");

  /** A SHOW POOLS row of PgBouncer 1.18, as text. */
  private static Map<String, String> row(String database, int active, int waiting, int svActive, int svIdle, int maxwait,
      int maxwaitUs) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("database", database);
    row.put("user", database.equals("pgbouncer") ? "pgbouncer" : "postgres");
    row.put("cl_active", Integer.toString(active));
    row.put("cl_waiting", Integer.toString(waiting));
    row.put("cl_active_cancel_req", "0");
    row.put("sv_active", Integer.toString(svActive));
    row.put("sv_idle", Integer.toString(svIdle));
    row.put("maxwait", Integer.toString(maxwait));
    row.put("maxwait_us", Integer.toString(maxwaitUs));
    row.put("pool_mode", "transaction");
    return row;
  }

  @Test
  void idlePools_areOk_andTheAdminPseudoPoolIsLeftOut() {
    List<PgbouncerPoolsProbe.Pool> pools = PgbouncerPoolsProbe.read(List.of(
        row("pgbouncer", 1, 0, 0, 0, 0, 0), row("vigil", 0, 0, 0, 1, 0, 0)));

    Observation o = PgbouncerPoolsProbe.judge(pools, Thresholds.NONE, MAXWAIT);

    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.summary()).isEqualTo("1 pool, 0 clients waiting: vigil/postgres 0 waiting, 0 active, servers 0 active 1 idle");
    assertThat(o.perfdata()).extracting(Object::toString).containsExactly("cl_waiting=0;;;0",
        "vigil_postgres_cl_waiting=0;;;0", "vigil_postgres_maxwait_seconds=0s;1;5;0", "vigil_postgres_cl_active=0;;;0",
        "vigil_postgres_sv_active=0;;;0", "vigil_postgres_sv_idle=1;;;0");
  }

  @Test
  void clientsWaiting_goAgainstTheirThresholds_withTheWaitInSeconds() {
    List<PgbouncerPoolsProbe.Pool> pools = PgbouncerPoolsProbe.read(List.of(row("vigil", 2, 1, 2, 0, 2, 300000)));

    Observation o = PgbouncerPoolsProbe.judge(pools, Thresholds.parse("0", null), MAXWAIT);

    assertThat(o.state()).isEqualTo(CheckState.WARNING);
    assertThat(o.summary()).isEqualTo("1 pool, 1 client waiting: vigil/postgres 1 waiting for 2.3s, 2 active, "
        + "servers 2 active 0 idle: cl_waiting 1 outside warning range 0, maxwait 2.3s outside warning range 1");
    assertThat(o.perfdata()).extracting(Object::toString).contains("vigil_postgres_cl_waiting=1;0;;0",
        "vigil_postgres_maxwait_seconds=2.3s;1;5;0");
  }

  @Test
  void aLongWait_isCritical_evenWithoutWaitingThresholds() {
    Observation o = PgbouncerPoolsProbe.judge(PgbouncerPoolsProbe.read(List.of(row("vigil", 2, 3, 2, 0, 7, 0))),
        Thresholds.NONE, MAXWAIT);

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
  }

  @Test
  void aReplyThatIsNotShowPools_isRefused_namingTheColumn() {
    assertThatThrownBy(() -> PgbouncerPoolsProbe.read(List.of(Map.of("database", "vigil", "user", "postgres"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SHOW POOLS has no maxwait column (is this PgBouncer?)");
  }
}

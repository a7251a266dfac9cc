package io.vigil.probes.postgres;

import io.vigil.lab.LabPorts;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Predicate;

/** Plain JDBC against the lab's PostgreSQL family, and polling of a probe until its result settles. */
final class PgLab {

  private PgLab() {
  }

  static Connection connect(int port, String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("connectTimeout", "3");
    props.setProperty("socketTimeout", "30");
    // through PgBouncer in transaction pooling: no server-side prepared statements
    props.setProperty("preferQueryMode", "simple");
    return DriverManager.getConnection("jdbc:postgresql://" + LabPorts.HOST + ":" + port + "/" + database, props);
  }

  /** The single value of a one-row, one-column query, as text. */
  static String value(int port, String database, String sql) throws SQLException {
    try (Connection c = connect(port, database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * Runs {@code probe} every 200 ms until its result matches, and returns that result; fails with
   * the last result when none matched within {@code timeout}. Lab faults return once their effect
   * is visible to the lab's own check, but another observer (a walsender noticing its replica is
   * gone, a replica reporting its replay position) may see it a moment later.
   */
  static ProbeResult await(ProbeRunner runner, Probe probe, Duration timeout, String what, Predicate<ProbeResult> until)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ProbeResult result = runner.run(probe);
      if (until.test(result)) {
        return result;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("not true within " + timeout + ": " + what + "; last result: " + result.pluginOutput());
      }
      Thread.sleep(200);
    }
  }

  /** A condition on the lab that may throw while the component is still changing state. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  /** Returns once {@code condition} holds; fails naming {@code what} after {@code timeout}. */
  static void awaitTrue(Duration timeout, String what, Condition condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception e) {
        last = e;   // reported below if the condition never holds
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("not true within " + timeout + ": " + what, last);
      }
      Thread.sleep(100);
    }
  }
}

package io.vigil.controlplane.planner.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL store's schema, created and migrated at open. Migrations are numbered from 1,
 * applied in order once each (recorded in {@code vigil_schema_version}) and written so that running
 * one again changes nothing. Two planners opening at once are serialized by a transaction-level
 * advisory lock, taken before anything is created.
 */
final class PostgresSchema {

  /** Two-int advisory lock key ("vigi", 1): a key space apart from the leader's bigint lock key. */
  private static final int LOCK_CLASS = 0x76696769;
  private static final int LOCK_MIGRATION = 1;

  /** Migration n is at index n - 1; add new ones at the end, never edit a released one. */
  static final List<List<String>> MIGRATIONS = List.of(List.of(
      """
      CREATE TABLE IF NOT EXISTS vigil_term (
        id int PRIMARY KEY CHECK (id = 1),
        term bigint NOT NULL,
        node text NOT NULL,
        began_at timestamptz NOT NULL)""",
      "INSERT INTO vigil_term (id, term, node, began_at) VALUES (1, 0, '', now()) ON CONFLICT (id) DO NOTHING",
      """
      CREATE TABLE IF NOT EXISTS vigil_action (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        policy text,
        action text,
        host text,
        check_name text NOT NULL,
        command text NOT NULL,
        status text NOT NULL,
        term bigint NOT NULL,
        node text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        detail text NOT NULL)""",
      "CREATE INDEX IF NOT EXISTS vigil_action_unfinished ON vigil_action (seq) WHERE status IN ('INTENT', 'RUNNING')",
      "CREATE INDEX IF NOT EXISTS vigil_action_host ON vigil_action (host, seq)",
      """
      CREATE TABLE IF NOT EXISTS vigil_timeline (
        seq bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        host text NOT NULL,
        check_name text NOT NULL,
        action_id text NOT NULL,
        who text NOT NULL,
        what text NOT NULL,
        why text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}')""",
      "CREATE INDEX IF NOT EXISTS vigil_timeline_host ON vigil_timeline (host, seq)",
      "CREATE INDEX IF NOT EXISTS vigil_timeline_check ON vigil_timeline (check_name, seq)",
      "CREATE INDEX IF NOT EXISTS vigil_timeline_at ON vigil_timeline (at)",
      """
      CREATE TABLE IF NOT EXISTS vigil_hold (
        id text PRIMARY KEY,
        host text,
        role text,
        cluster text,
        action text,
        until timestamptz NOT NULL,
        reason text NOT NULL,
        created_by text,
        ended_at timestamptz,
        ended_by text)""",
      """
      CREATE TABLE IF NOT EXISTS vigil_approval (
        id text PRIMARY KEY,
        policy text,
        action text,
        host text,
        check_name text NOT NULL,
        command text NOT NULL,
        requested_at timestamptz,
        deadline timestamptz,
        status text NOT NULL,
        decided_by text NOT NULL,
        decided_at timestamptz,
        comment text NOT NULL)"""));

  private PostgresSchema() {
  }

  /** Brings the schema to the latest version; returns the version it was at before. */
  static int migrate(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
        lock.setInt(1, LOCK_CLASS);
        lock.setInt(2, LOCK_MIGRATION);
        lock.execute();
      }
      s.execute("CREATE TABLE IF NOT EXISTS vigil_schema_version (version int PRIMARY KEY, "
          + "applied_at timestamptz NOT NULL DEFAULT now())");
      int current;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM vigil_schema_version")) {
        rs.next();
        current = rs.getInt(1);
      }
      if (current > MIGRATIONS.size()) {
        throw new SQLException("schema version " + current + " is newer than this planner knows ("
            + MIGRATIONS.size() + "): upgrade the planner", "VIGIL");
      }
      for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
        for (String sql : MIGRATIONS.get(v - 1)) {
          s.execute(sql);
        }
        s.execute("INSERT INTO vigil_schema_version (version) VALUES (" + v + ")");
      }
      c.commit();
      return current;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}

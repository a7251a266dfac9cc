package io.vigil.controlplane.planner.store;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A database of its own on the lab's PostgreSQL primary for one test class: created with a random
 * name, dropped (with whatever is still connected to it) on close.
 */
public final class LabDatabase implements AutoCloseable {

  private static final String ADMIN_URL = "jdbc:postgresql://" + LabPorts.HOST + ":" + LabPorts.PG_PRIMARY
      + "/postgres";

  private final String name;

  private LabDatabase(String name) {
    this.name = name;
  }

  public static LabDatabase create() throws SQLException {
    Lab.get().up("postgres");
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    LabDatabase db = new LabDatabase("vigil_it_" + HexFormat.of().formatHex(random));
    db.admin("CREATE DATABASE " + db.name);
    return db;
  }

  public String name() {
    return name;
  }

  /** The lab's superuser on this database (trust authentication, so no password). */
  public PostgresEndpoint endpoint() {
    return endpoint("");
  }

  /** The same database with extra url parameters, e.g. {@code ?currentSchema=t1}. */
  public PostgresEndpoint endpoint(String parameters) {
    return new PostgresEndpoint("jdbc:postgresql://" + LabPorts.HOST + ":" + LabPorts.PG_PRIMARY + "/" + name
        + parameters, "postgres", null);
  }

  /** Runs one statement on this database as the superuser. */
  public void sql(String statement) throws SQLException {
    try (Connection c = endpoint().connect("vigil-it", Duration.ofSeconds(30)); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** Kills this database's sessions of one application; returns how many. */
  public int terminate(String applicationName) throws SQLException {
    try (Connection c = endpoint().connect("vigil-it", Duration.ofSeconds(30));
        var s = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE datname = ? AND application_name = ?")) {
      s.setString(1, name);
      s.setString(2, applicationName);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private void admin(String statement) throws SQLException {
    PostgresEndpoint admin = new PostgresEndpoint(ADMIN_URL, "postgres", null);
    try (Connection c = admin.connect("vigil-it", Duration.ofSeconds(30)); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Override
  public void close() throws SQLException {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
}

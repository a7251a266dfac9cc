package io.vigil.controlplane.planner.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL planner store lives: {@code jdbc:postgresql://host:port/database}, a user and
 * an optional password (null for trust or peer authentication). {@link #toString()} and every error
 * message carry {@link #safeUrl()}, never the password.
 */
public record PostgresEndpoint(String url, String user, String password) {

  private static final Pattern URL_SECRET = Pattern.compile("(?i)(password=)[^&]*");

  public PostgresEndpoint {
    if (url == null || !url.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException("store url: expected jdbc:postgresql://host:port/database, got '"
          + (url == null ? null : URL_SECRET.matcher(url).replaceAll("$1***")) + "'");
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("store user: a PostgreSQL store needs a user");
    }
  }

  /** The url with any {@code password=} parameter masked, for messages. */
  public String safeUrl() {
    return URL_SECRET.matcher(url).replaceAll("$1***");
  }

  /**
   * Opens a direct connection, autocommit on.
   *
   * @param applicationName shown in {@code pg_stat_activity}, e.g. {@code vigil-leader p1}
   * @param socketTimeout   how long a query may hang on a dead network before it fails
   */
  public Connection connect(String applicationName, Duration socketTimeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("connectTimeout", "5");
    p.setProperty("loginTimeout", "10");
    p.setProperty("socketTimeout", String.valueOf(Math.max(1, socketTimeout.toSeconds())));
    p.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(url, p);
  }

  @Override
  public String toString() {
    return "PostgresEndpoint[" + safeUrl() + ", user " + user + (password == null ? "" : ", password ***") + "]";
  }
}

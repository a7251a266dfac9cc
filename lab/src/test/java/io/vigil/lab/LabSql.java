package io.vigil.lab;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Plain JDBC against the lab's PostgreSQL nodes and pgpool (trust auth as user postgres). */
final class LabSql {

  private LabSql() {
  }

  /** Every row of {@code sql}, each as column label to text value (null stays null). */
  static List<Map<String, String>> rows(int port, String database, String sql) throws SQLException {
    try (Connection c = connect(port, database); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, String>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** The single value of a one-row, one-column query. */
  static String value(int port, String database, String sql) throws SQLException {
    List<Map<String, String>> rows = rows(port, database, sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException("expected one value from " + sql + ", got " + rows);
    }
    return rows.get(0).values().iterator().next();
  }

  static int update(int port, String database, String sql) throws SQLException {
    try (Connection c = connect(port, database); Statement st = c.createStatement()) {
      return st.executeUpdate(sql);
    }
  }

  static Connection connect(int port, String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("connectTimeout", "3");
    props.setProperty("socketTimeout", "20");
    // pgpool answers its own SHOW commands in the simple query protocol
    props.setProperty("preferQueryMode", "simple");
    return DriverManager.getConnection("jdbc:postgresql://" + LabPorts.HOST + ":" + port + "/" + database, props);
  }
}

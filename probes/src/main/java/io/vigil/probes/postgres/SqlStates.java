package io.vigil.probes.postgres;

import java.io.EOFException;
import java.io.IOException;
import java.sql.SQLException;

/** SQLSTATE facts the PostgreSQL-family connections share. */
final class SqlStates {

  private SqlStates() {
  }

  /** SQLSTATE class 08 (connection exception), which pgjdbc also uses for I/O errors on a socket. */
  static boolean isConnectionLoss(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  /** {@code Connection refused}, {@code Read timed out}, or what an empty message stands for. */
  static String describe(IOException e) {
    if (e instanceof EOFException) {
      return "connection closed by the server";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

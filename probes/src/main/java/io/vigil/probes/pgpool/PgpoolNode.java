package io.vigil.probes.pgpool;

/**
 * One backend node as pgpool-II reports it, in {@code SHOW POOL_NODES} or {@code pcp_node_info}.
 *
 * @param status           pgpool's view: {@code up}, {@code waiting} (attached, no session yet),
 *                         {@code down}, {@code quarantine} or {@code unused}
 * @param backendStatus    the backend's own state from pgpool's health check ({@code pg_status},
 *                         pgpool 4.3+), or empty; {@code unknown} without health checks
 * @param role             pgpool's view: {@code primary}, {@code standby} (or {@code main},
 *                         {@code replica} in other clustering modes)
 * @param backendRole      what the backend itself says ({@code pg_role}), or empty
 * @param replicationDelay bytes of WAL the standby is behind (pgpool 4.4+ reports seconds instead
 *                         when {@code delay_threshold_by_time} is on), NaN when not reported
 * @param replicationState {@code streaming} etc. for a standby; empty unless
 *                         {@code backend_application_nameN} matches the standby's application_name;
 *                         {@code none} for the primary in pcp output
 */
record PgpoolNode(int id, String host, int port, String status, String backendStatus, String role,
    String backendRole, double replicationDelay, String replicationState, String syncState, String lastStatusChange) {

  PgpoolNode {
    status = orEmpty(status);
    backendStatus = orEmpty(backendStatus);
    role = orEmpty(role);
    backendRole = orEmpty(backendRole);
    replicationState = orEmpty(replicationState);
    syncState = orEmpty(syncState);
    lastStatusChange = orEmpty(lastStatusChange);
  }

  boolean serving() {
    return status.equals("up") || status.equals("waiting");
  }

  boolean isStandby() {
    return role.equals("standby") || role.equals("replica");
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s.strip();
  }
}

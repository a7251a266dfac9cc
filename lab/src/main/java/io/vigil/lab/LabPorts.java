package io.vigil.lab;

/** The lab's fixed loopback ports (the same numbers as lab/lib.sh and the shared lab recipe). */
public final class LabPorts {
  public static final String HOST = "127.0.0.1";
  public static final int PG_PRIMARY = 55432;
  public static final int PG_REPLICA = 55433;
  public static final int PGPOOL = 59999;
  public static final int PCP = 59898;
  public static final int PGBOUNCER = 56432;
  public static final int REDIS = 56379;
  public static final int RABBITMQ = 55672;
  public static final int RABBITMQ_MANAGEMENT = 55673;
  public static final int MEMCACHED = 51211;
  public static final int WEBHEAD = 58080;
  public static final int SSHD = 52222;
  public static final int NRPE_TLS = 55666;
  public static final int NRPE_PLAIN = 55667;
  public static final int PROMETHEUS = 59090;
  public static final int NODE_EXPORTER = 59100;

  private LabPorts() {
  }
}

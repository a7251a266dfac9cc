package io.vigil.nagios.config.objects;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fleet modelled on the Smarter Balanced deployment runbook (seed 002_bf0c72bf10f7901e.txt, tables 1
 * and 2: every machine type; host names from its examples, such as dbpgdw0, dbpgdwr0s0..s3,
 * dwrouter1, hpzweb0, dbpghpz0, glstrpdfstr0, edwappsrv1). Addresses are from TEST-NET-1.
 * The NRPE command names are the ones the agent's role catalog serves.
 */
final class SeedInventory {

  static final String DOMAIN = ".qa.dum.edwdc.net";

  private SeedInventory() {
  }

  static NagiosInventory fleet() {
    List<InventoryRole> roles = List.of(
        role("base", svc("disk /", "check_disk_root", 5), svc("load", "check_load", 1)),
        role("web", svc("SMARTER:Services", "check_smarter", 1), svc("httpd", "check_httpd", 1)),
        role("load-balancer", svc("haproxy", "check_haproxy", 1)),
        role("pdf-messenger", svc("rabbitmq queues", "check_rabbitmq_queues", 1)),
        role("pdf-worker", svc("celery workers", "check_celery_workers", 1), svc("gluster mount", "check_gluster_mount", 1)),
        role("pdf-generator", svc("pdf pre-generation", "check_pdf_pregen", 5)),
        role("extract-messenger", svc("rabbitmq queues", "check_rabbitmq_queues", 1)),
        role("extract-worker", svc("celery workers", "check_celery_workers", 1), svc("gluster mount", "check_gluster_mount", 1)),
        role("cache", svc("memcached", "check_memcached", 1)),
        role("cache-warmer", svc("cache warm age", "check_cache_warmer_age", 15)),
        role("db-master", svc("postgres connections", "check_pg_connections", 1),
            svc("replication slots", "check_pg_replication_slots", 1)),
        role("db-replica", svc("postgres connections", "check_pg_connections", 1),
            new NrpeService("PG replication lag", "check_pg_replication_lag", Duration.ofSeconds(30), 3)),
        role("pgbouncer", svc("pgbouncer pools", "check_pgbouncer_pools", 1)),
        role("pgpool", new NrpeService("pgpool nodes", "check_pgpool_nodes", Duration.ofSeconds(30), 2)),
        role("landing-zone", svc("sftp", "check_sftp", 1), svc("disk /sftp", "check_disk_landing", 5)),
        role("loader", svc("udl workers", "check_udl_workers", 1), svc("gluster mount", "check_gluster_mount", 1)),
        role("loader-messenger", svc("rabbitmq queues", "check_rabbitmq_queues", 1)),
        role("loader-db", svc("postgres connections", "check_pg_connections", 1)),
        role("migrator", svc("migrate conductor", "check_migrate_conductor", 5),
            svc("rabbitmq queues", "check_rabbitmq_queues", 1)),
        role("staging", svc("postgres connections", "check_pg_connections", 1)),
        role("pickup-zone", svc("https pickup zone", "check_hpz_https", 1)),
        role("gluster", svc("gluster volume", "check_gluster_volume", 1), svc("gluster bricks", "check_gluster_bricks", 1)));
    List<InventoryHost> hosts = new ArrayList<>();
    int[] ip = {10};
    for (String web : List.of("web1", "web2", "web3")) {
      hosts.add(host(ip, web, "web"));
    }
    hosts.add(host(ip, "lb1", "load-balancer"));
    hosts.add(host(ip, "lb2", "load-balancer"));
    hosts.add(host(ip, "dbpgdw0", "db-master"));
    for (int i = 0; i < 4; i++) {
      hosts.add(host(ip, "dbpgdwr0s" + i, "db-replica"));
    }
    hosts.add(host(ip, "dwrouter1", "pgpool"));
    hosts.add(host(ip, "pgbouncer1", "pgbouncer"));
    hosts.add(host(ip, "cache1", "cache"));
    hosts.add(host(ip, "cache2", "cache"));
    hosts.add(host(ip, "cachewarmer1", "cache-warmer"));
    hosts.add(host(ip, "edwappsrv1", "pdf-messenger", "migrator")); // one machine, two roles sharing a service
    hosts.add(host(ip, "pdfworker1", "pdf-worker"));
    hosts.add(host(ip, "pdfworker2", "pdf-worker"));
    hosts.add(host(ip, "pdfgen1", "pdf-generator"));
    hosts.add(host(ip, "extractmq1", "extract-messenger"));
    hosts.add(host(ip, "extractworker1", "extract-worker"));
    hosts.add(host(ip, "lz1", "landing-zone"));
    hosts.add(host(ip, "loader1", "loader"));
    hosts.add(host(ip, "loadermq1", "loader-messenger"));
    hosts.add(host(ip, "dbpgudl0", "loader-db"));
    hosts.add(host(ip, "dbpgstg0", "staging"));
    hosts.add(host(ip, "hpzweb0", "pickup-zone"));
    hosts.add(host(ip, "dbpghpz0", "db-master"));
    hosts.add(host(ip, "glstrpdfstr0", "gluster"));
    return new NagiosInventory(hosts, roles);
  }

  /** Services the fleet's hosts get in all, counting a service shared by two roles of a host once. */
  static int serviceCount(NagiosInventory inventory) {
    return inventory.hosts().stream().mapToInt(h -> inventory.servicesOf(h).size()).sum();
  }

  private static InventoryRole role(String name, NrpeService... services) {
    return new InventoryRole(name, List.of(services));
  }

  private static NrpeService svc(String description, String command, int minutes) {
    return new NrpeService(description, command, Duration.ofMinutes(minutes), 3);
  }

  private static InventoryHost host(int[] ip, String shortName, String... roles) {
    List<String> all = new ArrayList<>(List.of("base"));
    all.addAll(List.of(roles));
    return new InventoryHost(shortName + DOMAIN, "192.0.2." + ip[0]++, all);
  }
}

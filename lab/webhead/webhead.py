#!/usr/bin/python3
"""The lab's web head: the heartbeat and cache-flush contract of the seed runbook, honestly.

    GET    /services/heartbeat       200 only if every configured database answers a query through
                                     pgpool AND a `tasks.heartbeat` Celery task round-trips through
                                     RabbitMQ to the worker; 503 otherwise. JSON body, e.g.
                                     {"status":"failed","failed":["queue"],
                                      "checks":{"db:postgres":"ok","db:vigil":"ok","queue":"timeout after 3.0s"}}
    DELETE /services/flush/all       flush memcached; 200 with JSON (503 if memcached fails)
    DELETE /services/flush/session
    DELETE /services/flush/data

Anything else answers 404 (unknown path) or 405 (known path, wrong method) with a JSON body.

Runbook (seed 002, "Troubleshooting"): "A 200 OK is returned only if smarter is able to connect to
all the databases that are configured in smarter.ini and that its heartbeat task is processed in
the queue." ("Maintenance"): DELETE /services/flush/{all,session,data} empties all of memcached,
the sessions, or the cached report data.

It never hangs: every check has its own deadline, the checks run in parallel, and the handler
stops waiting for a check at its deadline even if a library call inside it is stuck. The longest
answer is about max(db timeout, queue timeout) + 0.5 s.

Only Debian's packages and the stdlib: run it with /usr/bin/python3 (python3-psycopg2,
python3-celery). Configuration: an ini file (--config) and/or flags, flags win:

    [webhead]
    listen = 127.0.0.1:58080
    [databases]                 # one line per database: name = libpq DSN
    postgres = host=127.0.0.1 port=59999 dbname=postgres user=postgres
    vigil = host=127.0.0.1 port=59999 dbname=vigil user=postgres
    [queue]
    broker_url = amqp://guest:guest@127.0.0.1:55672//
    queue = celery
    task = tasks.heartbeat
    [memcached]
    address = 127.0.0.1:51211
    [timeouts]                  # seconds
    db = 2.0
    queue = 3.0
    memcached = 2.0
"""
import argparse
import configparser
import json
import logging
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import psycopg2
import psycopg2.extensions
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeoutError

log = logging.getLogger("webhead")

DEFAULTS = {
    "listen": "127.0.0.1:58080",
    "databases": {
        "postgres": "host=127.0.0.1 port=59999 dbname=postgres user=postgres",
        "vigil": "host=127.0.0.1 port=59999 dbname=vigil user=postgres",
    },
    "broker_url": "amqp://guest:guest@127.0.0.1:55672//",
    "queue": "celery",
    "task": "tasks.heartbeat",
    "memcached": "127.0.0.1:51211",
    "db_timeout": 2.0,
    "queue_timeout": 3.0,
    "memcached_timeout": 2.0,
}

# How long the handler waits beyond a check's own timeout before it gives up on the check's thread.
GRACE_SECONDS = 0.5


class Config:
    def __init__(self, listen, databases, broker_url, queue, task, memcached,
                 db_timeout, queue_timeout, memcached_timeout):
        self.listen = parse_host_port(listen, "listen")
        if not databases:
            raise ValueError("no databases configured")
        self.databases = dict(databases)
        self.broker_url = broker_url
        self.queue = queue
        self.task = task
        self.memcached = parse_host_port(memcached, "memcached")
        self.db_timeout = positive(db_timeout, "db timeout")
        self.queue_timeout = positive(queue_timeout, "queue timeout")
        self.memcached_timeout = positive(memcached_timeout, "memcached timeout")


def parse_host_port(value, what):
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{what}: {value!r} (expected: HOST:PORT)")
    return host, int(port)


def positive(value, what):
    seconds = float(value)
    if not 0 < seconds <= 60:
        raise ValueError(f"{what}: {value} (expected: 0..60 seconds)")
    return seconds


def load_config(argv):
    p = argparse.ArgumentParser(description="Vigil lab web head (heartbeat and cache flush).")
    p.add_argument("--config", help="ini file (see the module docstring)")
    p.add_argument("--listen", help="HOST:PORT to serve on")
    p.add_argument("--db", action="append", metavar="NAME=DSN",
                   help="a database to check (repeatable; replaces the ini's [databases])")
    p.add_argument("--broker", help="Celery broker URL")
    p.add_argument("--queue", help="queue the heartbeat task is sent to")
    p.add_argument("--memcached", help="memcached HOST:PORT")
    p.add_argument("--db-timeout", type=float, help="seconds per database check")
    p.add_argument("--queue-timeout", type=float, help="seconds for the heartbeat task round trip")
    p.add_argument("--memcached-timeout", type=float, help="seconds for a flush")
    a = p.parse_args(argv)

    c = dict(DEFAULTS)
    if a.config:
        ini = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=("#", ";"))
        if not ini.read(a.config):
            p.error(f"cannot read {a.config}")
        c["listen"] = ini.get("webhead", "listen", fallback=c["listen"])
        if ini.has_section("databases"):
            c["databases"] = dict(ini.items("databases"))
        c["broker_url"] = ini.get("queue", "broker_url", fallback=c["broker_url"])
        c["queue"] = ini.get("queue", "queue", fallback=c["queue"])
        c["task"] = ini.get("queue", "task", fallback=c["task"])
        c["memcached"] = ini.get("memcached", "address", fallback=c["memcached"])
        c["db_timeout"] = ini.getfloat("timeouts", "db", fallback=c["db_timeout"])
        c["queue_timeout"] = ini.getfloat("timeouts", "queue", fallback=c["queue_timeout"])
        c["memcached_timeout"] = ini.getfloat("timeouts", "memcached", fallback=c["memcached_timeout"])
    if a.db:
        dbs = {}
        for item in a.db:
            name, sep, dsn = item.partition("=")
            if not sep or not name or not dsn:
                p.error(f"--db {item!r} (expected: NAME=DSN)")
            dbs[name] = dsn
        c["databases"] = dbs
    for flag, key in (("listen", "listen"), ("broker", "broker_url"), ("queue", "queue"),
                      ("memcached", "memcached"), ("db_timeout", "db_timeout"),
                      ("queue_timeout", "queue_timeout"), ("memcached_timeout", "memcached_timeout")):
        if getattr(a, flag) is not None:
            c[key] = getattr(a, flag)
    try:
        return Config(**c)
    except ValueError as e:
        p.error(str(e))


def one_line(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


# --- database check ----------------------------------------------------------------------------

def _wait(conn, deadline):
    """Drive an async psycopg2 connection until its operation completes or the deadline passes."""
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if state == psycopg2.extensions.POLL_READ:
            select.select([conn.fileno()], [], [], remaining)
        elif state == psycopg2.extensions.POLL_WRITE:
            select.select([], [conn.fileno()], [], remaining)
        else:
            raise psycopg2.OperationalError(f"bad poll state {state}")


def check_db(name, dsn, timeout):
    """'ok' if `select current_database()` answers through the DSN (pgpool) within the timeout.

    The connection is asynchronous and driven with select(): libpq's connect_timeout does not cover
    a server that accepts and then stays silent (pgpool searching for a primary), and a blocking
    query has no client-side timeout at all.
    """
    deadline = time.monotonic() + timeout
    conn = None
    try:
        conn = psycopg2.connect(dsn, async_=1, application_name="vigil-webhead")
        _wait(conn, deadline)
        cur = conn.cursor()
        cur.execute("select current_database()")
        _wait(conn, deadline)
        row = cur.fetchone()
        if not row or row[0] != conn.info.dbname:
            return f"unexpected answer {row!r}"
        return "ok"
    except TimeoutError:
        return f"timeout after {timeout}s"
    except psycopg2.Error as e:
        return f"error: {one_line(e)}"
    finally:
        if conn is not None:
            conn.close()


# --- queue check -------------------------------------------------------------------------------

def check_queue(cfg):
    """'ok' if a heartbeat task goes through RabbitMQ to a worker and its result comes back.

    A fresh Celery app and connection per check: a web head must not keep a half-dead broker
    connection between heartbeats. Retries are off everywhere: kombu's default channel otherwise
    retries a refused connection forever (transport option max_retries), and connect() retries once
    after 2 s.
    """
    timeout = cfg.queue_timeout
    deadline = time.monotonic() + timeout
    app = Celery("webhead", broker=cfg.broker_url, backend="rpc://", set_as_current=False)
    app.conf.update(
        broker_connection_timeout=min(2.0, timeout),
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        broker_transport_options={"max_retries": 0},
        # the reply queue of a check that gave up disappears on its own
        result_expires=30,
    )
    conn = app.connection_for_write()
    try:
        conn.ensure_connection(max_retries=0)
        producer = app.amqp.Producer(conn)
        # expires: a heartbeat sent while no worker consumes is discarded, not run, by the next worker
        result = app.send_task(cfg.task, queue=cfg.queue, producer=producer, retry=False,
                               expires=max(10.0, 3 * timeout))
        remaining = max(0.05, deadline - time.monotonic())
        value = result.get(timeout=remaining, interval=0.05)
        return "ok" if value == "ok" else f"unexpected result {value!r}"
    except CeleryTimeoutError:
        return f"timeout after {timeout}s"
    except Exception as e:  # the broker's and kombu's errors have no common base worth naming
        return f"error: {one_line(e)}"
    finally:
        rc = app.backend.result_consumer
        for close in (lambda: rc._connection and rc._connection.close(), conn.close, app.close):
            try:
                close()
            except Exception as e:
                log.warning("queue check cleanup: %s", one_line(e))


# --- memcached ---------------------------------------------------------------------------------

def memcached_flush(address, timeout):
    """Send `flush_all` over a raw socket; returns memcached's answer line ('OK')."""
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(b"flush_all\r\n")
        answer = b""
        while not answer.endswith(b"\r\n"):
            chunk = s.recv(256)
            if not chunk:
                break
            answer += chunk
        s.sendall(b"quit\r\n")
    line = answer.decode("ascii", "replace").strip()
    if line != "OK":
        raise OSError(f"flush_all answered {line!r}")
    return line


# --- running checks with deadlines -------------------------------------------------------------

def run_bounded(checks):
    """Run {name: (fn, timeout)} in parallel daemon threads; a check that outlives its timeout plus
    GRACE_SECONDS reads 'timeout after Ns' and its thread is left to finish on its own."""
    results = {}
    threads = {}
    start = time.monotonic()
    for name, (fn, timeout) in checks.items():
        def target(name=name, fn=fn):
            try:
                results[name] = fn()
            except Exception as e:
                results[name] = f"error: {one_line(e)}"
        t = threading.Thread(target=target, name=f"check-{name}", daemon=True)
        t.start()
        threads[name] = (t, timeout)
    for name, (t, timeout) in threads.items():
        t.join(max(0.0, start + timeout + GRACE_SECONDS - time.monotonic()))
    return {name: results.get(name, f"timeout after {timeout}s")
            for name, (_, timeout) in threads.items()}


# --- HTTP --------------------------------------------------------------------------------------

# The seed's web head kept two cache regions in memcached: user sessions and report data. The lab
# has one memcached and memcached has no per-namespace flush (flush_all is all or nothing), so the
# three endpoints all flush everything: flushing sessions also drops cached report data and the
# other way round. The answer says so in "effect".
FLUSH_SCOPES = ("all", "session", "data")

HEARTBEAT = "/services/heartbeat"
FLUSH_PREFIX = "/services/flush/"


class Handler(BaseHTTPRequestHandler):
    server_version = "vigil-lab-webhead/1"
    timeout = 10  # a client that sends nothing does not hold a thread forever

    def do_GET(self):
        self.route("GET")

    def do_HEAD(self):
        self.route("HEAD")

    def do_DELETE(self):
        self.route("DELETE")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def route(self, method):
        path = urlsplit(self.path).path
        if path == HEARTBEAT:
            if method in ("GET", "HEAD"):
                return self.heartbeat(method)
            return self.send_json(405, {"error": "method not allowed", "allow": "GET"}, allow="GET, HEAD")
        if path.startswith(FLUSH_PREFIX) and path[len(FLUSH_PREFIX):] in FLUSH_SCOPES:
            if method == "DELETE":
                return self.flush(path[len(FLUSH_PREFIX):])
            return self.send_json(405, {"error": "method not allowed", "allow": "DELETE"}, allow="DELETE")
        self.send_json(404, {"error": "not found", "path": path})

    def heartbeat(self, method):
        cfg = self.server.cfg
        checks = {f"db:{name}": (lambda dsn=dsn, name=name: check_db(name, dsn, cfg.db_timeout), cfg.db_timeout)
                  for name, dsn in cfg.databases.items()}
        checks["queue"] = (lambda: check_queue(cfg), cfg.queue_timeout)
        results = run_bounded(checks)
        failed = [name for name, outcome in results.items() if outcome != "ok"]
        body = {"status": "failed" if failed else "ok", "failed": failed, "checks": results}
        if failed:
            log.warning("heartbeat failed: %s", json.dumps(results, separators=(",", ":")))
        self.send_json(503 if failed else 200, body, head=(method == "HEAD"))

    def flush(self, scope):
        cfg = self.server.cfg
        host, port = cfg.memcached
        effect = "flush_all: every key (session and data share one memcached)"
        try:
            answer = memcached_flush(cfg.memcached, cfg.memcached_timeout)
        except OSError as e:
            return self.send_json(503, {"status": "failed", "scope": scope, "memcached": f"{host}:{port}",
                                        "error": one_line(e)})
        log.info("flushed memcached %s:%s for scope %s", host, port, scope)
        self.send_json(200, {"status": "ok", "scope": scope, "memcached": f"{host}:{port}",
                             "answer": answer, "effect": effect})

    def send_json(self, code, body, allow=None, head=False):
        data = (json.dumps(body, separators=(",", ":")) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def log_message(self, fmt, *args):
        log.info("%s %s", self.address_string(), fmt % args)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, cfg):
        self.cfg = cfg
        super().__init__(cfg.listen, Handler)


def main(argv):
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("celery").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.WARNING)
    cfg = load_config(argv)
    server = Server(cfg)
    host, port = cfg.listen
    log.info("serving on %s:%s; databases %s; broker %s; memcached %s:%s",
             host, port, ", ".join(cfg.databases), urlsplit(cfg.broker_url).hostname, *cfg.memcached)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

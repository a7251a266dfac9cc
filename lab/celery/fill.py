"""Enqueue N real Celery task messages (tasks.add) on the lab's `celery` queue, in one process.

usage: /usr/bin/python3 fill.py N

The messages are the same ones `add.delay(i, i)` would send, so a worker that comes back runs them.
No publisher confirms: they cut the rate from ~5000/s to ~1100/s. The connection is closed
gracefully at the end, and the broker handles the close only after the publishes before it on the
same connection, so when this exits 0 the N messages sit in the queue (unless a worker consumes).
"""
import sys

from tasks import app

MAX_MESSAGES = 100000


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit() or not 1 <= int(argv[1]) <= MAX_MESSAGES:
        print(f"usage: fill.py N   (N = 1..{MAX_MESSAGES})", file=sys.stderr)
        return 2
    n = int(argv[1])
    app.conf.broker_transport_options = {"max_retries": 3}
    with app.connection_for_write() as conn:
        with app.amqp.Producer(conn) as producer:
            for i in range(n):
                # ignore_result: nobody waits for these, so no reply queue is needed
                app.send_task("tasks.add", args=(i, i), producer=producer, ignore_result=True)
    print(f"published {n} tasks.add messages to queue celery")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Celery tasks of the lab's worker (lab/components/celery.sh) and of the web head's heartbeat.

The worker runs Debian's python3-celery: /usr/bin/python3 -m celery -A tasks worker. The broker and
the result backend come from the environment so that the worker, lab/celery/fill.py and the web head
agree on them.
"""
import os

from celery import Celery

BROKER_URL = os.environ.get("LAB_BROKER_URL", "amqp://guest:guest@127.0.0.1:55672//")
# rpc:// sends each result back over the same broker to the caller's reply queue: the web head's
# heartbeat round trip needs nothing but RabbitMQ.
RESULT_BACKEND = os.environ.get("LAB_RESULT_BACKEND", "rpc://")

app = Celery("tasks", broker=BROKER_URL, backend=RESULT_BACKEND)
app.conf.update(
    # Celery 5.2.6 (Debian 12) does not know broker_connection_retry_on_startup (5.3 added it) and
    # retries at startup under broker_connection_retry; both are set so that 5.2 and 5.3+ behave alike.
    broker_connection_retry=True,
    broker_connection_retry_on_startup=True,
    task_default_queue="celery",
    # A heartbeat nobody waits for any more is dropped by the worker instead of piling up results.
    result_expires=60,
)


@app.task(name="tasks.add")
def add(x, y):
    return x + y


@app.task(name="tasks.heartbeat")
def heartbeat():
    return "ok"

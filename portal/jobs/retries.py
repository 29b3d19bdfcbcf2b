"""The safety net for RQ's own scheduler, which moves each retry to the queue when it is due.

That scheduler runs inside one worker, under a lock it renews every second and that lapses a
minute after the last renewal. When its worker is SIGKILLed (the OOM killer, a lost host) no
other worker may take over until the lock lapses, so every retry due meanwhile waits a minute
or more. `release_overdue_retries`, run by our scheduler process every 20 seconds, queues
retries overdue by OVERDUE_SECONDS: a live RQ scheduler would have queued them long before.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)
OVERDUE_SECONDS = 15


def release_overdue_retries(queue: Any = None) -> int:
    """Queue retries due more than OVERDUE_SECONDS ago; returns how many. Nothing while Redis
    is down, or without Redis (jobs then retry in-process)."""
    if not current_app.config.get("REDIS_URL"):
        return 0
    from redis.exceptions import RedisError
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from . import get_queue

    queue = queue or get_queue()
    registry = ScheduledJobRegistry(queue=queue)
    released = 0
    try:
        due = registry.get_jobs_to_schedule(int(time.time()) - OVERDUE_SECONDS)
        for job_id, job in zip(due, Job.fetch_many(due, connection=queue.connection), strict=True):
            # Whoever removes the entry queues the job, so it is queued once.
            if registry.remove(job_id) and job is not None:
                queue.enqueue_job(job)
                released += 1
    except RedisError:
        log.info("Redis unreachable; overdue retries wait for the next run")
    if released:
        log.warning("Queued %d retries RQ's scheduler left overdue (is it running?)", released)
    return released

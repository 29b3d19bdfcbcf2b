"""Fault bench on the production path: what is lost or duplicated when Redis, a worker or
PostgreSQL goes away during a stream of writes (expected: nothing).

1. Redis stopped for 15 s (8 s with --short) and started again, empty: no 5xx while it is down,
   every saved write is in the database, every email is delivered within a minute of its return.
2. The RQ worker killed with SIGKILL while it sends an email, and a new one started: the email is
   delivered within about a minute, and only once (the SMTP sink counts each Message-ID).
3. PostgreSQL restarted (`pg_ctl restart -m fast`): requests fail or succeed cleanly (nothing
   saved behind an error page), nothing saved is lost, and the connection pool recovers.

    .venv/bin/python bench/faults.py [--short]

Prints a table and exits non-zero when anything is lost or duplicated, a 5xx happened while
Redis was down, the site did not recover, or a process (the RQ worker, say) exited and had to be
restarted by the bench's supervisor.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._journeys import Login, Portal, Write, lost_writes, plan, saved_despite_error
from bench._production import Stack


class SiteSession(requests.Session):
    """A requests session that takes site paths, like locust's client."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, method: str, url: str, *args: Any, name: str = "", **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base + url, *args, **kwargs)


class Writers:
    """A few signed-in users posting match messages and progress reports, non-stop."""

    def __init__(self, stack: Stack, logins: list[Login]) -> None:
        self.writes: list[Write] = []
        self.portals = [
            Portal(SiteSession(stack.url), login, self.writes.append) for login in logins
        ]
        for portal in self.portals:
            if not portal.sign_in():
                raise RuntimeError(f"could not sign in as {portal.login.email}")
        self._run = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(p,), daemon=True) for p in self.portals
        ]

    def _loop(self, portal: Portal) -> None:
        step = 0
        while self._run.is_set():
            step += 1
            if step % 2 and portal.login.matches:
                portal.message()
            else:
                portal.report_progress()
            time.sleep(0.2)

    def start(self) -> None:
        self._run.set()
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._run.clear()
        for thread in self._threads:
            thread.join(timeout=40)

    def between(self, start: float, end: float) -> list[Write]:
        return [w for w in self.writes if start <= w.at <= end]


def unsent_emails(stack: Stack, after_id: int = 0) -> list[int]:
    """Emails (newer than `after_id`) the mail server never received.

    What counts is what reached the server: an email whose sender was killed after the server
    took it is delivered, though the portal can only record it as "possibly sent"."""
    rows = stack.query("SELECT id FROM outbound_emails WHERE id > %s", after_id)
    return [email_id for (email_id,) in rows if not stack.mail.deliveries(email_id)]


def marked_sent_but_not_received(stack: Stack) -> list[int]:
    """Emails the portal says it sent that the mail server never received."""
    rows = stack.query("SELECT id FROM outbound_emails WHERE sent_at IS NOT NULL")
    return [email_id for (email_id,) in rows if not stack.mail.deliveries(email_id)]


def wait_for_emails(stack: Stack, seconds: float, after_id: int = 0) -> tuple[list[int], float]:
    start = time.monotonic()
    while True:
        left = unsent_emails(stack, after_id)
        if not left or time.monotonic() - start > seconds:
            return left, time.monotonic() - start
        time.sleep(1)


def last_email_id(stack: Stack) -> int:
    return int(stack.query("SELECT coalesce(max(id), 0) FROM outbound_emails")[0][0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="shorter outage and waits, for CI")
    args = parser.parse_args()
    outage = 8 if args.short else 15
    catch_up = 45 if args.short else 60
    table: list[tuple[str, str, object, bool]] = []  # (fault, check, figure, ok)

    with Stack() as stack:
        logins = [login for login in plan(stack.query) if login.matches][:3]
        logins += [login for login in plan(stack.query) if not login.matches][:1]
        writers = Writers(stack, logins)
        writers.start()
        time.sleep(3)

        # 1. Redis outage
        stack.say(f"stopping Redis for {outage} s")
        down = time.time()
        stack.stop_redis()
        time.sleep(outage)
        stack.start_redis()
        back = time.time()
        stack.say("Redis is back")
        time.sleep(3)
        during = writers.between(down, back)
        fives = [w for w in during if w.status >= 500 or w.status == 0]
        table.append(
            (
                "Redis down",
                f"5xx during the {outage} s outage",
                f"{len(fives)} of {len(during)}",
                not fives,
            )
        )
        ok_during = sum(w.ok for w in during)
        table.append(("Redis down", "writes saved during the outage", ok_during, True))
        writers.stop()
        left, took = wait_for_emails(stack, catch_up)
        table.append(
            (
                "Redis down",
                f"emails undelivered {catch_up} s after Redis returned",
                len(left),
                not left,
            )
        )
        if not left:
            table.append(("Redis down", "seconds for the queue to catch up", round(took, 1), True))

        # 2. Worker killed mid-send
        stack.mail.delay = 6.0
        stack.mail.receiving.clear()
        before = last_email_id(stack)
        stack.mail.hold_after = before  # hold the emails this message sends, not older ones
        sender = next(p for p in writers.portals if p.login.matches)
        sent = sender.message()
        if sent is None or not sent.ok:
            table.append(("worker killed", "a message to trigger an email", "refused", False))
        elif not stack.mail.receiving.wait(30):
            table.append(("worker killed", "worker started sending within 30 s", "no", False))
        else:
            stack.say("killing the worker (SIGKILL) mid-send and starting another")
            stack.kill_worker()
            stack.mail.hold_after = None
            left, took = wait_for_emails(stack, catch_up, after_id=before)
            time.sleep(3)  # give a second delivery the chance to show
            twice = [
                n
                for n in range(before + 1, last_email_id(stack) + 1)
                if stack.mail.deliveries(n) > 1
            ]
            table.append(
                ("worker killed", f"its emails undelivered after {catch_up} s", len(left), not left)
            )
            table.append(("worker killed", "its emails delivered twice", len(twice), not twice))

        # 3. PostgreSQL restart
        restart_before = last_email_id(stack)  # before its writes, so all their emails count
        first, writers = writers, Writers(stack, logins)
        writers.start()
        time.sleep(2)
        stack.say("restarting PostgreSQL")
        down = time.time()
        stack.restart_postgres()
        back = time.time()
        time.sleep(6)
        writers.stop()
        after = [w for w in writers.writes if w.at > back + 3]
        recovered = any(w.ok for w in after)
        table.append(
            (
                "PostgreSQL restart",
                "errors during the restart (allowed)",
                len(writers.between(down, back + 3))
                - sum(w.ok for w in writers.between(down, back + 3)),
                True,
            )
        )
        table.append(
            (
                "PostgreSQL restart",
                "writes succeed again 3 s after",
                "yes" if recovered else "no",
                recovered,
            )
        )
        left, _ = wait_for_emails(stack, catch_up, after_id=restart_before)
        table.append(
            (
                "PostgreSQL restart",
                f"its emails undelivered after {catch_up} s",
                len(left),
                not left,
            )
        )
        behind = saved_despite_error(stack.query, writers.writes)
        table.append(
            (
                "PostgreSQL restart",
                "saved behind an error page (status)",
                ",".join(f"{w.kind}:{w.status}" for w in behind) or 0,
                not behind,
            )
        )

        # Every fault: lost writes and duplicate emails
        every = [*first.writes, *writers.writes]
        lost = lost_writes(stack.query, every)
        left = unsent_emails(stack)  # each phase above has already waited for its catch-up
        duplicates = stack.mail.duplicates()
        table.append(("all", "lost writes (saved, then missing)", len(lost), not lost))
        table.append(("all", "emails delivered more than once", len(duplicates), not duplicates))
        table.append(("all", "emails undelivered at the end", len(left), not left))
        phantom = marked_sent_but_not_received(stack)
        table.append(("all", "marked sent but never received", len(phantom), not phantom))
        doubtful = stack.query(
            "SELECT count(*) FROM outbound_emails WHERE possibly_sent_at IS NOT NULL"
            " OR (sent_at IS NULL AND claimed_at IS NOT NULL)"
        )[0][0]
        table.append(("all", "emails in doubt (received, not marked sent)", doubtful, True))
        # `flask worker` rides out the Redis outage itself; the supervisor is only a safety net.
        restarts = dict(stack.restarts)
        table.append(("all", "processes restarted by the supervisor", restarts or 0, not restarts))

    print(f"\n{'fault':20} {'check':48} {'figure':>12}  result")
    for fault, check, figure, ok in table:
        print(f"{fault:20} {check:48} {figure!s:>12}  {'ok' if ok else 'FAIL'}")
    failed = [row for row in table if not row[3]]
    print("\nfault bench:", f"FAILED ({len(failed)} checks)" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Locust users for bench/load.py (run by it: `locust -f bench/locustfile.py --headless ...`).

HealthzUser: /healthz alone. PagesUser: each role's main pages, no think time. JourneyUser: a
signed-in organisation user, 1 to 3 s between steps, browsing and writing (progress reports,
listings, match messages, activity imports). BENCH_PLAN names the JSON plan of logins;
BENCH_RESULTS is where every write and every status code seen are saved when the run stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._journeys import (
    ADMIN_PAGES,
    CONVENOR_PAGES,
    MEMBER_PAGES,
    PUBLIC_PAGES,
    ROLE_LOGINS,
    Login,
    Portal,
    Write,
    as_dicts,
)

PLAN = [Login(**row) for row in json.loads(Path(os.environ["BENCH_PLAN"]).read_text())]
WRITES: list[Write] = []
STATUSES: Counter[str] = Counter()
_next_login = itertools.count()
_next_role = itertools.cycle(["public", "member", "convenor", "admin"])


@events.request.add_listener
def _count_status(response: Any = None, exception: Any = None, **kwargs: Any) -> None:
    status = getattr(response, "status_code", 0) if response is not None else 0
    STATUSES[str(status or 0)] += 1


@events.quitting.add_listener
def _save_results(environment: Any, **kwargs: Any) -> None:
    Path(os.environ["BENCH_RESULTS"]).write_text(
        json.dumps({"writes": as_dicts(WRITES), "statuses": STATUSES})
    )


class HealthzUser(HttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz")


class PagesUser(HttpUser):
    """Each user takes the next role; the stats name each page `role path`."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.role = next(_next_role)
        self.pages = {
            "public": PUBLIC_PAGES,
            "member": MEMBER_PAGES,
            "convenor": CONVENOR_PAGES,
            "admin": ADMIN_PAGES,
        }[self.role]
        login = Login(ROLE_LOGINS.get(self.role, ""), 0)
        self.portal = Portal(self.client, login, WRITES.append)
        if self.role != "public":
            self.portal.sign_in()  # notes the organisation it lands on, for the member pages

    @task
    def pages(self) -> None:
        for page in self.pages:
            self.client.get(page.format(org=self.portal.login.org), name=f"{self.role} {page}")


class JourneyUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        login = PLAN[next(_next_login) % len(PLAN)]
        self.portal = Portal(self.client, login, WRITES.append)
        self.portal.sign_in()

    @task(3)
    def browse(self) -> None:
        self.portal.browse([random.choice(MEMBER_PAGES)])

    @task(3)
    def report_progress(self) -> None:
        self.portal.report_progress()

    @task(2)
    def new_listing(self) -> None:
        self.portal.new_listing()

    @task(3)
    def message(self) -> None:
        self.portal.message()

    @task(1)
    def import_activities(self) -> None:
        self.portal.import_activities()

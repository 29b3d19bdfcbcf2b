"""What a signed-in demo user does, over HTTP, for the locustfile and bench/faults.py.

Every write carries a unique token (in a note, title or message body) and is recorded with the
status it got; `lost_writes` then looks each successful one up in the database. `plan` picks, from
the demo data, a login per organisation with its pledges' free report days and its open matches,
so concurrent users do not refuse each other's writes (one report per pledge period).
"""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

DEMO_PASSWORD = "anchor-demo-2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

PUBLIC_PAGES = ["/", "/pledges", "/exchange", "/organisations", "/activities", "/scorecard/"]
MEMBER_PAGES = ["/orgs/{org}", "/orgs/{org}/pledges", "/exchange", "/account", "/pledges"]
CONVENOR_PAGES = ["/scorecard/", "/pledges", "/exchange/impact", "/account"]
ADMIN_PAGES = ["/admin/", "/admin/organisations", "/admin/users", "/admin/audit-log"]
ROLE_LOGINS = {
    "member": "council@demo.example.org",
    "convenor": "convenor.healthy@demo.example.org",
    "admin": "admin@demo.example.org",
}


@dataclass
class Write:
    kind: str  # progress, listing, message, import
    token: str
    status: int
    at: float  # time.time() when the response came
    ok: bool  # the site said it was saved (a redirect to the saved thing)
    ref: int | None = None  # the import's id, for imports


@dataclass
class Login:
    email: str
    org: int
    # (pledge id, free day as ISO date) pairs, used from the end
    days: list[tuple[int, str]] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)


def token(kind: str) -> str:
    return f"bench-{kind}-{uuid.uuid4().hex[:12]}"


def plan(query: Callable[..., list[tuple[Any, ...]]], days_per_login: int = 400) -> list[Login]:
    """One login per approved organisation with a demo user, those in a match first."""
    rows = query(
        "SELECT DISTINCT ON (m.organisation_id) u.email, m.organisation_id FROM memberships m "
        "JOIN users u ON u.id = m.user_id JOIN organisations o ON o.id = m.organisation_id "
        "WHERE o.status = 'approved' AND u.is_verified ORDER BY m.organisation_id, u.email"
    )
    logins = {org: Login(email, org) for email, org in rows}
    taken: dict[int, set[date]] = {}
    for pledge_id, start, end in query(
        "SELECT pledge_id, period_start, period_end FROM pledge_updates WHERE status = 'current'"
    ):
        covered = taken.setdefault(pledge_id, set())
        covered.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    yesterday = date.today() - timedelta(days=1)
    for pledge_id, org, start in query(
        "SELECT id, organisation_id, start_date FROM pledges ORDER BY id"
    ):
        if org not in logins or start > yesterday:
            continue
        free = [
            start + timedelta(days=n)
            for n in range(min((yesterday - start).days + 1, days_per_login))
            if start + timedelta(days=n) not in taken.get(pledge_id, set())
        ]
        logins[org].days += [(pledge_id, day.isoformat()) for day in free]
    for match_id, offer_org, request_org in query(
        "SELECT m.id, o.organisation_id, r.organisation_id FROM exchange_matches m "
        "JOIN exchange_listings o ON o.id = m.offer_id "
        "JOIN exchange_listings r ON r.id = m.request_id "
        "WHERE m.status IN ('interested', 'accepted', 'delivered')"
    ):
        for org in (offer_org, request_org):
            if org in logins:
                logins[org].matches.append(match_id)
    return sorted(logins.values(), key=lambda login: (-len(login.matches), -len(login.days)))


class Portal:
    """One signed-in person. `client` is a requests.Session (or locust's) taking site paths."""

    def __init__(self, client: Any, login: Login, record: Callable[[Write], None]) -> None:
        self.client = client
        self.login = login
        self.record = record
        self.csrf = ""

    def _csrf_from(self, response: Any) -> None:
        found = CSRF.search(response.text or "")
        if found:
            self.csrf = found.group(1)

    def sign_in(self) -> bool:
        self._csrf_from(self.client.get("/sign-in", name="/sign-in"))
        response = self.client.post(
            "/sign-in",
            data={"email": self.login.email, "password": DEMO_PASSWORD, "csrf_token": self.csrf},
            allow_redirects=False,
            name="/sign-in",
        )
        if response.status_code != 302:
            return False
        landed = re.search(r"/orgs/(\d+)", response.headers.get("Location", ""))
        if landed and not self.login.org:
            self.login.org = int(landed.group(1))
        # The session is new after sign-in, so the CSRF token is too.
        self._csrf_from(self.client.get("/account", name="/account"))
        return True

    def browse(self, pages: list[str]) -> None:
        for page in pages:
            self.client.get(page.format(org=self.login.org), name=page)

    def _post(self, kind: str, tok: str, path: str, name: str, expect: str, **kwargs: Any) -> Write:
        kwargs.setdefault("data", {})["csrf_token"] = self.csrf
        try:
            response = self.client.post(path, allow_redirects=False, name=name, **kwargs)
            status, location = response.status_code, response.headers.get("Location", "")
        except OSError:
            status, location = 0, ""
        ok = status == 302 and expect in location
        found = re.search(r"/imports/(\d+)", location)
        write = Write(kind, tok, status, time.time(), ok, int(found.group(1)) if found else None)
        self.record(write)
        return write

    def report_progress(self) -> Write | None:
        if not self.login.days:
            return None
        pledge_id, day = self.login.days.pop()
        year, month, dom = (str(int(part)) for part in day.split("-"))
        tok = token("progress")
        data = {
            "period_start": [dom, month, year],
            "period_end": [dom, month, year],
            "value": "1",
            "note": tok,
            "evidence_url": "",
        }
        path = f"/orgs/{self.login.org}/pledges/{pledge_id}/progress"
        return self._post("progress", tok, path, "report progress", "/pledges/", data=data)

    def new_listing(self) -> Write:
        tok = token("listing")
        data = {
            "resource_type": "space",
            "title": tok,
            "description": "A room for twenty people, free on weekday evenings (load bench).",
            "quantity": "",
            "unit": "",
            "citywide": "y",
            "urgency": "low",
        }
        path = f"/orgs/{self.login.org}/exchange/offer/new"
        return self._post("listing", tok, path, "new listing", "/exchange/listings/", data=data)

    def message(self) -> Write | None:
        if not self.login.matches:
            return None
        match_id = self.login.matches[int(time.time() * 1000) % len(self.login.matches)]
        tok = token("message")
        path = f"/exchange/matches/{match_id}"
        return self._post("message", tok, path, "message on a match", path, data={"body": tok})

    def import_activities(self) -> Write:
        tok = token("import")
        template = self.client.get(
            f"/orgs/{self.login.org}/activities/import/template.csv", name="import template"
        )
        rows = list(csv.DictReader(io.StringIO(template.text.lstrip("\ufeff"))))
        for number, row in enumerate(rows, 1):
            row["title"] = f"{tok} {number}"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["title"])
        writer.writeheader()
        writer.writerows(rows)
        files = {"file": ("activities.csv", out.getvalue().encode(), "text/csv")}
        path = f"/orgs/{self.login.org}/activities/import"
        return self._post("import", tok, path, "activity import", "/imports/", files=files)


SAVED_SQL = {
    "progress": "SELECT count(*) FROM pledge_updates WHERE note = %s",
    "listing": "SELECT count(*) FROM exchange_listings WHERE title = %s",
    "message": "SELECT count(*) FROM exchange_messages WHERE body = %s",
    "import": "SELECT count(*) FROM activities WHERE title LIKE %s || ' %%'",
}


def saved(query: Callable[..., list[tuple[Any, ...]]], write: Write) -> bool:
    """Whether the database has the write (for an import: its rows were applied)."""
    return bool(query(SAVED_SQL[write.kind], write.token)[0][0])


def lost_writes(query: Callable[..., list[tuple[Any, ...]]], writes: list[Write]) -> list[Write]:
    """The writes the site said it saved that the database does not have."""
    return [write for write in writes if write.ok and not saved(query, write)]


def saved_despite_error(
    query: Callable[..., list[tuple[Any, ...]]], writes: list[Write]
) -> list[Write]:
    """Writes that got a 5xx (or no answer) yet are in the database: a user would retry them."""
    return [w for w in writes if (w.status >= 500 or w.status == 0) and saved(query, w)]


def as_dicts(writes: list[Write]) -> list[dict[str, Any]]:
    return [asdict(write) for write in writes]

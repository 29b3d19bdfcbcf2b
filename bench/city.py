"""A city-scale network in PostgreSQL, seeded with set-based SQL, and the page bench on it
(issues 12 and 13).

    python bench/city.py                       # the page bench: demo against city at scale 1.0
    python bench/city.py --short               # the same at scale 0.05, 2 s per page (CI)
    python bench/city.py --insights            # refresh the city's insights first (minutes)
    python bench/city.py --url postgresql://…  # only seed that database (migrated or empty)
    python bench/city.py --url … --scale 0.05  # a twentieth of the city

`seed_city(url, scale)` runs `flask db upgrade` and `flask load-reference` on the database (the
real schema and reference data: Ambitions, goals, wards, frameworks, measures), then adds, with
`INSERT ... SELECT generate_series` statements and no ORM objects, at scale 1.0: 2,000
organisations (kinds, networks and statuses as the demo has, a few suspended), 200,000 activities
over the 33 wards with goals, partners, people, hours and spend, 20,000 pledges with 60,000
progress reports, 50,000 exchange listings with 10,000 matches, 6,000 self-assessments with their
answers and 400,000 audit rows, and people who can sign in with CITY_PASSWORD (CITY_LOGINS: an
administrator of organisation 1, a convenor per Ambition, a platform admin). It returns the row
counts. `private_postgres()` starts a throwaway cluster for a bench (as bench/_production.py does).

The page bench (`page_bench`) makes, in a private cluster, a demo database (`flask demo-data`)
and a city, serves each with gunicorn (2 workers, production config, a private redis-server),
signs in one person per role and measures every page of each role's main navigation (PAGES) with
wrk (10 connections, a few seconds per page), demo then city back to back. Per page it prints
requests/s, p50 and p99 at both scales, the city/demo p50 ratio, the city's throughput as a share
of /healthz's in the same run, the status of each and a verdict against issue 13's targets. It
exits 1 when a page answered with an error (not when a target is missed). Needs Debian's `wrk`.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import functools
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._production import PG_BIN, _as_postgres, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# At scale 1.0 (issue 12's city); every count scales, none goes below 1.
CITY = {
    "organisations": 2_000,
    "activities": 200_000,
    "pledges": 20_000,
    "listings": 50_000,
    "matches": 10_000,
    "audit": 400_000,
}
YEARS = (2024, 2025, 2026)  # one self-assessment per organisation and year: 6,000 at scale 1
COUNTED = (
    "organisations",
    "network_memberships",
    "organisation_wards",
    "activities",
    "activity_wards",
    "activity_goals",
    "activity_partners",
    "pledges",
    "pledge_updates",
    "exchange_listings",
    "exchange_matches",
    "assessments",
    "assessment_answers",
    "audit_log",
)

# Each statement sees psql-style parameters from `_params`: {base_*} is the table's max(id) before
# seeding (so a database that already has data keeps it), {n_*} the scaled counts.
STATEMENTS = [
    # Organisations: kinds roughly as a city has them; anchors in their networks as the demo does.
    """
    INSERT INTO organisations (id, name, kind, description, citywide, status, created_at, version)
    SELECT {base_org} + g, 'City organisation ' || g,
           CASE WHEN g % 20 = 0 THEN 'public_anchor' WHEN g % 20 = 1 THEN 'business_anchor'
                WHEN g % 20 IN (2, 3, 4) THEN 'community_anchor' WHEN g % 20 = 5 THEN 'other'
                ELSE 'vcse' END,
           '', g % 25 = 0,
           CASE WHEN g % 97 = 0 THEN 'suspended' WHEN g % 53 = 0 THEN 'pending'
                ELSE 'approved' END,
           timestamp '2023-06-01' + (g % 500) * interval '1 day', 1
    FROM generate_series(1, {n_org}) AS g
    """,
    """
    INSERT INTO network_memberships (organisation_id, network_id, status, requested_at, decided_at)
    SELECT o.id, n.id, 'accepted', o.created_at, o.created_at
    FROM organisations o JOIN networks n ON n.code = CASE o.kind
        WHEN 'public_anchor' THEN 'anchor' WHEN 'business_anchor' THEN 'business'
        WHEN 'community_anchor' THEN 'community' END
    WHERE o.id > {base_org}
    """,
    """
    INSERT INTO organisation_wards (organisation_id, ward_id)
    SELECT DISTINCT o.id, w.ids[1 + (o.id * k * 7) % array_length(w.ids, 1)]
    FROM organisations o, generate_series(1, 2) AS k,
         (SELECT array_agg(id ORDER BY id) AS ids FROM wards) AS w
    WHERE o.id > {base_org} AND NOT o.citywide
    """,
    # Activities over three years, each in one or two wards, towards one or two goals.
    """
    INSERT INTO activities (id, lead_organisation_id, title, description, citywide, start_date,
                            end_date, people_reached, volunteer_hours, spend, outcomes, is_public,
                            created_at, updated_at, version)
    SELECT {base_act} + g, {base_org} + 1 + (hashint(g) % {n_org}), 'City activity ' || g, '',
           g % 40 = 0, d, d + (g % 90), (hashint(g * 3) % 400),
           round(((hashint(g * 5) % 2000) / 10.0)::numeric, 1),
           round(((hashint(g * 7) % 500000) / 100.0)::numeric, 2), '', g % 10 <> 0,
           d::timestamp, d::timestamp, 1
    FROM generate_series(1, {n_act}) AS g,
         LATERAL (SELECT date '2024-01-01' + (hashint(g * 11) % 1060) AS d) AS s
    """,
    """
    INSERT INTO activity_wards (activity_id, ward_id)
    SELECT DISTINCT a.id, w.ids[1 + hashint(a.id * k) % array_length(w.ids, 1)]
    FROM activities a, generate_series(1, 2) AS k,
         (SELECT array_agg(id ORDER BY id) AS ids FROM wards) AS w
    WHERE a.id > {base_act} AND NOT a.citywide AND (k = 1 OR a.id % 5 = 0)
    """,
    """
    INSERT INTO activity_goals (activity_id, goal_id)
    SELECT DISTINCT a.id, gl.ids[1 + hashint(a.id * 13 * k) % array_length(gl.ids, 1)]
    FROM activities a, generate_series(1, 2) AS k,
         (SELECT array_agg(id ORDER BY id) AS ids FROM goals) AS gl
    WHERE a.id > {base_act} AND (k = 1 OR a.id % 4 = 0)
    """,
    """
    INSERT INTO activity_partners (activity_id, organisation_id, status, requested_at, decided_at)
    SELECT a.id, {base_org} + 1 + (hashint(a.id * 17) % {n_org}),
           CASE WHEN a.id % 3 = 0 THEN 'pending' ELSE 'accepted' END, a.created_at, a.created_at
    FROM activities a
    WHERE a.id > {base_act} AND a.id % 10 = 0
      AND {base_org} + 1 + (hashint(a.id * 17) % {n_org}) <> a.lead_organisation_id
    """,
    # Pledges towards a social-value measure, one Ambition, goal and ward each; three reports.
    """
    INSERT INTO pledges (id, organisation_id, measure_id, title, description, baseline, target,
                         start_date, end_date, citywide, is_public, created_at, updated_at, version)
    SELECT {base_pl} + g, {base_org} + 1 + (hashint(g * 19) % {n_org}),
           m.ids[1 + hashint(g) % array_length(m.ids, 1)], 'City pledge ' || g, '', 0,
           1000 + hashint(g * 23) % 99000, d, d + 365, g % 30 = 0, true, d::timestamp,
           d::timestamp, 1
    FROM generate_series(1, {n_pl}) AS g,
         (SELECT array_agg(id ORDER BY id) AS ids FROM social_value_measures) AS m,
         LATERAL (SELECT date '2024-01-01' + (hashint(g * 29) % 900) AS d) AS s
    """,
    """
    INSERT INTO pledge_goals (pledge_id, goal_id)
    SELECT p.id, gl.ids[1 + hashint(p.id * 31) % array_length(gl.ids, 1)]
    FROM pledges p, (SELECT array_agg(id ORDER BY id) AS ids FROM goals) AS gl
    WHERE p.id > {base_pl}
    """,
    """
    INSERT INTO pledge_ambitions (pledge_id, ambition_id)
    SELECT pg.pledge_id, g.ambition_id
    FROM pledge_goals pg JOIN goals g ON g.id = pg.goal_id
    WHERE pg.pledge_id > {base_pl}
    """,
    """
    INSERT INTO pledge_wards (pledge_id, ward_id)
    SELECT p.id, w.ids[1 + hashint(p.id * 37) % array_length(w.ids, 1)]
    FROM pledges p, (SELECT array_agg(id ORDER BY id) AS ids FROM wards) AS w
    WHERE p.id > {base_pl} AND NOT p.citywide
    """,
    """
    INSERT INTO pledge_updates (pledge_id, period_start, period_end, value, note, created_at,
                                status, reason, version)
    SELECT p.id, p.start_date + (k - 1) * 120, p.start_date + k * 120 - 1,
           round((p.target * (hashint(p.id * k) % 60) / 100.0)::numeric, 2), '',
           (p.start_date + k * 120)::timestamp,
           CASE WHEN k = 1 AND p.id % 20 = 0 THEN 'superseded' ELSE 'current' END, '', 1
    FROM pledges p, generate_series(1, 3) AS k
    WHERE p.id > {base_pl}
    """,
    # Exchange: odd listings are offers, even ones requests; matches pair them up.
    """
    INSERT INTO exchange_listings (id, organisation_id, side, resource_type, title, description,
                                   quantity, unit, citywide, needed_by, urgency, status,
                                   closed_reason, expires_on, hidden_reason, created_at,
                                   updated_at, version)
    SELECT {base_li} + g, {base_org} + 1 + (hashint(g * 41) % {n_org}),
           CASE WHEN g % 2 = 1 THEN 'offer' ELSE 'request' END,
           (ARRAY['volunteer_time', 'skills', 'mentoring', 'space', 'equipment', 'food',
                  'digital', 'funding'])[1 + hashint(g * 43) % 8],
           'City listing ' || g, '', 1 + hashint(g * 47) % 200, 'hours', g % 50 = 0,
           CASE WHEN g % 2 = 0 THEN d + 60 END,
           CASE WHEN g % 2 = 0 THEN (ARRAY['high', 'medium', 'low'])[1 + g % 3] END,
           CASE WHEN g % 10 < 5 THEN 'open' WHEN g % 10 < 7 THEN 'matched'
                WHEN g % 10 < 9 THEN 'closed' ELSE 'paused' END,
           '', d + 90, '', d::timestamp, d::timestamp, 1
    FROM generate_series(1, {n_li}) AS g,
         LATERAL (SELECT date '2024-01-01' + (hashint(g * 53) % 1000) AS d) AS s
    """,
    """
    INSERT INTO exchange_listing_wards (listing_id, ward_id)
    SELECT l.id, w.ids[1 + hashint(l.id * 59) % array_length(w.ids, 1)]
    FROM exchange_listings l, (SELECT array_agg(id ORDER BY id) AS ids FROM wards) AS w
    WHERE l.id > {base_li} AND NOT l.citywide
    """,
    """
    INSERT INTO exchange_listing_ambitions (listing_id, ambition_id)
    SELECT l.id, am.ids[1 + hashint(l.id * 61) % array_length(am.ids, 1)]
    FROM exchange_listings l, (SELECT array_agg(id ORDER BY id) AS ids FROM ambitions) AS am
    WHERE l.id > {base_li}
    """,
    """
    INSERT INTO exchange_matches (offer_id, request_id, initiated_by_organisation_id, status, note,
                                  committed_quantity, delivered_quantity, delivered_unit,
                                  delivered_at, delivered_resource_type, created_at, updated_at)
    SELECT o.id, r.id, r.organisation_id, st.status, '', o.quantity,
           CASE WHEN st.status = 'delivered' THEN o.quantity END, 'hours',
           CASE WHEN st.status = 'delivered'
                THEN r.created_at + (5 + k % 40) * interval '1 day' END,
           CASE WHEN st.status = 'delivered' THEN o.resource_type END,
           r.created_at + (k % 20) * interval '1 day', r.created_at + (k % 20) * interval '1 day'
    FROM generate_series(1, {n_ma}) AS k
    JOIN exchange_listings o ON o.id = {base_li} + 2 * ((k * 7) % ({n_li} / 2)) + 1
    JOIN exchange_listings r ON r.id = {base_li} + 2 * ((k * 13) % ({n_li} / 2)) + 2,
    LATERAL (SELECT CASE WHEN k % 20 < 8 THEN 'delivered' WHEN k % 20 < 13 THEN 'accepted'
                         WHEN k % 20 < 16 THEN 'interested' WHEN k % 20 < 18 THEN 'declined'
                         WHEN k % 20 < 19 THEN 'lapsed' ELSE 'withdrawn' END AS status) AS st
    """,
    # A self-assessment per organisation and year, on its network's framework; every criterion.
    """
    INSERT INTO assessments (organisation_id, framework_id, year, status, version, created_at,
                             updated_at, submitted_at)
    SELECT o.id, f.id, y,
           CASE WHEN hashint(o.id * y) % 10 < 7 THEN 'submitted' ELSE 'draft' END, 1,
           make_timestamp(y, 3, 1, 9, 0, 0), make_timestamp(y, 3, 1, 9, 0, 0),
           CASE WHEN hashint(o.id * y) % 10 < 7 THEN make_timestamp(y, 4, 1, 9, 0, 0) END
    FROM organisations o
    CROSS JOIN unnest(ARRAY[{years}]) AS yr(y)
    LEFT JOIN network_memberships nm ON nm.organisation_id = o.id
    LEFT JOIN networks n ON n.id = nm.network_id
    JOIN assessment_frameworks f ON f.variant = coalesce(n.assessment_variant, 'community')
    WHERE o.id > {base_org}
      AND f.version = (SELECT max(version) FROM assessment_frameworks x
                       WHERE x.variant = f.variant)
    """,
    """
    INSERT INTO assessment_answers (assessment_id, criterion_id, level, target_level, evidence,
                                    links)
    SELECT a.id, c.id, CASE WHEN hashint(a.id * c.id) % 12 = 0 THEN NULL
                            ELSE 1 + hashint(a.id + c.id * 7) % 4 END,
           4, '', ''
    FROM assessments a
    JOIN assessment_dimensions d ON d.framework_id = a.framework_id
    JOIN assessment_criteria c ON c.dimension_id = d.id
    WHERE a.organisation_id > {base_org}
    """,
    """
    INSERT INTO audit_log (at, organisation_id, action, entity_type, entity_id, summary, details)
    SELECT timestamp '2024-01-01' + (g % 1060) * interval '1 day',
           {base_org} + 1 + (hashint(g * 67) % {n_org}),
           (ARRAY['activity.created', 'activity.updated', 'pledge.updated', 'listing.created',
                  'match.delivered'])[1 + g % 5],
           (ARRAY['activity', 'activity', 'pledge', 'listing', 'match'])[1 + g % 5],
           g, 'City audit row ' || g, ''
    FROM generate_series(1, {n_audit}) AS g
    """,
]

# People who can sign in (issue 13's page bench): an administrator of organisation 1, a convenor
# for each Ambition and a platform admin, all with CITY_PASSWORD (hashed once, see _password_hash).
ACCOUNTS = [
    """
    INSERT INTO users (email, name, password_hash, is_verified, is_active_account,
                       is_platform_admin, created_at, session_version)
    SELECT v.email, v.name, %(password_hash)s, true, true, v.admin, now(), 1
    FROM (VALUES ('{member}', 'City member', false), ('{admin}', 'City admin', true)
          UNION ALL
          SELECT replace('{convenor}', '{{code}}', lower(a.code)), 'City convenor ' || a.code, false
          FROM ambitions a) AS v(email, name, admin)
    ON CONFLICT (email) DO NOTHING
    """,
    """
    INSERT INTO memberships (user_id, organisation_id, role, created_at)
    SELECT u.id, {base_org} + 1, 'admin', now() FROM users u
    WHERE u.email = '{member}'
      AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)
    """,
    """
    INSERT INTO convenor_assignments (user_id, ambition_id)
    SELECT u.id, a.id FROM ambitions a
    JOIN users u ON u.email = replace('{convenor}', '{{code}}', lower(a.code))
    ON CONFLICT DO NOTHING
    """,
]
CITY_PASSWORD = "anchor-city-2026"  # fictional accounts on a throwaway database
CITY_LOGINS = {
    "member": "member@city.example.org",
    "convenor": "convenor.{code}@city.example.org",
    "admin": "admin@city.example.org",
}

# A cheap, deterministic integer hash (so a seed is the same every run, and fast: no random()).
HASHINT = """
CREATE OR REPLACE FUNCTION hashint(x bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (((x * 2654435761) # ((x * 2654435761) >> 16)) & 2147483647)::int $$
"""
SEQUENCES = ("organisations", "activities", "pledges", "exchange_listings")


def flask_env(url: str, instance: Path) -> dict[str, str]:
    """The environment for `flask` commands against ``url`` (development config)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "TEST_", "PORTAL_", "MAIL_")) and k != "DATABASE_URL"
    }
    env.update(DATABASE_URL=url, PORTAL_INSTANCE_DIR=str(instance), PYTHONUNBUFFERED="1")
    return env


def flask(url: str, *args: str) -> None:
    with tempfile.TemporaryDirectory(prefix="portal-city-") as instance:
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=flask_env(url, Path(instance)),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def _scaled(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in CITY.items()}


def _params(connection: psycopg.Connection, scale: float) -> dict[str, object]:
    def base(table: str) -> int:
        query = sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table))
        row = connection.execute(query).fetchone()
        return int(row[0]) if row else 0

    n = _scaled(scale)
    return {
        "base_org": base("organisations"),
        "base_act": base("activities"),
        "base_pl": base("pledges"),
        "base_li": base("exchange_listings"),
        "n_org": n["organisations"],
        "n_act": n["activities"],
        "n_pl": n["pledges"],
        "n_li": max(2, n["listings"] - n["listings"] % 2),
        "n_ma": n["matches"],
        "n_audit": n["audit"],
        "years": ", ".join(str(y) for y in YEARS),
    }


def _scalar(connection: psycopg.Connection, query: sql.SQL, *names: object) -> int:
    """Run ``query`` with table names (str, quoted as identifiers) or literals filled in."""
    parts = [sql.Identifier(n) if isinstance(n, str) else n for n in names]
    row = connection.execute(query.format(*parts)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        return {
            table: _scalar(connection, sql.SQL("SELECT count(*) FROM {}"), table)
            for table in COUNTED
        }


def seed_city(url: str, scale: float = 1.0, *, migrate: bool = True) -> dict[str, int]:
    """Migrate ``url``, load the reference data and add a city's worth of data (``scale`` 1.0 is
    issue 12's city). One transaction; returns the row counts of the seeded tables."""
    if migrate:
        flask(url, "db", "upgrade")
        flask(url, "load-reference")
    with psycopg.connect(url) as connection:
        connection.execute(HASHINT)
        params = _params(connection, scale)
        for statement in STATEMENTS:
            connection.execute(statement.format(**params))
        for statement in ACCOUNTS:
            query = statement.format(**params, **CITY_LOGINS)
            connection.execute(query, {"password_hash": _password_hash()})  # type: ignore[arg-type]
        for table in SEQUENCES:
            query = "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))"
            _scalar(connection, sql.SQL(query), sql.Literal(table), table)
    # The raw inserts bypass the app's flush listeners: derive each pledge's stored standing and
    # the impact page's stored figures.
    flask(url, "pledges", "refresh-standing")
    flask(url, "exchange", "refresh-impact")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    return counts(url)


@functools.cache
def _password_hash() -> str:
    """CITY_PASSWORD through the app's own hashing (argon2 at the production cost), once."""
    from flask import Flask

    from config import Config
    from portal.accounts.passwords import hash_password

    app = Flask(__name__)
    app.config.update(
        ARGON2_TIME_COST=Config.ARGON2_TIME_COST, ARGON2_MEMORY_COST=Config.ARGON2_MEMORY_COST
    )
    with app.app_context():
        return hash_password(CITY_PASSWORD)


@contextlib.contextmanager
def private_postgres(database: str = "city") -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free port (never the shared one); yields its URL."""
    tmp = Path(tempfile.mkdtemp(prefix="portal-city-"))
    tmp.chmod(0o755)
    data, log, port = tmp / "data", tmp / "pg.log", free_port()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log)]
    started = False
    try:
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
                + ["-E", "UTF8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres([*pg_ctl, "-w", "-o", options, "start"]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = True
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
            + [database],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/{database}"
    finally:
        if started:
            subprocess.run(
                _as_postgres([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True, check=False
            )
        shutil.rmtree(tmp, ignore_errors=True)


def createdb(url: str, name: str) -> str:
    """A new database ``name`` on the server of ``url``; returns its URL."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.rsplit("/", 1)[0] + "/" + name


def print_counts(rows: dict[str, int], seconds: float, scale: float) -> None:
    print(
        f"city at scale {scale:g}: seeded in {seconds:.1f} s (after migrations and reference data)"
    )
    for table, n in rows.items():
        print(f"  {table:<22} {n:>9,}")


# -- the page bench (issue 13) -------------------------------------------------------------------

# The main navigation of each role; {org} is the member's organisation, {code} the convenor's
# first Ambition. Every page is measured on the demo data and on the city, back to back.
PAGES: list[tuple[str, str]] = [
    ("public", "/"),
    ("public", "/pledges"),
    ("public", "/pledges/export.csv"),
    ("public", "/activities"),
    ("public", "/exchange"),
    ("public", "/organisations"),
    ("public", "/scorecard/"),
    ("public", "/events"),
    ("public", "/stories"),
    ("member", "/orgs/{org}"),
    ("member", "/orgs/{org}/activities"),
    ("member", "/orgs/{org}/exchange"),
    ("member", "/orgs/{org}/pledges"),
    ("member", "/orgs/{org}/assessment"),
    ("member", "/groups"),
    ("convenor", "/insights/"),
    ("convenor", "/insights/{code}"),
    ("convenor", "/insights/{code}/gaps"),
    ("convenor", "/insights/{code}/need"),
    ("convenor", "/insights/need"),
    ("convenor", "/exchange/impact"),
    ("admin", "/admin/"),
    ("admin", "/admin/audit-log"),
    ("admin", "/admin/organisations"),
    ("admin", "/admin/users"),
    ("admin", "/admin/network-requests"),
    ("admin", "/exchange/admin/moderation"),
    ("admin", "/pledges/admin/overdue"),
]
# Issue 13's targets, at city scale with 10 connections on a 2-core machine.
RATIO_TARGET = 1.5  # city p50 / demo p50
HEALTHZ_SHARE_TARGET = 0.10  # a page's requests/s as a share of /healthz's
P50_TARGET_MS = 100.0
CONNECTIONS = 10
WEB_WORKERS = 2
WRK_HINT = "the page bench needs wrk: apt-get install -y wrk (Debian's package)"


@dataclasses.dataclass
class Sample:
    """One wrk run of one page: throughput, latency and what went wrong."""

    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    errors: int = 0  # non-2xx/3xx answers, connect/read/write errors and timeouts
    status: int = 0  # of one request made before the run (0: no answer)


@dataclasses.dataclass
class Site:
    """A served database and what the roles need: a session cookie each, the org and Ambition."""

    name: str
    url: str
    cookies: dict[str, str]
    org: int
    code: str


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found.group(1)) * _UNITS_MS[found.group(2)]


def parse_wrk(output: str) -> Sample:
    """The figures of `wrk --latency` output."""
    sample = Sample()
    if found := re.search(r"Requests/sec:\s+([\d.]+)", output):
        sample.rps = float(found.group(1))
    if found := re.search(r"(\d+) requests in", output):
        sample.requests = int(found.group(1))
    if sample.requests:
        for percent, attribute in (("50", "p50_ms"), ("99", "p99_ms")):
            if found := re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE):
                setattr(sample, attribute, _ms(found.group(1)))
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        sample.errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        sample.errors += sum(int(n) for n in found.groups())
    return sample


def measure(url: str, cookie: str, seconds: int) -> Sample:
    """One request for its status (a redirect to the sign-in page must not pass for a page),
    then `seconds` of wrk with CONNECTIONS connections."""
    import requests

    headers = {"Cookie": cookie} if cookie else {}
    try:
        status = requests.get(url, headers=headers, allow_redirects=False, timeout=300).status_code
    except requests.RequestException:
        status = 0
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    sample = parse_wrk(result.stdout)
    sample.status = status
    wait_until_idle(url.split("/", 3)[:3])
    if result.returncode:
        sample.errors += 1
        print(f"wrk failed on {url}: {(result.stderr or result.stdout)[-500:]}", file=sys.stderr)
    return sample


def wait_until_idle(site: list[str], limit: float = 900) -> None:
    """gunicorn's workers go on answering the requests wrk left queued when it stopped (a slow
    page leaves minutes of them): wait until /healthz answers quickly three times in a row, so
    the next page starts on an idle server."""
    import requests

    healthz, quick, deadline = "/".join(site) + "/healthz", 0, time.monotonic() + limit
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(requests.RequestException):
            requests.get(healthz, timeout=limit)
        quick = quick + 1 if time.perf_counter() - started < 1.0 else 0


def sign_in(url: str, email: str, password: str) -> str:
    """The Cookie header of a signed-in session (raises if the sign-in is refused)."""
    import requests

    with requests.Session() as session:
        page = session.get(f"{url}/sign-in", timeout=30)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        data = {"email": email, "password": password, "csrf_token": found.group(1) if found else ""}
        answer = session.post(f"{url}/sign-in", data=data, allow_redirects=False, timeout=30)
        if answer.status_code != 302 or "/sign-in" in answer.headers.get("Location", ""):
            raise RuntimeError(f"{email} could not sign in at {url} ({answer.status_code})")
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def _role_context(dsn: str, member: str, convenor: str) -> tuple[int, str, str]:
    """The member's organisation, the convenor's email ({code} filled with the first Ambition's)
    and that convenor's first Ambition code."""
    with psycopg.connect(dsn) as connection:
        org = connection.execute(
            "SELECT m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id "
            "WHERE u.email = %s ORDER BY m.id LIMIT 1",
            (member,),
        ).fetchone()
        first = connection.execute("SELECT code FROM ambitions ORDER BY position, id").fetchone()
        convenor = convenor.format(code=str(first[0]).lower() if first else "")
        code = connection.execute(
            "SELECT a.code FROM convenor_assignments c JOIN users u ON u.id = c.user_id "
            "JOIN ambitions a ON a.id = c.ambition_id WHERE u.email = %s "
            "ORDER BY a.position LIMIT 1",
            (convenor,),
        ).fetchone()
    if org is None or code is None:
        raise RuntimeError(f"no organisation for {member} or no Ambition for {convenor} in {dsn}")
    return int(org[0]), convenor, str(code[0])


@contextlib.contextmanager
def _process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextlib.contextmanager
def private_redis(tmp: Path) -> Iterator[str]:
    """A throwaway redis-server on a free port (the production config refuses to start without)."""
    import redis

    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    with _process(
        [*command, "--appendonly", "no", "--dir", str(tmp)], dict(os.environ), tmp / "redis.log"
    ):
        client = redis.Redis(port=port)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"


@contextlib.contextmanager
def gunicorn(dsn: str, redis_url: str, tmp: Path, name: str) -> Iterator[str]:
    """The production config under gunicorn (WEB_WORKERS workers) on ``dsn``; yields its URL."""
    import requests

    port = free_port()
    env = flask_env(dsn, tmp / f"instance-{name}")
    env.update(
        PORTAL_CONFIG="production",
        SECRET_KEY=secrets.token_hex(32),
        REDIS_URL=redis_url,
        PORTAL_INSECURE_HTTP="1",
        UPLOAD_FOLDER=str(tmp / f"uploads-{name}"),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    command = [
        str(BIN / "gunicorn"), "--workers", str(WEB_WORKERS), "--bind", f"127.0.0.1:{port}",
        "--timeout", "120", "bench._insecure_wsgi:app",
    ]  # fmt: skip
    log = tmp / f"gunicorn-{name}.log"
    with _process(command, env, log) as process:
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not answer /healthz:\n{log.read_text()[-3000:]}")
        yield url


def refresh_insights(dsn: str) -> None:
    """One insights snapshot, as the nightly job makes it, so the convenor pages show figures."""
    from portal import create_app
    from portal.extensions import db
    from portal.insights.jobs import refresh_insights as job

    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=dsn, REDIS_URL=None, RATELIMIT_ENABLED=False
    )
    with app.app_context():
        job(0)
        db.engine.dispose()


def prepare(server: str, scale: float, *, insights: bool) -> tuple[str, str]:
    """A demo database and a city database on ``server``'s cluster, migrated once (the city is
    a copy of the migrated, reference-loaded template); returns their URLs."""
    template = createdb(server, "portal_template")
    flask(template, "db", "upgrade")
    flask(template, "load-reference")
    with psycopg.connect(server, autocommit=True) as connection:
        for name in ("portal_demo", "portal_city"):
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE portal_template").format(sql.Identifier(name))
            )
    demo, city = (server.rsplit("/", 1)[0] + "/" + name for name in ("portal_demo", "portal_city"))
    # The demo seeder (a subprocess, through the ORM) and the city (SQL) load side by side.
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        demo_loaded = pool.submit(flask, demo, "demo-data")
        rows = seed_city(city, scale, migrate=False)
        print_counts(rows, time.perf_counter() - started, scale)
        if insights:
            started = time.perf_counter()
            refresh_insights(city)
            print(f"city insights refreshed in {time.perf_counter() - started:.1f} s", flush=True)
        else:
            # A full refresh takes minutes at city scale: the convenor pages then read the
            # snapshot `load-reference` computed before the city was seeded (same shape, zeros).
            print("city insights: not refreshed on the city's data (--insights does it)")
        demo_loaded.result()
    return demo, city


def _site(name: str, dsn: str, url: str, logins: dict[str, str], password: str) -> Site:
    org, convenor, code = _role_context(dsn, logins["member"], logins["convenor"])
    emails = {**logins, "convenor": convenor}
    cookies = {"public": ""}
    for role in ("member", "convenor", "admin"):
        cookies[role] = sign_in(url, emails[role], password)
    return Site(name, url, cookies, org, code)


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def verdict(demo: Sample, city: Sample, healthz: Sample) -> tuple[str, float | None, float | None]:
    """'ok', 'ERROR' or the targets missed; with the latency ratio and the /healthz share."""
    ratio = city.p50_ms / demo.p50_ms if city.p50_ms and demo.p50_ms else None
    share = city.rps / healthz.rps if healthz.rps else None
    if any(s.status != 200 or s.errors for s in (demo, city)):
        return "ERROR", ratio, share
    missed = [] if city.requests else ["no answer within the run"]
    if ratio is None or ratio > RATIO_TARGET:
        missed.append("ratio")
    if share is None or share < HEALTHZ_SHARE_TARGET:
        missed.append("throughput")
    if city.p50_ms is None or city.p50_ms > P50_TARGET_MS:
        missed.append("p50")
    return ("ok" if not missed else "missed " + ", ".join(missed)), ratio, share


HEADER = (
    f"{'page':<30} {'role':<8} | {'demo r/s':>8} {'p50 ms':>8} {'p99 ms':>8} | {'city r/s':>8} "
    f"{'p50 ms':>8} {'p99 ms':>8} | {'ratio':>6} {'%hz':>5} {'status':>7} {'errors':>6}  verdict"
)


def row(page: str, role: str, demo: Sample, city: Sample, healthz: Sample) -> tuple[str, bool]:
    text, ratio, share = verdict(demo, city, healthz)
    status = f"{demo.status}/{city.status}"
    line = (
        f"{page:<30} {role:<8} | {demo.rps:>8.1f} {_fmt_ms(demo.p50_ms):>8} "
        f"{_fmt_ms(demo.p99_ms):>8} | {city.rps:>8.1f} {_fmt_ms(city.p50_ms):>8} "
        f"{_fmt_ms(city.p99_ms):>8} | {'-' if ratio is None else f'{ratio:.2f}':>6} "
        f"{'-' if share is None else f'{share:.0%}':>5} {status:>7} {demo.errors + city.errors:>6}"
        f"  {text}"
    )
    return line, text != "ERROR"


def page_bench(scale: float, seconds: int, *, insights: bool = False) -> int:
    """Seed, serve and measure (module docstring); returns 1 when a page failed to answer."""
    if shutil.which("wrk") is None:
        print(WRK_HINT, file=sys.stderr)
        return 2
    from bench._journeys import DEMO_PASSWORD, ROLE_LOGINS

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-pages-")))
        server = stack.enter_context(private_postgres("postgres_bench"))
        demo_dsn, city_dsn = prepare(server, scale, insights=insights)
        redis_url = stack.enter_context(private_redis(tmp))
        demo_url = stack.enter_context(gunicorn(demo_dsn, f"{redis_url}/0", tmp, "demo"))
        city_url = stack.enter_context(gunicorn(city_dsn, f"{redis_url}/1", tmp, "city"))
        sites = (
            _site("demo", demo_dsn, demo_url, ROLE_LOGINS, DEMO_PASSWORD),
            _site("city", city_dsn, city_url, CITY_LOGINS, CITY_PASSWORD),
        )
        print(
            f"\nPages at demo scale and city scale {scale:g}, back to back: wrk, {CONNECTIONS} "
            f"connections, {seconds:g} s per page, gunicorn with {WEB_WORKERS} workers "
            f"(production config). Targets at city scale: ratio (city p50 / demo p50) <= "
            f"{RATIO_TARGET}, throughput >= {HEALTHZ_SHARE_TARGET:.0%} of /healthz (%hz), "
            f"p50 <= {P50_TARGET_MS:g} ms.",
            flush=True,
        )
        healthz = [measure(f"{site.url}/healthz", "", seconds) for site in sites]
        print(HEADER)
        print(row("/healthz", "public", *healthz, healthz[1])[0], flush=True)
        failed = 0
        for role, template in PAGES:
            demo, city = (
                measure(
                    site.url + template.format(org=site.org, code=site.code),
                    site.cookies[role],
                    seconds,
                )
                for site in sites
            )
            line, answered = row(template, role, demo, city, healthz[1])
            failed += not answered
            print(line, flush=True)
        print(f"\npages: {len(PAGES)}, pages with errors: {failed}")
        return 1 if failed else 0


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="seed this PostgreSQL database only (migrated or empty)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=int, default=5, help="of wrk per page and scale")
    parser.add_argument("--short", action="store_true", help="scale 0.05, 2 s per page (CI)")
    parser.add_argument(
        "--insights", action="store_true", help="refresh the city's insights before measuring"
    )
    args = parser.parse_args(argv)
    scale = 0.05 if args.short else args.scale
    if args.url:
        flask(args.url, "db", "upgrade")
        flask(args.url, "load-reference")
        started = time.perf_counter()
        rows = seed_city(args.url, scale, migrate=False)
        print_counts(rows, time.perf_counter() - started, scale)
        return 0
    return page_bench(scale, 2 if args.short else args.seconds, insights=args.insights)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

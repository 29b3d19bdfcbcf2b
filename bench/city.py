"""A city-scale network in PostgreSQL, seeded in seconds with set-based SQL (issues 12 and 13).

    python bench/city.py                       # a private PostgreSQL cluster, thrown away after
    python bench/city.py --url postgresql://…  # an existing database (migrated or empty)
    python bench/city.py --scale 0.05          # a twentieth of the city

`seed_city(url, scale)` runs `flask db upgrade` and `flask load-reference` on the database (the
real schema and reference data: Ambitions, goals, wards, frameworks, measures), then adds, with
`INSERT ... SELECT generate_series` statements and no ORM objects, at scale 1.0: 2,000
organisations (kinds, networks and statuses as the demo has, a few suspended), 200,000 activities
over the 33 wards with goals, partners, people, hours and spend, 20,000 pledges with 60,000
progress reports, 50,000 exchange listings with 10,000 matches, 6,000 self-assessments with their
answers and 400,000 audit rows. It returns the row counts; the CLI prints them and the time.
`private_postgres()` starts a throwaway cluster for a bench (as bench/_production.py does).
"""

from __future__ import annotations

import contextlib
import os
import shutil
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
        for table in SEQUENCES:
            query = "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))"
            _scalar(connection, sql.SQL(query), sql.Literal(table), table)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    return counts(url)


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


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a PostgreSQL database (default: a private cluster)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--short", action="store_true", help="scale 0.05")
    args = parser.parse_args(argv)
    scale = 0.05 if args.short else args.scale
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(private_postgres())
        flask(url, "db", "upgrade")
        flask(url, "load-reference")
        started = time.perf_counter()
        rows = seed_city(url, scale, migrate=False)
        print_counts(rows, time.perf_counter() - started, scale)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""bench/city.py: the city-scale seeder the aggregation and speed benches stand on (issue 12).

PostgreSQL pass only (generate_series): seeds a fresh database on the test server, then drops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from bench.city import createdb, seed_city
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def city_url() -> Iterator[str]:
    assert TEST_DATABASE_URL
    name = f"city_{uuid.uuid4().hex[:10]}"
    url = createdb(TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://"), name)
    yield url
    with psycopg.connect(
        TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def one(url: str, query: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def test_city_has_the_scaled_counts_and_can_be_added_to(city_url: str) -> None:
    counts = seed_city(city_url, 0.05)

    assert counts["organisations"] == 100
    assert counts["activities"] == 10_000
    assert counts["pledges"] == 1_000
    assert counts["pledge_updates"] == 3_000
    assert counts["exchange_listings"] == 2_500
    assert counts["exchange_matches"] == 500
    assert counts["assessments"] == 300  # one per organisation and year
    assert counts["audit_log"] == 20_000
    # Some organisations are not counted (suspended, pending), as in a real city.
    assert one(city_url, "SELECT count(*) FROM organisations WHERE status = 'approved'") == 98
    # Every activity towards a goal, every local one in a ward; a pledge's Ambition is its goal's.
    assert (
        one(
            city_url,
            "SELECT count(*) FROM activities a WHERE NOT EXISTS "
            "(SELECT 1 FROM activity_goals g WHERE g.activity_id = a.id)",
        )
        == 0
    )
    assert (
        one(
            city_url,
            "SELECT count(*) FROM activities a WHERE NOT a.citywide AND NOT EXISTS "
            "(SELECT 1 FROM activity_wards w WHERE w.activity_id = a.id)",
        )
        == 0
    )
    assert (
        one(
            city_url,
            "SELECT count(*) FROM pledge_ambitions pa JOIN pledge_goals pg USING (pledge_id) "
            "JOIN goals g ON g.id = pg.goal_id WHERE g.ambition_id <> pa.ambition_id",
        )
        == 0
    )
    # Ids continue after the seeded rows: the portal's next organisation does not collide.
    with psycopg.connect(city_url) as connection:
        row = connection.execute(
            "INSERT INTO organisations (name, kind, description, citywide, status, created_at) "
            "VALUES ('New', 'vcse', '', false, 'approved', now()) RETURNING id"
        ).fetchone()
    assert row is not None and row[0] == 101
    # Seeding again adds to what is there (ids continue after the existing rows).
    counts = seed_city(city_url, 0.01, migrate=False)
    assert counts["organisations"] == 121
    assert counts["activities"] == 12_000

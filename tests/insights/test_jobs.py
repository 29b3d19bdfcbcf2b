"""Refresh jobs: triggered by edits, coalesced, atomic, retried; reads cost the same at any size.

Runs in both passes: in-process without Redis, through RQ with it (`run_jobs` drains the queue).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.activities.models import Activity
from portal.extensions import db
from portal.insights import aggregate, jobs, read
from portal.insights.models import CURRENT, InsightChange, InsightFigure, InsightSnapshot
from portal.jobs import enqueue
from portal.orgs.models import STATUS_SUSPENDED
from tests.insights.world import World, activity, build_world


@pytest.fixture
def world() -> World:
    built = build_world()
    aggregate.refresh()
    db.session.commit()
    return built


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each refresh the jobs start (the real one runs)."""
    started: list[int] = []
    real = aggregate.refresh

    def counted(**kwargs: Any) -> InsightSnapshot:
        started.append(1)
        return real(**kwargs)

    monkeypatch.setattr(jobs, "refresh", counted)
    return started


@pytest.fixture
def auto_refresh(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits refresh the insights; in-process, at once (no sweep interval) unless a test says."""
    monkeypatch.setitem(app.config, "INSIGHTS_AUTO_REFRESH", True)
    monkeypatch.setitem(app.config, "INSIGHTS_IN_PROCESS_INTERVAL", 0)


def current_snapshot() -> InsightSnapshot:
    snapshot = db.session.scalar(select(InsightSnapshot).where(InsightSnapshot.status == CURRENT))
    assert snapshot is not None
    return snapshot


def figure_count(snapshot_id: int) -> int:
    return db.session.scalar(select(func.count()).where(InsightFigure.snapshot_id == snapshot_id))


def first_activity() -> Activity:
    found = db.session.scalars(select(Activity).order_by(Activity.id)).first()
    assert found is not None
    return found


def test_before_any_run_the_status_says_so() -> None:
    status = read.status()
    assert status.computed_at is None and not status.failed
    assert read.total("activities.count") is None


@pytest.mark.usefixtures("auto_refresh")
def test_an_edit_to_an_activity_refreshes_the_figures(world: World, runs, run_jobs) -> None:
    assert read.total("activities.people_reached").value == 42
    first_activity().people_reached += 100
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    assert runs == [1]
    assert read.total("activities.people_reached").value == 142
    status = read.status()
    assert status.computed_at is not None and not status.pending and not status.failed


@pytest.mark.usefixtures("auto_refresh")
def test_an_edit_is_saved_without_error_when_recording_its_change_fails(
    world: World, runs, run_jobs, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """The database going away between the edit's commit and the change's own transaction:
    the edit stands and nothing raises (its page says it was saved); the nightly run counts it."""
    from sqlalchemy.exc import OperationalError

    def database_gone(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO insight_changes", {}, Exception("server closed"))

    edited = first_activity()
    activity_id, before = edited.id, edited.people_reached
    edited.people_reached += 100
    monkeypatch.setattr(db.engine, "begin", database_gone)
    db.session.commit()  # does not raise
    monkeypatch.undo()
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Activity, activity_id).people_reached == before + 100
    assert db.session.scalar(select(func.count()).select_from(InsightChange)) == 0
    assert runs == []
    assert "Insights change not recorded" in caplog.text


def test_edits_to_untracked_rows_or_with_auto_refresh_off_queue_nothing(
    world: World, runs, run_jobs
) -> None:
    first_activity().people_reached += 1
    db.session.commit()
    run_jobs()
    assert runs == []


@pytest.mark.usefixtures("auto_refresh")
def test_a_burst_of_100_edits_makes_one_or_two_runs(
    world: World, runs, run_jobs, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "INSIGHTS_IN_PROCESS_INTERVAL", 30)
    item = first_activity()
    for _ in range(100):
        item.people_reached += 1
        db.session.commit()
    run_jobs()
    jobs.refresh_if_dirty()  # the sweep: in-process, edits right after a run wait for it
    db.session.expire_all()
    assert 1 <= len(runs) <= 2
    assert read.total("activities.people_reached").value == 142
    assert not read.status().pending


@pytest.mark.usefixtures("auto_refresh")
def test_100_edits_in_one_transaction_make_one_run(world: World, runs, run_jobs) -> None:
    for number in range(100):
        activity(world.a, date(2026, 2, 1), [world.w1], ["HEALTHY-1"], people=number % 2)
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    assert runs == [1]
    assert read.total("activities.count").value == 104


def test_an_edit_during_a_run_causes_exactly_one_more_run(
    world: World, monkeypatch: pytest.MonkeyPatch, run_jobs
) -> None:
    started: list[int] = []
    real = aggregate.refresh

    def edited_meanwhile(**kwargs: Any) -> InsightSnapshot:
        started.append(1)
        if len(started) == 1:  # someone saves an activity while the first run is computing
            with db.engine.begin() as connection:
                jobs._set_dirty(connection, True)
        return real(**kwargs)

    monkeypatch.setattr(jobs, "refresh", edited_meanwhile)
    enqueue(jobs.refresh_insights, 0)
    run_jobs()
    run_jobs()
    db.session.expire_all()
    assert len(started) == 2
    assert not jobs.is_dirty()


def test_a_failed_run_leaves_the_old_snapshot_current_and_whole(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = current_snapshot()
    old_id, old_rows = old.id, figure_count(old.id)
    added = activity(world.a, date(2026, 2, 1), [world.w1], ["HEALTHY-1"], people=1)
    db.session.add(InsightChange(kind="activity", ref_id=added.id))  # as the listener records
    db.session.commit()
    # The (incremental) run writes some of its statements, then fails.
    monkeypatch.setattr(jobs, "refresh", lambda **kwargs: aggregate.refresh(fail_after=5, **kwargs))
    with pytest.raises(RuntimeError):
        jobs.refresh_insights(0)
    db.session.expire_all()
    assert current_snapshot().id == old_id
    assert figure_count(old_id) == old_rows
    assert read.total("activities.count").value == 4  # the old figures, whole
    status = read.status()
    assert status.failed and status.pending
    assert "fail_after" in status.error


def test_a_retry_after_a_failing_run_succeeds(
    world: World, monkeypatch: pytest.MonkeyPatch, run_jobs
) -> None:
    added = activity(world.a, date(2026, 2, 1), [world.w1], ["HEALTHY-1"], people=1)
    db.session.add(InsightChange(kind="activity", ref_id=added.id))  # as the listener records
    db.session.commit()
    attempts: list[int] = []
    real = aggregate.refresh

    def fails_once(**kwargs: Any) -> InsightSnapshot:
        attempts.append(1)
        if len(attempts) == 1:
            return real(fail_after=1)
        return real(**kwargs)

    monkeypatch.setattr(jobs, "refresh", fails_once)
    enqueue(jobs.refresh_insights, 0)
    for _ in range(3):  # RQ puts the retry back on the queue
        run_jobs()
    db.session.expire_all()
    assert len(attempts) == 2
    assert read.total("activities.count").value == 5
    status = read.status()
    assert not status.failed and not status.pending and status.error == ""
    # Only the new snapshot is left: the old one and the failed one are gone.
    assert db.session.scalar(select(func.count()).select_from(InsightSnapshot)) == 1


def read_dashboard() -> None:
    read.status()
    read.periods()
    read.total("activities.count", ambition="HEALTHY")
    read.figures("activities.people_reached", by=("ward_code",), ambition="HEALTHY")
    read.figures("activities.count", by=("period",))
    read.figures("activities.count", by=("network_id", "decile"), period="2026")


def test_reads_cost_the_same_number_of_queries_with_10x_the_data(
    world: World, count_queries
) -> None:
    with count_queries() as small:
        read_dashboard()
    for number in range(40):
        ward = world.w1 if number % 2 else world.w2
        activity(world.b, date(2025, 1 + number % 12, 1), [ward], ["THRIVING-1"], people=number)
    db.session.commit()
    aggregate.refresh()
    db.session.commit()
    assert read.total("activities.count").value == 44
    with count_queries() as large:
        read_dashboard()
    assert large.count == small.count


@pytest.mark.usefixtures("auto_refresh")
def test_suspending_an_organisation_takes_it_out_of_the_figures(world: World, run_jobs) -> None:
    assert read.total("activities.count").value == 4
    world.a.status = STATUS_SUSPENDED
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    # A led a1 and a2; B's a3 and C's a4 remain.
    assert read.total("activities.count").value == 2
    assert read.total("activities.organisations").value == 2


@pytest.mark.postgres
def test_a_full_refresh_leaves_statistics_for_the_new_figures() -> None:
    """Pages read figures through the read index only when PostgreSQL knows the new snapshot's
    rows: a full run analyses the table in its own transaction."""
    from sqlalchemy import text

    def analyses() -> int:
        db.session.execute(text("SELECT pg_stat_clear_snapshot()"))
        return db.session.scalar(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'insight_figures'")
        )

    build_world()
    before = analyses()
    aggregate.refresh()
    db.session.commit()
    assert analyses() == before + 1

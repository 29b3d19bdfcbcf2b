"""The load and fault benches, in their short CI form, against a throwaway production stack.

Each starts its own PostgreSQL cluster and redis-server on free ports (never the shared ones),
gunicorn, an RQ worker and the scheduler, and exits non-zero when a write is lost, an email is
delivered twice or never, or a 5xx happens where it must not. PostgreSQL pass only: it is slow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import needs

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))

pytestmark = pytest.mark.postgres


def _tools_or_skip() -> None:
    missing = [
        name
        for name, found in (
            ("initdb", (PG_BIN / "initdb").exists()),
            ("redis-server", shutil.which("redis-server")),
            ("locust", (Path(sys.executable).parent / "locust").exists()),
        )
        if not found
    ]
    if missing:
        needs(f"the benches need {', '.join(missing)}")


def _run(script: str) -> subprocess.CompletedProcess[str]:
    _tools_or_skip()
    if script == "city.py" and not shutil.which("wrk"):
        needs("the page bench needs wrk: apt-get install -y wrk")
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--short"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200 if script == "city.py" else 600,  # the city seeds two databases
        check=False,
    )


def test_load_bench_loses_no_write_and_serves_no_5xx():
    result = _run("load.py")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "lost writes: 0" in result.stdout
    assert "ratio" in result.stdout  # the saturation table, as ratios to /healthz


def test_fault_bench_loses_and_duplicates_nothing():
    result = _run("faults.py")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "fault bench: passed" in result.stdout


def test_city_page_bench_serves_every_page_of_every_role():
    from bench.city import PAGES

    result = _run("city.py")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    rows = {tuple(line.split("|")[0].split()): line for line in result.stdout.splitlines()}
    for role, page in [("public", "/healthz"), *PAGES]:
        line = rows.get((page, role))
        assert line is not None, f"{page} ({role}) missing from the table:\n{result.stdout}"
        _ratio, _share, status, errors, *verdict = line.split("|")[-1].split()
        assert (status, errors) == ("200/200", "0"), line
        assert verdict and verdict[0] != "ERROR", line

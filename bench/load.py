"""Load bench on the production path: gunicorn, PostgreSQL, Redis, an RQ worker, driven by locust.

(a) Saturation: /healthz alone, then every role's main pages (public, organisation member,
    convenor, platform admin) with no think time; prints req/s and the ratio to /healthz.
(b) Journeys: 50 users, 1 to 3 s think time, reading and writing (progress reports, listings,
    match messages, activity CSV imports); prints p50/p95/p99, errors, 5xx and lost writes
    (every write the site said it saved, looked up in the database once the jobs have run).

    .venv/bin/python bench/load.py [--short]      # --short: a few seconds each, for CI

Exits non-zero when a write is lost or a 5xx happened.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._journeys import Write, lost_writes, plan
from bench._production import BIN, Stack

HERE = Path(__file__).resolve().parent


def run_locust(stack: Stack, users: str, count: int, seconds: int, tag: str) -> dict:
    """Run locust headless; returns its aggregated and per-name stats and the recorded writes."""
    prefix = stack.tmp / tag
    env = {
        **stack.env(),
        "BENCH_PLAN": str(stack.tmp / "plan.json"),
        "BENCH_RESULTS": str(prefix) + "_results.json",
    }
    command = [
        str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "--host", stack.url, "-u", str(count), "-r", str(max(count, 1)), "-t", f"{seconds}s",
        "--stop-timeout", "10", "--csv", str(prefix), "--loglevel", "WARNING", users,
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    stats_file = Path(str(prefix) + "_stats.csv")
    if not stats_file.exists():
        raise RuntimeError(f"locust did not run:\n{result.stderr[-3000:]}")
    with stats_file.open() as file:
        rows = {row["Name"]: row for row in csv.DictReader(file)}
    results = json.loads(Path(env["BENCH_RESULTS"]).read_text())
    return {"rows": rows, **results}


def saturation(stack: Stack, users: int, seconds: int) -> int:
    healthz = run_locust(stack, "HealthzUser", users, max(seconds // 2, 3), "healthz")
    pages = run_locust(stack, "PagesUser", users, seconds, "pages")
    baseline = float(healthz["rows"]["Aggregated"]["Requests/s"]) or 1.0
    print(
        f"\n(a) Saturation: {users} users, no think time, {seconds} s per run, 2 gunicorn workers"
    )
    print(f"{'page':44} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'fails':>6}")
    print(f"{'/healthz (baseline)':44} {baseline:8.1f} {1:6.2f}")
    per_role: Counter[str] = Counter()
    for name, row in sorted(pages["rows"].items()):
        if name == "Aggregated" or " " not in name:
            continue  # sign-in (argon2, once per user) is not one of the pages measured
        rate = float(row["Requests/s"])
        per_role[name.split(" ")[0]] += rate
        print(
            f"{name[:44]:44} {rate:8.1f} {rate / baseline:6.2f} {row['50%']:>7} {row['95%']:>7}"
            f" {row['Failure Count']:>6}"
        )
    for role, rate in per_role.items():
        print(f"{'all ' + role + ' pages':44} {rate:8.1f} {rate / baseline:6.2f}")
    fives = sum(n for code, n in pages["statuses"].items() if code.startswith("5"))
    print(f"5xx: {fives}")
    return fives


def journeys(stack: Stack, users: int, seconds: int, catch_up: float) -> tuple[int, int]:
    result = run_locust(stack, "JourneyUser", users, seconds, "journeys")
    writes = [Write(**row) for row in result["writes"]]
    total = result["rows"]["Aggregated"]
    # Imports are applied by a job: wait for the queue to catch up before looking.
    deadline = time.monotonic() + catch_up
    lost = lost_writes(stack.query, writes)
    while lost and time.monotonic() < deadline:
        time.sleep(1)
        lost = lost_writes(stack.query, writes)
    statuses = result["statuses"]
    fives = sum(n for code, n in statuses.items() if code.startswith("5"))
    print(f"\n(b) Journeys: {users} users, 1-3 s think time, {seconds} s")
    print(
        f"requests {total['Request Count']}, {float(total['Requests/s']):.1f} req/s;"
        f" p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms"
    )
    print(f"errors (locust failures) {total['Failure Count']}, 5xx {fives}, statuses {statuses}")
    kinds = Counter(w.kind for w in writes)
    done = Counter(w.kind for w in writes if w.ok)
    gone = Counter(w.kind for w in lost)
    print(f"{'write':10} {'tried':>6} {'saved':>6} {'lost':>6}")
    for kind in sorted(kinds):
        print(f"{kind:10} {kinds[kind]:6} {done[kind]:6} {gone[kind]:6}")
    print(f"lost writes: {len(lost)}")
    for write in lost[:10]:
        print("  lost:", asdict(write))
    return len(lost), fives


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a few seconds each, for CI")
    args = parser.parse_args()
    pages_users, pages_seconds = (4, 8) if args.short else (20, 30)
    journey_users, journey_seconds = (10, 10) if args.short else (50, 90)
    with Stack() as stack:
        logins = plan(stack.query)
        (stack.tmp / "plan.json").write_text(json.dumps([asdict(login) for login in logins]))
        page_fives = saturation(stack, pages_users, pages_seconds)
        lost, journey_fives = journeys(stack, journey_users, journey_seconds, catch_up=60)
        if stack.restarts:
            print(f"processes restarted during the run: {dict(stack.restarts)}")
    failed = lost or page_fives or journey_fives
    print("\nload bench:", "FAILED" if failed else "passed", "(no lost writes, no 5xx)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Runs every bench/*_bench.py script in turn, then the insights aggregation bench, the city-scale
page bench (bench/city.py: its table of every page, demo against city) and the production load
and fault benches (make bench). `--short` passes on to aggregate.py, city.py, load.py and
faults.py, as CI runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
short = ["--short"] if "--short" in sys.argv[1:] else []
status = 0
for script in sorted(here.glob("*_bench.py")):
    print(f"\n=== {script.name}")
    status |= subprocess.call([sys.executable, str(script)])
for script in (here / "aggregate.py", here / "city.py", here / "load.py", here / "faults.py"):
    print(f"\n=== {script.name} {' '.join(short)}")
    status |= subprocess.call([sys.executable, str(script), *short])
sys.exit(status)

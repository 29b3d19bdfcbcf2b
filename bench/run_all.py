"""Runs every bench/*_bench.py script in turn (make bench)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
status = 0
for script in sorted(here.glob("*_bench.py")):
    print(f"\n=== {script.name}")
    status |= subprocess.call([sys.executable, str(script)])
sys.exit(status)

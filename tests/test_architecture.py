"""The layout STYLE.md asks for, checked by import-linter (`make lint` runs `lint-imports`).

The contracts live in pyproject.toml: core imports no feature, no service imports a jobs module,
and no feature imports another feature's views, forms or jobs. These tests run them with the
suite too, and fail when a feature package has no contract (a new feature must be added there).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
SHARED = {"core", "jobs", "mail", "demo"}  # not features: what features share, and the demo


def features() -> list[str]:
    """Every feature package: a package under portal/ with a blueprint, except the shared ones."""
    return sorted(
        path.parent.name for path in PORTAL.glob("*/views.py") if path.parent.name not in SHARED
    )


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    command = str(lint_imports) if lint_imports.exists() else shutil.which("lint-imports")
    assert command, "import-linter is in the dev extras: pip install -e '.[dev]'"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_may_import_no_feature():
    [core] = [c for c in contracts() if c["source_modules"] == ["portal.core"]]
    assert core["type"] == "forbidden"
    assert {f"portal.{name}" for name in features()} <= set(core["forbidden_modules"])


def test_every_features_views_and_forms_are_closed_to_the_others():
    closed = {
        module
        for contract in contracts()
        if contract["type"] == "forbidden"
        for module in contract["forbidden_modules"]
    }
    missing = [
        f"portal.{name}.{part}"
        for name in features()
        for part in ("views", "forms", "jobs")
        if (PORTAL / name / f"{part}.py").exists() and f"portal.{name}.{part}" not in closed
    ]
    assert missing == [], "add a forbidden contract for these in pyproject.toml"


def test_every_feature_is_found():
    assert features() == [
        "accounts",
        "activities",
        "admin",
        "api",
        "assessment",
        "events",
        "exchange",
        "groups",
        "initiatives",
        "insights",
        "notifications",
        "orgs",
        "pledges",
        "report",
        "scorecard",
        "voices",
    ]

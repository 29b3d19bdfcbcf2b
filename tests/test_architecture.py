"""The layout STYLE.md asks for: no feature reaches into another feature's views or forms."""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
SHARED = {"core", "jobs", "mail"}  # packages every feature may use


def imported_modules(source: str, relative_path: str) -> list[str]:
    """Absolute dotted names of what the module at portal/`relative_path` imports."""
    package = ["portal", *Path(relative_path).parent.parts]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def foreign_views_or_forms(names: list[str], feature: str | None) -> list[str]:
    """The names that are another feature's views or forms module."""
    return [
        name
        for name in names
        if (bits := name.split("."))[0] == "portal"
        and len(bits) >= 3
        and bits[2] in ("views", "forms")
        and bits[1] not in {feature, *SHARED}
    ]


def test_no_feature_imports_another_features_views_or_forms():
    offences = []
    for path in sorted(PORTAL.rglob("*.py")):
        relative = path.relative_to(PORTAL)
        feature = relative.parts[0] if len(relative.parts) > 1 else None
        names = imported_modules(path.read_text(encoding="utf-8"), str(relative))
        offences += [
            f"{relative} imports {name}" for name in foreign_views_or_forms(names, feature)
        ]
    assert offences == []


def test_the_check_resolves_relative_imports_and_allows_shared_packages():
    names = imported_modules(
        "from ..accounts.forms import InviteForm\nfrom ..core.forms import strip_text\n"
        "from .forms import OrganisationForm\n",
        "orgs/views.py",
    )
    assert foreign_views_or_forms(names, "orgs") == [
        "portal.accounts.forms",
        "portal.accounts.forms.InviteForm",
    ]

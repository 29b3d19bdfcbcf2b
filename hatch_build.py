"""Build hook: the wheel carries templates/, static/ and migrations/ inside the portal package.

The repository keeps them at the top level; `portal.resource_dir` finds them in either place.
Editable installs are left alone, so a checkout keeps serving its own files as they change.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

RESOURCE_DIRS = ("templates", "static", "migrations")


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        for name in RESOURCE_DIRS:
            build_data["force_include"][f"{self.root}/{name}"] = f"portal/{name}"

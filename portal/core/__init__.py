"""What two or more features share: reference data (Ambitions, goals, wards), the audit log,
pagination, forms, security headers and error pages. Imports no feature."""

from __future__ import annotations

from datetime import timedelta

from .features import Feature, PeriodicJob, ReferenceLoader


def _load_reference() -> str:
    from .reference import seed_reference_data

    seed_reference_data()
    return "Reference data is loaded: 4 Ambitions, 12 goals, 33 wards."


def feature() -> Feature:
    from . import cli, csv_import, models, views

    return Feature(
        name="core",
        blueprints=(views.bp,),
        models=(models,),
        cli=(cli.load_reference_command, cli.seed_reference_command),
        reference_loaders=(ReferenceLoader("ambitions-goals-wards", _load_reference),),
        periodic_jobs=(
            PeriodicJob(
                "resume-stalled-csv-imports",
                csv_import.resume_stalled_imports,
                timedelta(seconds=30),
                "Re-enqueue CSV imports (every feature's) whose job was lost or stopped part way "
                "(runs in the scheduler itself, so it also catches up after Redis restarted).",
                in_scheduler=True,
            ),
        ),
    )

"""Events partners meet at: sign-up with a waiting list, iCalendar files and feeds, a
reminder the day before, and attendance counted as people reached."""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob


def feature() -> Feature:
    from . import demo, jobs, models, views

    return Feature(
        name="events",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "event-reminders",
                jobs.send_event_reminders,
                timedelta(hours=1),
                "Email everyone with a place at an event that starts within a day (once per "
                "start time).",
            ),
        ),
        demo_seeder=demo.seed_demo,
        panels=Panels(home=("events/_home_link.html",), org_home=("events/_org_home_panel.html",)),
    )

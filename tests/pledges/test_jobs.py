"""The overdue progress-report reminder: who is emailed, and that it is sent once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.core.models import utcnow
from portal.extensions import db
from portal.jobs.schedule import periodic_job_definitions
from portal.mail.models import OutboundEmail
from portal.orgs.models import STATUS_SUSPENDED
from portal.pledges.jobs import send_overdue_update_reminders
from portal.pledges.models import Pledge
from tests.factories import OrganisationFactory, admin_of, member_of
from tests.pledges.factories import make_pledge, report


def running_pledge(organisation=None, *, days_in: int = 120, **kwargs) -> Pledge:
    today = utcnow().date()
    return make_pledge(
        organisation,
        start=today - timedelta(days=days_in),
        end=today + timedelta(days=365),
        **kwargs,
    )


def email_count() -> int:
    return db.session.scalar(select(func.count(OutboundEmail.id)))


def test_the_job_is_on_the_schedule():
    paths = [job.func_path for job in periodic_job_definitions()]
    assert "portal.pledges.jobs.send_overdue_update_reminders" in paths
    assert callable(next(j for j in periodic_job_definitions() if "pledges" in j.func_path).func)


def test_organisation_admins_are_reminded_once(outbox):
    organisation = OrganisationFactory(name="Aire Valley Test Trust")
    admin = admin_of(organisation, email="pledge-admin@example.org")
    member_of(organisation, email="plain-member@example.org")
    running_pledge(organisation, title="Warm spaces pledge")
    running_pledge(organisation, title="Second pledge")

    assert send_overdue_update_reminders() == 1
    messages = outbox.to(admin.email)
    assert len(messages) == 1
    body = outbox.body(messages[0])
    assert "Warm spaces pledge" in body and "Second pledge" in body
    assert f"/orgs/{organisation.id}/pledges" in body
    assert outbox.to("plain-member@example.org") == []

    # Running again the same day (or a retry) sends nothing new.
    assert send_overdue_update_reminders() == 0
    assert email_count() == 1
    db.session.expire_all()
    assert all(p.last_reminded_at is not None for p in db.session.scalars(select(Pledge)))


def test_a_group_without_an_admin_reminds_every_member(outbox):
    organisation = OrganisationFactory()
    member_of(organisation, email="only-member@example.org")
    running_pledge(organisation)
    assert send_overdue_update_reminders() == 1
    assert len(outbox.to("only-member@example.org")) == 1


def test_reminded_again_after_28_days_while_still_overdue():
    organisation = OrganisationFactory()
    admin_of(organisation)
    pledge = running_pledge(organisation)
    pledge.last_reminded_at = utcnow() - timedelta(days=27)
    db.session.commit()
    assert send_overdue_update_reminders() == 0
    pledge.last_reminded_at = utcnow() - timedelta(days=28)
    db.session.commit()
    assert send_overdue_update_reminders() == 1


def test_no_reminder_when_a_report_is_up_to_date_or_not_yet_due():
    organisation = OrganisationFactory()
    admin_of(organisation)
    fresh = running_pledge(organisation, title="Reported last week")
    report(fresh, 10, period_end=utcnow().date() - timedelta(days=7))
    running_pledge(organisation, days_in=30, title="Started last month")
    assert send_overdue_update_reminders() == 0


def test_finished_private_and_unapproved_cases():
    # Achieved pledges need no report; suspended organisations are not chased.
    organisation = OrganisationFactory()
    admin_of(organisation)
    done = running_pledge(organisation, target=10)
    report(done, 10, period_end=utcnow().date() - timedelta(days=100))
    suspended = OrganisationFactory(status=STATUS_SUSPENDED)
    admin_of(suspended)
    running_pledge(suspended)
    assert send_overdue_update_reminders() == 0
    # Private pledges are still the organisation's commitment: they are reminded too.
    running_pledge(organisation, public=False)
    assert send_overdue_update_reminders() == 1


def test_a_new_report_stops_the_reminders(outbox):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    pledge = running_pledge(organisation, days_in=400)
    send_overdue_update_reminders()
    assert len(outbox.to(admin.email)) == 1
    report(pledge, 5, period_end=utcnow().date())
    # Even 28 days on, nothing is overdue: the next report is due 3 months after this one.
    pledge.last_reminded_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert send_overdue_update_reminders() == 0
    assert len(outbox.to(admin.email)) == 1

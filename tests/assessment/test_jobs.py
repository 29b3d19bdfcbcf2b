"""The daily overdue-action reminder: once per action, only to that organisation, links back."""

from __future__ import annotations

from datetime import timedelta

from portal.assessment.jobs import send_overdue_action_reminders
from portal.assessment.models import Action
from portal.assessment.services import current_year
from portal.core.models import utcnow
from portal.extensions import db
from tests.assessment.factories import make_assessment
from tests.factories import OrganisationFactory, admin_of, member_of

YEAR = current_year()


def _action(assessment, index, *, days_ago=3, status="in_progress", description="Do it"):
    action = Action(
        assessment_id=assessment.id,
        criterion_id=assessment.framework.criteria[index].id,
        description=description,
        owner="Head of HR",
        due_date=utcnow().date() - timedelta(days=days_ago),
        status=status,
    )
    db.session.add(action)
    db.session.commit()
    return action


def test_admins_are_emailed_once_about_newly_overdue_actions(outbox, run_jobs):
    organisation = OrganisationFactory(name="Aire Trust")
    admin = admin_of(organisation, email="admin@aire.example.org")
    member_of(organisation, email="member@aire.example.org")
    assessment = make_assessment(organisation, YEAR)
    _action(assessment, 0, description="Pilot guaranteed interviews")
    _action(assessment, 1, status="done")
    _action(assessment, 2, days_ago=-10)  # not due yet
    other = OrganisationFactory(name="Other Org")
    admin_of(other, email="admin@other.example.org")
    _action(make_assessment(other, YEAR), 3, description="Secret plan of another org")

    assert send_overdue_action_reminders() == 2
    run_jobs()
    messages = outbox.to(admin.email)
    assert len(messages) == 1
    body = outbox.body(messages[0])
    assert "1 action in your anchor action plan is overdue" in messages[0]["Subject"]
    assert "Pilot guaranteed interviews" in body
    assert "Secret plan of another org" not in body
    assert f"/orgs/{organisation.id}/assessment/{YEAR}/actions" in body
    assert outbox.to("member@aire.example.org") == []  # admins own the plan
    assert len(outbox.to("admin@other.example.org")) == 1

    assert send_overdue_action_reminders() == 0  # idempotent
    run_jobs()
    assert len(outbox.to(admin.email)) == 1


def test_moving_the_due_date_earns_a_new_reminder(client, login, outbox, run_jobs):
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    assessment = make_assessment(organisation, YEAR)
    action = _action(assessment, 0)
    send_overdue_action_reminders()
    login(admin)
    new_date = utcnow().date() - timedelta(days=1)
    client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/actions/{action.criterion_id}",
        data={
            "description": "Still doing it",
            "owner": "Head of HR",
            "due_date": [str(new_date.day), str(new_date.month), str(new_date.year)],
            "status": "in_progress",
        },
    )
    db.session.expire_all()
    assert db.session.get(Action, action.id).reminded_at is None
    assert send_overdue_action_reminders() == 1
    run_jobs()
    assert len(outbox.to(admin.email)) == 2

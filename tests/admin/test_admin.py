"""Platform administration: only admins enter; roles, wards and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.models import AuditLog, Ward
from portal.extensions import db
from tests.factories import UserFactory, convenor, member_of, platform_admin

ADMIN_PAGES = [
    "/admin/",
    "/admin/organisations",
    "/admin/network-requests",
    "/admin/users",
    "/admin/wards",
    "/admin/audit-log",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refuse_members_and_convenors(client, login, path):
    login(member_of())
    assert client.get(path).status_code == 403
    client.post("/sign-out")
    login(convenor("HEALTHY"))
    assert client.get(path).status_code == 403
    client.post("/sign-out")
    login(platform_admin())
    assert client.get(path).status_code == 200


def test_admin_grants_convenor_scope_and_the_audit_log_shows_it(client, login):
    admin = platform_admin(name="Ada Admin")
    person = UserFactory(email="conv@example.org")
    from portal.core.models import Ambition

    healthy = db.session.scalar(select(Ambition).where(Ambition.code == "HEALTHY"))
    growing = db.session.scalar(select(Ambition).where(Ambition.code == "GROWING"))
    login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={"convenor_ambitions": [healthy.id, growing.id], "is_active_account": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.code for a in person.convenor_ambitions] == ["HEALTHY", "GROWING"]
    assert person.convenes(healthy.id)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roles_changed"))
    assert entry.user_id == admin.id and "conv@example.org" in entry.summary
    log_page = client.get("/admin/audit-log").get_data(as_text=True)
    assert "user.roles_changed" in log_page and "Ada Admin" in log_page


def test_admin_cannot_remove_their_own_admin_role(client, login):
    admin = platform_admin()
    login(admin)
    response = client.post(f"/admin/users/{admin.id}", data={"is_active_account": "y"})
    assert "cannot remove your own administrator role" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.is_platform_admin


def test_ward_code_correction_is_validated_and_audited(client, login):
    login(platform_admin())
    ward = db.session.scalar(select(Ward).where(Ward.name == "Armley"))
    other = db.session.scalar(select(Ward).where(Ward.name == "Pudsey"))
    bad = client.post(f"/admin/wards/{ward.id}", data={"ons_code": "X123"})
    assert "Enter an ONS ward code like E05011394" in bad.get_data(as_text=True)
    clash = client.post(f"/admin/wards/{ward.id}", data={"ons_code": other.ons_code})
    assert "already has the code" in clash.get_data(as_text=True)
    ok = client.post(f"/admin/wards/{ward.id}", data={"ons_code": "e05099999"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert ward.ons_code == "E05099999" and ward.code_source == "corrected"
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "ward.code_corrected"))
        is not None
    )


def test_reference_data_has_four_ambitions_twelve_goals_and_33_wards():
    from portal.core.models import Ambition, Goal

    ambitions = list(db.session.scalars(select(Ambition).order_by(Ambition.position)))
    assert [a.code for a in ambitions] == ["HEALTHY", "GROWING", "THRIVING", "RESILIENT"]
    assert all(len(a.goals) == 3 for a in ambitions)
    assert len(list(db.session.scalars(select(Goal)))) == 12
    wards = list(db.session.scalars(select(Ward)))
    assert len(wards) == 33
    codes = sorted(w.ons_code for w in wards)
    assert codes[0] == "E05011382" and codes[-1] == "E05011414"

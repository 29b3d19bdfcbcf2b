"""Working groups for tests: a group led by an admin of its first member organisation."""

from __future__ import annotations

from portal.accounts.models import User
from portal.extensions import db
from portal.groups import services
from portal.groups.models import MEMBER, OPEN, GroupMembership, WorkingGroup
from portal.orgs.models import Organisation
from tests.factories import OrganisationFactory, admin_of

PDF = b"%PDF-1.4 minutes of the meeting"


def make_group(
    *,
    visibility: str = OPEN,
    name: str = "Inclusive recruitment",
    purpose: str = "Opening entry-level jobs to people from every ward.",
    members: tuple[Organisation, ...] = (),
) -> tuple[WorkingGroup, User]:
    """The group and its lead (an admin of the first member organisation)."""
    lead = admin_of(OrganisationFactory())
    group = services.create_group(
        name=name,
        purpose=purpose,
        visibility=visibility,
        organisation=lead.memberships[0].organisation,
        creator=lead,
    )
    for organisation in members:
        db.session.add(
            GroupMembership(group_id=group.id, organisation_id=organisation.id, status=MEMBER)
        )
    db.session.commit()
    return group, lead

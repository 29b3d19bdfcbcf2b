"""Demo data: four working groups (one members-only) with members, a pending request,
updates, a shared link and actions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import Membership
from ..assessment.frameworks import latest_framework
from ..core.models import Ambition, utcnow
from ..demo.people import demo_organisations
from ..extensions import db
from .models import (
    DONE,
    IN_PROGRESS,
    MEMBERS_ONLY,
    NOT_STARTED,
    OPEN,
    REQUESTED,
    GroupAction,
    GroupMembership,
    GroupResource,
    GroupUpdate,
    WorkingGroup,
)
from .services import create_group

# (name, purpose, visibility, Ambition codes, update texts, resource (title, url), actions)
PLAN = [
    (
        "Inclusive recruitment",
        "Anchors opening entry-level jobs to people from the wards with the highest "
        "unemployment: shared job fairs, guaranteed interviews and plain-English adverts.",
        OPEN,
        ("GROWING", "THRIVING"),
        (
            "We agreed a shared guaranteed-interview scheme for care leavers.",
            "Draft plain-English job advert guide is ready for comments.",
        ),
        ("Leeds inclusive recruitment charter", "https://www.example.org/inclusive-recruitment"),
        (
            ("Publish the shared advert guide", IN_PROGRESS),
            ("Run the spring jobs fair", NOT_STARTED),
        ),
    ),
    (
        "Social value in purchasing",
        "Procurement teams writing social value into contracts and buying more from Leeds "
        "suppliers, social enterprises and VCSE groups.",
        OPEN,
        ("GROWING",),
        ("Meet-the-buyer day booked; please share your pipeline of tenders.",),
        ("Social value procurement toolkit", "https://www.example.org/social-value-toolkit"),
        (
            ("Agree common social value questions", DONE),
            ("List tenders due next year", IN_PROGRESS),
        ),
    ),
    (
        "Scope 3 emissions",
        "Measuring and cutting the emissions in anchors' supply chains, starting with the "
        "largest shared suppliers.",
        OPEN,
        ("RESILIENT",),
        ("First supplier survey results are in: 40% report their emissions.",),
        ("GHG Protocol scope 3 guidance", "https://ghgprotocol.org/scope-3-calculation-guidance-2"),
        (("Survey the top 20 shared suppliers", IN_PROGRESS),),
    ),
    (
        "Anchor directors' forum",
        "A members-only space for directors to discuss early plans before they are public.",
        MEMBERS_ONLY,
        ("HEALTHY", "GROWING"),
        ("Confidential: budget planning for next year's shared programme.",),
        None,
        (("Draft the joint investment proposal", NOT_STARTED),),
    ),
]


def seed_demo() -> None:
    if db.session.scalar(select(WorkingGroup.id).limit(1)) is not None:
        return
    organisations = demo_organisations()
    if len(organisations) < 3:
        return
    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    framework = latest_framework("anchor")
    dimensions = list(framework.dimensions[:2]) if framework else []
    now = utcnow()
    for index, (name, purpose, visibility, codes, updates, resource, actions) in enumerate(PLAN):
        first = organisations[index % len(organisations)]
        admin = db.session.scalar(
            select(Membership).where(Membership.organisation_id == first.id).limit(1)
        )
        if admin is None:
            continue
        group = create_group(
            name=name,
            purpose=purpose,
            visibility=visibility,
            organisation=first,
            creator=admin.user,
            ambitions=[ambitions[c] for c in codes if c in ambitions],
            dimensions=dimensions,
        )
        second = organisations[(index + 1) % len(organisations)]
        db.session.add(
            GroupMembership(
                group_id=group.id, organisation_id=second.id, status="member", decided_at=now
            )
        )
        if index == 0:  # a request for the lead to answer
            db.session.add(
                GroupMembership(
                    group_id=group.id,
                    organisation_id=organisations[(index + 2) % len(organisations)].id,
                    status=REQUESTED,
                )
            )
        for days, text in enumerate(updates):
            # Seeded without emailing: demo members are not told about made-up news.
            db.session.add(
                GroupUpdate(
                    group_id=group.id,
                    author_id=admin.user_id,
                    body=text,
                    posted_at=now - timedelta(days=7 * (len(updates) - days)),
                )
            )
        if resource:
            db.session.add(
                GroupResource(
                    group_id=group.id, title=resource[0], url=resource[1], added_by_id=admin.user_id
                )
            )
        for weeks, (title, status) in enumerate(actions, start=2):
            db.session.add(
                GroupAction(
                    group_id=group.id,
                    title=title,
                    owner_organisation_id=(first if weeks % 2 == 0 else second).id,
                    due_on=(now + timedelta(weeks=weeks)).date(),
                    status=status,
                )
            )
        db.session.flush()
    db.session.commit()

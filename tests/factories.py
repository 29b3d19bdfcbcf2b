"""factory_boy factories for the foundation models. Features add their own beside their tests."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from portal.accounts.models import ROLE_ADMIN, ROLE_MEMBER, Membership, User
from portal.accounts.passwords import hash_password
from portal.extensions import db
from portal.orgs.models import KIND_PUBLIC_ANCHOR, KIND_VCSE, STATUS_APPROVED, Organisation

PASSWORD = "correct-horse-battery-staple-42"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    is_verified = True


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = KIND_PUBLIC_ANCHOR
    status = STATUS_APPROVED
    description = "A test organisation."
    size_band = "large"
    citywide = True


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ROLE_MEMBER


def member_of(
    organisation: Organisation | None = None, *, role: str = ROLE_MEMBER, **user_fields
) -> User:
    """A user who belongs to `organisation` (a new approved anchor if none is given)."""
    organisation = organisation or OrganisationFactory()
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def admin_of(organisation: Organisation | None = None, **user_fields) -> User:
    return member_of(organisation, role=ROLE_ADMIN, **user_fields)


def vcse(**fields) -> Organisation:
    return OrganisationFactory(kind=KIND_VCSE, size_band="micro", **fields)


def platform_admin(**user_fields) -> User:
    return UserFactory(is_platform_admin=True, **user_fields)


def convenor(*ambition_codes: str, **user_fields) -> User:
    from sqlalchemy import select

    from portal.accounts.models import ConvenorAssignment
    from portal.core.models import Ambition

    user = UserFactory(**user_fields)
    for code in ambition_codes:
        ambition = db.session.scalar(select(Ambition).where(Ambition.code == code))
        db.session.add(ConvenorAssignment(user_id=user.id, ambition_id=ambition.id))
    db.session.commit()
    db.session.expire(user)
    return user

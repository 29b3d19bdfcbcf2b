"""Helpers that build assessments directly, for tests about results, benchmarks and plans."""

from __future__ import annotations

from portal.assessment.frameworks import latest_framework
from portal.assessment.models import STATUS_DRAFT, STATUS_SUBMITTED, Answer, Assessment
from portal.assessment.services import variant_for
from portal.core.models import utcnow
from portal.extensions import db
from portal.orgs.models import REQUEST_ACCEPTED, Network, NetworkMembership, Organisation
from tests.factories import OrganisationFactory


def join_network(organisation: Organisation, code: str) -> None:
    network = db.session.query(Network).filter_by(code=code).one()
    db.session.add(
        NetworkMembership(organisation=organisation, network=network, status=REQUEST_ACCEPTED)
    )
    db.session.commit()
    db.session.expire(organisation)


def make_assessment(
    organisation: Organisation,
    year: int,
    *,
    level: int | dict[str, int] | None = 2,
    target: int | None = None,
    submitted: bool = True,
    evidence: str = "",
) -> Assessment:
    """An assessment with every criterion at `level` (or a level per dimension code)."""
    framework = latest_framework(variant_for(organisation))
    assessment = Assessment(
        organisation_id=organisation.id,
        framework_id=framework.id,
        year=year,
        status=STATUS_SUBMITTED if submitted else STATUS_DRAFT,
        submitted_at=utcnow() if submitted else None,
    )
    db.session.add(assessment)
    db.session.flush()
    for dimension in framework.dimensions:
        for criterion in dimension.criteria:
            value = level.get(dimension.code) if isinstance(level, dict) else level
            db.session.add(
                Answer(
                    assessment_id=assessment.id,
                    criterion_id=criterion.id,
                    level=value,
                    target_level=target,
                    evidence=evidence,
                    links="",
                )
            )
    db.session.commit()
    db.session.expire(assessment)
    return assessment


def network_peers(
    count: int, year: int, level: int = 2, code: str = "anchor"
) -> list[Organisation]:
    """`count` anchors in the network, each with a submitted assessment at `level`."""
    peers = []
    for _ in range(count):
        organisation = OrganisationFactory()
        join_network(organisation, code)
        make_assessment(organisation, year, level=level)
        peers.append(organisation)
    return peers

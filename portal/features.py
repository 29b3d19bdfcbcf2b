"""Every feature of the portal, in order: the one list `create_app` walks.

Order matters: blueprints register, panels appear on shared pages, reference data loads and
(with each feature's `demo_after`) demo data is seeded in this order. Adding a feature is a new
package whose `__init__.py` defines `feature()`, and one line here.
"""

from __future__ import annotations

from . import (
    accounts,
    activities,
    admin,
    api,
    assessment,
    core,
    demo,
    events,
    exchange,
    initiatives,
    insights,
    jobs,
    mail,
    orgs,
    pledges,
    report,
    scorecard,
)
from .core.features import Feature

FEATURE_PACKAGES = (
    core,
    jobs,
    mail,
    accounts,
    orgs,
    admin,
    assessment,
    pledges,
    exchange,
    scorecard,
    activities,
    initiatives,
    demo,
    insights,
    api,
    report,
    events,
)


def installed_features() -> list[Feature]:
    """Each package's declaration, in the order above."""
    return [package.feature() for package in FEATURE_PACKAGES]

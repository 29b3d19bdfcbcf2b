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
    groups,
    initiatives,
    insights,
    jobs,
    mail,
    notifications,
    orgs,
    pledges,
    report,
    scorecard,
    voices,
)
from .core.features import Feature

FEATURE_PACKAGES = (
    core,
    jobs,
    mail,
    accounts,
    notifications,
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
    groups,
    voices,
)


def installed_features() -> list[Feature]:
    """Each package's declaration, in the order above."""
    return [package.feature() for package in FEATURE_PACKAGES]

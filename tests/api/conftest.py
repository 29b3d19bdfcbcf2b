from __future__ import annotations

import pytest

from portal.extensions import db
from portal.pledges.catalogue import load_catalogue


@pytest.fixture(autouse=True)
def catalogue() -> None:
    """Pledges need the measure catalogue (each test starts with reference data only)."""
    load_catalogue()
    db.session.commit()

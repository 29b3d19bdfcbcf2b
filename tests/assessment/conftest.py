"""Every assessment test starts with the framework files loaded, as `flask demo-data` does."""

from __future__ import annotations

import pytest

from portal.assessment.frameworks import load_frameworks
from portal.extensions import db


@pytest.fixture(autouse=True)
def frameworks():
    load_frameworks()
    db.session.commit()

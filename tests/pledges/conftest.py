import pytest

from portal.extensions import db
from portal.pledges.catalogue import load_catalogue


@pytest.fixture(autouse=True)
def catalogue() -> None:
    """Every pledges test starts with the shipped principles and measure catalogue loaded."""
    load_catalogue()
    db.session.commit()

"""Imports every feature's models so SQLAlchemy's metadata (and Alembic) sees all tables."""

from .accounts import models as accounts_models  # noqa: F401
from .activities import models as activities_models  # noqa: F401
from .assessment import models as assessment_models  # noqa: F401
from .core import models as core_models  # noqa: F401
from .exchange import models as exchange_models  # noqa: F401
from .mail import models as mail_models  # noqa: F401
from .orgs import models as orgs_models  # noqa: F401
from .pledges import models as pledges_models  # noqa: F401
from .scorecard import models as scorecard_models  # noqa: F401

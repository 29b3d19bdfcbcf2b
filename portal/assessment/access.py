"""Who may download an evidence file: the policy the assessment views declare."""

from __future__ import annotations

from ..extensions import db
from ..orgs.access import require_org_member
from .models import EvidenceFile


def member_evidence_file(file_id: int) -> EvidenceFile:
    """An evidence file, for members of the organisation whose assessment it supports."""
    stored = db.get_or_404(EvidenceFile, file_id)
    require_org_member(stored.assessment.organisation_id)
    return stored

"""Framework files: validated loudly, loaded once, versioned so past cycles keep their wording."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from portal.assessment.frameworks import (
    FRAMEWORK_DIR,
    FrameworkFileError,
    latest_framework,
    load_frameworks,
    parse_framework,
    read_framework_files,
)
from portal.assessment.models import Criterion, Framework
from portal.extensions import db
from tests.assessment.factories import make_assessment
from tests.factories import OrganisationFactory


def _anchor_document() -> dict:
    return yaml.safe_load((FRAMEWORK_DIR / "anchor_v1.yaml").read_text())


def _parse(document: dict, name: str = "broken.yaml"):
    return parse_framework(yaml.safe_dump(document), name)


def test_shipped_files_follow_the_framework_shape():
    specs = {s.variant: s for s in read_framework_files()}
    assert [d.title for d in specs["anchor"].dimensions] == [
        "Employment",
        "Procurement",
        "Environment and assets",
        "Service delivery",
        "Corporate and community behaviours",
    ]
    assert len(specs["business"].dimensions) == 4
    assert "Service delivery" not in [d.title for d in specs["business"].dimensions]
    community_criteria = sum(len(d.criteria) for d in specs["community"].dimensions)
    assert community_criteria < sum(len(d.criteria) for d in specs["anchor"].dimensions)
    for spec in specs.values():
        for dimension in spec.dimensions:
            assert 3 <= len(dimension.criteria) <= 6
            for criterion in dimension.criteria:
                assert sorted(criterion.levels) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("variant"), "broken.yaml.variant"),
        (lambda d: d.update(version="two"), "broken.yaml.version"),
        (lambda d: d.update(title=""), "broken.yaml.title"),
        (lambda d: d["dimensions"][1].pop("title"), "broken.yaml.dimensions[1].title"),
        (
            lambda d: d["dimensions"][0]["criteria"][2]["levels"].pop(4),
            "broken.yaml.dimensions[0].criteria[2].levels",
        ),
        (
            lambda d: d["dimensions"][0]["criteria"][0]["levels"].update({3: ""}),
            "broken.yaml.dimensions[0].criteria[0].levels.3",
        ),
        (
            lambda d: d["dimensions"][2].update(criteria=d["dimensions"][2]["criteria"][:2]),
            "broken.yaml.dimensions[2].criteria",
        ),
        (
            lambda d: d["dimensions"][3]["criteria"][1].update(guide="no-such-guide"),
            "broken.yaml.dimensions[3].criteria[1].guide",
        ),
        (
            lambda d: d["dimensions"][1]["criteria"][0].update(code="EMP-1"),
            "broken.yaml.dimensions[1].criteria[0].code",
        ),
        (
            lambda d: d["dimensions"][0]["criteria"][0].update(code="bad code!"),
            "broken.yaml.dimensions[0].criteria[0].code",
        ),
    ],
)
def test_a_malformed_file_names_the_file_and_the_field(change, message):
    document = _anchor_document()
    change(document)
    with pytest.raises(FrameworkFileError) as raised:
        _parse(document)
    assert message in str(raised.value)


def test_invalid_yaml_and_wrong_top_level_fail_with_the_file_name():
    with pytest.raises(FrameworkFileError, match=r"bad\.yaml: not valid YAML"):
        parse_framework("variant: [unclosed", "bad.yaml")
    with pytest.raises(FrameworkFileError, match=r"list\.yaml: the top level must be a mapping"):
        parse_framework("- one\n- two\n", "list.yaml")


def test_a_broken_file_loads_nothing(tmp_path):
    shutil.copy(FRAMEWORK_DIR / "business_v1.yaml", tmp_path / "business_v1.yaml")
    document = _anchor_document()
    document["version"] = 2
    del document["dimensions"][0]["criteria"][0]["title"]
    (tmp_path / "anchor_v2.yaml").write_text(yaml.safe_dump(document))
    before = db.session.scalar(select(func.count(Framework.id)))
    with pytest.raises(FrameworkFileError, match=r"anchor_v2.yaml.dimensions\[0\].criteria\[0\]"):
        load_frameworks(tmp_path)
    assert db.session.scalar(select(func.count(Framework.id))) == before


def test_two_files_with_the_same_version_are_refused(tmp_path):
    shutil.copy(FRAMEWORK_DIR / "anchor_v1.yaml", tmp_path / "a.yaml")
    shutil.copy(FRAMEWORK_DIR / "anchor_v1.yaml", tmp_path / "b.yaml")
    with pytest.raises(FrameworkFileError, match=r"b\.yaml\.version: anchor version 1"):
        read_framework_files(tmp_path)


def test_loading_again_adds_nothing():
    before = db.session.scalar(select(func.count(Criterion.id)))
    assert load_frameworks() == []
    assert db.session.scalar(select(func.count(Criterion.id))) == before
    assert db.session.scalar(select(func.count(Framework.id))) == 3


def test_a_new_version_leaves_past_assessments_on_their_version(tmp_path):
    organisation = OrganisationFactory()
    past = make_assessment(organisation, 2025, level=2)
    old_framework_id = past.framework_id
    document = _anchor_document()
    document["version"] = 2
    document["dimensions"][0]["criteria"][0]["title"] = "Recruitment that reaches everyone"
    (tmp_path / "anchor_v2.yaml").write_text(yaml.safe_dump(document))
    added = load_frameworks(tmp_path)
    db.session.commit()
    assert [(f.variant, f.version) for f in added] == [("anchor", 2)]
    assert latest_framework("anchor").version == 2
    db.session.expire_all()
    past = db.session.get(type(past), past.id)
    assert past.framework_id == old_framework_id
    assert past.framework.criteria[0].title == "Inclusive recruitment"


def test_cli_loads_frameworks_and_reports_when_up_to_date(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["assessment", "load-frameworks"])
    assert result.exit_code == 0
    assert "already loaded" in result.output


def test_cli_fails_loudly_on_a_malformed_file(app, tmp_path, monkeypatch):
    (tmp_path / "anchor_v9.yaml").write_text("variant: anchor\nversion: 9\n")
    monkeypatch.setattr("portal.assessment.frameworks.FRAMEWORK_DIR", Path(tmp_path))
    monkeypatch.setattr(
        "portal.assessment.views.load_frameworks",
        lambda: load_frameworks(Path(tmp_path)),
    )
    result = app.test_cli_runner().invoke(args=["assessment", "load-frameworks"])
    assert result.exit_code != 0
    assert "anchor_v9.yaml.title" in result.output

"""The assessment cycle through the pages: start, answer, autosave, conflicts, submit, next year."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.assessment.models import Answer, Assessment
from portal.assessment.services import current_year, find_assessment
from portal.extensions import db
from portal.orgs.models import KIND_BUSINESS_ANCHOR, KIND_COMMUNITY_ANCHOR
from tests.assessment.factories import join_network, make_assessment
from tests.factories import OrganisationFactory, member_of, platform_admin, vcse

YEAR = current_year()


def _start(client, organisation) -> Assessment:
    response = client.post(f"/orgs/{organisation.id}/assessment/start")
    assert response.status_code == 302
    db.session.expire_all()
    return find_assessment(organisation.id, YEAR)


def _dimension_data(assessment: Assessment, code: str, level: int = 2, target: int = 3, **extra):
    dimension = assessment.framework.dimension(code)
    data = {"version": str(assessment.version), "save_continue": "Save and continue"}
    for criterion in dimension.criteria:
        data[f"level_{criterion.id}"] = str(level)
        data[f"target_{criterion.id}"] = str(target)
        data[f"evidence_{criterion.id}"] = f"Evidence for {criterion.code}"
        data[f"links_{criterion.id}"] = "https://www.example.org/report"
    data.update(extra)
    return data


def _answer_everything(client, organisation, assessment: Assessment) -> None:
    for dimension in assessment.framework.dimensions:
        db.session.expire_all()
        assessment = db.session.get(Assessment, assessment.id)
        response = client.post(
            f"/orgs/{organisation.id}/assessment/{YEAR}/{dimension.code}",
            data=_dimension_data(assessment, dimension.code),
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_organisation_home_invites_a_member_to_start(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    page = client.get(f"/orgs/{organisation.id}").get_data(as_text=True)
    assert "Anchor self-assessment" in page
    assert "Start your self-assessment" in page


def test_start_creates_one_draft_for_this_year_on_the_networks_variant(client, login):
    user = member_of(OrganisationFactory(kind=KIND_BUSINESS_ANCHOR))
    organisation = user.memberships[0].organisation
    join_network(organisation, "community")  # the network decides, not the kind
    login(user)
    assessment = _start(client, organisation)
    assert assessment.is_draft
    assert assessment.framework.variant == "community"
    client.post(f"/orgs/{organisation.id}/assessment/start")  # twice: still one
    assert db.session.scalar(select(func.count(Assessment.id))) == 1


def test_without_a_network_the_kind_decides_the_variant(client, login):
    for kind, variant in (
        ("public_anchor", "anchor"),
        (KIND_BUSINESS_ANCHOR, "business"),
        (KIND_COMMUNITY_ANCHOR, "community"),
        ("vcse", "community"),
        ("other", "community"),
    ):
        user = member_of(OrganisationFactory(kind=kind))
        organisation = user.memberships[0].organisation
        login(user)
        assert _start(client, organisation).framework.variant == variant
        client.post("/sign-out")


def test_dimension_page_saves_and_moves_on_then_shows_progress(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    page = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/employment")
    text = page.get_data(as_text=True)
    assert "Inclusive recruitment" in text
    assert "Getting started" in text and "Leading" in text
    assert "0 of 18 in the whole assessment" in text
    response = client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/employment",
        data=_dimension_data(assessment, "employment"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assessment/{YEAR}/procurement")
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment.id)
    assert assessment.version == 2
    assert sorted(a.level for a in assessment.answers) == [2, 2, 2, 2]
    assert assessment.answers[0].link_list == ["https://www.example.org/report"]
    cycle = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}").get_data(as_text=True)
    assert "You have answered 4 of 18 questions" in cycle


def test_save_and_come_back_later_keeps_partial_answers(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    criterion = assessment.framework.dimension("procurement").criteria[0]
    response = client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/procurement",
        data={
            "version": str(assessment.version),
            f"level_{criterion.id}": "3",
            "save_exit": "Save and come back later",
        },
        follow_redirects=True,
    )
    assert "Your answers have been saved" in response.get_data(as_text=True)
    answers = db.session.scalars(select(Answer)).all()
    assert {a.criterion_id: a.level for a in answers if a.level} == {criterion.id: 3}


def test_autosave_returns_the_new_version_as_json(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    data = _dimension_data(assessment, "employment", autosave="1")
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
    assert response.status_code == 200
    assert response.json == {"version": 2}
    data["version"] = "2"
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
    assert response.json == {"version": 3}


def test_autosave_with_bad_input_saves_nothing_and_says_why(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    criterion = assessment.framework.dimension("employment").criteria[0]
    data = _dimension_data(assessment, "employment", autosave="1")
    data[f"level_{criterion.id}"] = "99999999999999999999"
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
    assert response.status_code == 400
    assert response.json["errors"][f"level_{criterion.id}"] == [
        "Choose where you are now on inclusive recruitment, from 1 to 4"
    ]
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_bad_input_shows_field_messages_and_saves_nothing(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    first, second, third, _ = assessment.framework.dimension("employment").criteria
    data = _dimension_data(assessment, "employment")
    data[f"links_{first.id}"] = "not a link\njavascript:alert(1)"
    data[f"evidence_{second.id}"] = "x" * 5001
    data[f"level_{third.id}"] = "3"
    data[f"target_{third.id}"] = "1"
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "Enter each link on its own line, starting with https://" in text
    assert "Evidence must be 5,000 characters or fewer" in text
    assert "cannot be below where you are now" in text
    assert "not a link" in text  # their text is kept
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_missing_or_junk_version_is_a_field_error_not_a_crash(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    for version in ("", "abc", "99999999999999999999"):
        data = _dimension_data(assessment, "employment", version=version)
        response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
        assert response.status_code == 200
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_two_people_editing_never_silently_overwrite_each_other(app, client, login):
    first = member_of()
    organisation = first.memberships[0].organisation
    second = member_of(organisation)
    login(first)
    assessment = _start(client, organisation)
    stale = _dimension_data(assessment, "employment", level=1)  # both load version 1
    other_client = app.test_client()
    other_client.post("/sign-in", data={"email": second.email, "password": "x"}, csrf=False)
    from tests.factories import PASSWORD

    assert (
        other_client.post(
            "/sign-in", data={"email": second.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    theirs = _dimension_data(assessment, "employment", level=3)
    assert (
        other_client.post(
            f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=theirs
        ).status_code
        == 302
    )
    criterion = assessment.framework.dimension("employment").criteria[0]
    stale[f"evidence_{criterion.id}"] = "My careful paragraph about recruitment"
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=stale)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else in your organisation saved this assessment" in text
    assert "My careful paragraph about recruitment" in text
    assert "The latest saved answer (not yours)" in text
    assert "Now: 3. Embedding" in text  # what the other person saved, to compare
    assert re.search(r'<input[^>]*name="version"[^>]*value="2"', text)
    db.session.expire_all()
    assert {a.level for a in db.session.scalars(select(Answer))} == {3}  # theirs survived
    # Autosave reports the conflict too, without saving.
    stale["autosave"] = "1"
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=stale)
    assert response.status_code == 409
    # Saving deliberately from the refreshed page (version 2) then works.
    stale.pop("autosave")
    stale["version"] = "2"
    assert (
        client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=stale).status_code
        == 302
    )


def test_submit_needs_every_answer_then_is_final(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    response = client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/submit",
        data={"version": str(assessment.version)},
    )
    assert "Answer every question before you submit: 18 still to answer" in response.get_data(
        as_text=True
    )
    _answer_everything(client, organisation, assessment)
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment.id)
    response = client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/submit",
        data={"version": str(assessment.version)},
    )
    assert "Self-assessment submitted" in response.get_data(as_text=True)
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment.id)
    assert assessment.is_submitted
    assert assessment.submitted_by_id == user.id
    assert assessment.submitted_at is not None
    # Immutable: no more saving, by form or autosave.
    data = _dimension_data(assessment, "employment", level=4)
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
    assert response.status_code == 302
    data["autosave"] = "1"
    response = client.post(f"/orgs/{organisation.id}/assessment/{YEAR}/employment", data=data)
    assert response.status_code == 409
    db.session.expire_all()
    assert {a.level for a in db.session.scalars(select(Answer))} == {2}
    page = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/employment")
    assert "can no longer be changed" in page.get_data(as_text=True)
    assert "data-autosave" not in page.get_data(as_text=True)


def test_submit_from_a_stale_page_is_refused(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assessment = _start(client, organisation)
    _answer_everything(client, organisation, assessment)
    response = client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/submit", data={"version": "1"}
    )
    assert "Someone else in your organisation saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).is_draft


def test_a_new_cycle_starts_from_the_last_submitted_answers(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    make_assessment(organisation, YEAR - 2, level=1)
    make_assessment(organisation, YEAR - 1, level=3, target=4, evidence="Last year's story")
    login(user)
    assessment = _start(client, organisation)
    assert assessment.copied_from_id is not None
    assert {a.level for a in assessment.answers} == {3}
    assert {a.target_level for a in assessment.answers} == {4}
    assert {a.evidence for a in assessment.answers} == {"Last year's story"}
    assert len(assessment.answers) == 18
    # Copies are independent: changing this year leaves last year alone.
    client.post(
        f"/orgs/{organisation.id}/assessment/{YEAR}/employment",
        data=_dimension_data(assessment, "employment", level=4, target=4),
    )
    db.session.expire_all()
    last_year = find_assessment(organisation.id, YEAR - 1)
    assert {a.level for a in last_year.answers} == {3}


def test_cross_organisation_members_are_refused(client, login):
    outsider = member_of()
    organisation = OrganisationFactory()
    make_assessment(organisation, YEAR, submitted=False)
    login(outsider)
    base = f"/orgs/{organisation.id}/assessment"
    for path in (
        base,
        f"{base}/{YEAR}",
        f"{base}/{YEAR}/employment",
        f"{base}/{YEAR}/submit",
        f"{base}/{YEAR}/results",
        f"{base}/{YEAR}/actions",
        f"{base}/{YEAR}/print",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"{base}/start").status_code == 403
    assert client.post(f"{base}/{YEAR}/employment", data={"version": "1"}).status_code == 403
    assert db.session.scalar(select(func.count(Assessment.id))) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    organisation = OrganisationFactory()
    response = client.get(f"/orgs/{organisation.id}/assessment")
    assert response.status_code in (302, 401)


def test_platform_admin_can_see_a_draft(client, login):
    organisation = OrganisationFactory()
    make_assessment(organisation, YEAR, submitted=False)
    login(platform_admin())
    assert client.get(f"/orgs/{organisation.id}/assessment/{YEAR}").status_code == 200


def test_unknown_years_dimensions_and_huge_ids_are_404(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    _start(client, organisation)
    base = f"/orgs/{organisation.id}/assessment"
    assert client.get(f"{base}/1999").status_code == 404
    assert client.get(f"{base}/{YEAR}/no-such-dimension").status_code == 404
    assert client.get(f"{base}/99999999999999").status_code == 404
    assert client.get(f"{base}/{YEAR}/evidence/999999").status_code == 404
    assert client.get(f"{base}/{YEAR}/actions/999999").status_code == 404


def test_overview_lists_cycles_with_a_flat_number_of_queries(client, login, count_queries):
    user = member_of(vcse())
    organisation = user.memberships[0].organisation
    login(user)
    make_assessment(organisation, 2020)
    db.session.expire_all()
    with count_queries() as few:
        client.get(f"/orgs/{organisation.id}/assessment")
    for year in range(2015, 2020):
        make_assessment(organisation, year)
    db.session.expire_all()
    with count_queries() as many:
        page = client.get(f"/orgs/{organisation.id}/assessment").get_data(as_text=True)
    assert "2015" in page
    assert many.count <= few.count + 1, "\n".join(many.statements)


def test_evidence_text_is_escaped_everywhere_it_shows(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    make_assessment(organisation, YEAR, evidence="<script>alert('x')</script>")
    login(user)
    for path in (f"{YEAR}/employment", f"{YEAR}/print"):
        text = client.get(f"/orgs/{organisation.id}/assessment/{path}").get_data(as_text=True)
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert" in text

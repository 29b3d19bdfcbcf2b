"""Results, network benchmark (never below 5), action plan, overdue actions, export and print."""

from __future__ import annotations

import io
from datetime import date, timedelta

import yaml
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.assessment.frameworks import FRAMEWORK_DIR, load_frameworks
from portal.assessment.models import Action
from portal.assessment.services import current_year, results_for
from portal.core.models import utcnow
from portal.extensions import db
from tests.assessment.factories import join_network, make_assessment, network_peers
from tests.factories import OrganisationFactory, member_of

YEAR = current_year()
PROFILE = {
    "employment": 3,
    "procurement": 2,
    "environment": 1,
    "service_delivery": 2,
    "corporate": 4,
}


def _member_with_results(login, *, network: bool = True, target: int | None = 4):
    user = member_of()
    organisation = user.memberships[0].organisation
    if network:
        join_network(organisation, "anchor")
    make_assessment(organisation, YEAR - 1, level=2, target=target)
    assessment = make_assessment(organisation, YEAR, level=PROFILE, target=target)
    login(user)
    return organisation, assessment


def test_results_show_scores_change_and_a_chart_with_a_table(client, login):
    organisation, _ = _member_with_results(login)
    page = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in text and 'role="img"' in text
    assert "Scores by dimension" in text  # the table alternative
    assert "2.4" in text  # overall: (3 + 2 + 1 + 2 + 4) / 5
    assert "up 1.0" in text  # employment 2 -> 3
    assert "down 1.0" in text  # environment 2 -> 1
    assert "no change" in text
    assert "style=" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_benchmark_is_hidden_below_five_submitted_organisations(client, login):
    organisation, assessment = _member_with_results(login)
    network_peers(3, YEAR, level=1)  # 4 with ours
    make_assessment(
        _draft_peer := OrganisationFactory(), YEAR, submitted=False, level=4
    )  # drafts never count
    join_network(_draft_peer, "anchor")
    results = results_for(assessment)
    assert results.benchmark_count == 4
    assert not results.benchmark_shown
    assert all(row.benchmark is None for row in results.rows)
    text = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/results").get_data(as_text=True)
    assert "appears once at least 5 organisations have submitted" in text
    assert "Network median" not in text


def test_benchmark_appears_at_five_and_shows_only_combined_figures(client, login):
    organisation, assessment = _member_with_results(login)
    peers = network_peers(4, YEAR, level=1)
    for peer in peers:
        peer.name = f"Secret peer {peer.id}"
    db.session.commit()
    # A peer in another network or another year never counts.
    outsider = OrganisationFactory()
    join_network(outsider, "business")
    make_assessment(outsider, YEAR, level=4)
    network_peers(1, YEAR - 1, level=4)
    results = results_for(assessment)
    assert results.benchmark_count == 5
    employment = next(r for r in results.rows if r.dimension.code == "employment")
    # Employment scores: 3, 1, 1, 1, 1 -> median 1, quartiles 1 and 1.
    assert (employment.benchmark.median, employment.benchmark.lower_quartile) == (1.0, 1.0)
    corporate = next(r for r in results.rows if r.dimension.code == "corporate")
    assert corporate.benchmark.upper_quartile == 1.0
    text = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/results").get_data(as_text=True)
    assert "Network median" in text
    assert "Compared with 5 organisations" in text
    assert "Secret peer" not in text


def test_no_network_means_no_benchmark_message(client, login):
    organisation, _ = _member_with_results(login, network=False)
    text = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/results").get_data(as_text=True)
    assert "not in a network using this framework" in text


def test_results_say_when_two_cycles_used_different_versions(client, login, tmp_path):
    user = member_of()
    organisation = user.memberships[0].organisation
    make_assessment(organisation, YEAR - 1, level=2)
    document = yaml.safe_load((FRAMEWORK_DIR / "anchor_v1.yaml").read_text())
    document["version"] = 2
    (tmp_path / "anchor_v2.yaml").write_text(yaml.safe_dump(document))
    load_frameworks(tmp_path)
    db.session.commit()
    assessment = make_assessment(organisation, YEAR, level=3)
    assert assessment.framework.version == 2
    login(user)
    text = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/results").get_data(as_text=True)
    assert "used version 1 of the framework and this one uses version 2" in text
    assert "up 1.0" in text  # dimensions still compare by code


def test_action_plan_lists_gaps_with_the_next_level_and_guide(client, login):
    organisation, assessment = _member_with_results(login, target=3)
    text = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/actions").get_data(as_text=True)
    environment = assessment.framework.dimension("environment").criteria[0]
    corporate = assessment.framework.dimension("corporate").criteria[0]
    assert environment.title in text
    assert environment.level_2 in text  # the next level from 1
    assert "/guides/scope-3-emissions" in text
    assert corporate.title not in text  # at 4, above its target


def test_saving_an_action_then_it_shows_on_the_plan(client, login):
    organisation, assessment = _member_with_results(login)
    criterion = assessment.framework.dimension("environment").criteria[0]
    url = f"/orgs/{organisation.id}/assessment/{YEAR}/actions/{criterion.id}"
    page = client.get(url).get_data(as_text=True)
    assert criterion.level_2 in page
    response = client.post(
        url,
        data={
            "description": "Estimate scope 3 from the purchase ledger",
            "owner": "Sustainability manager",
            "due_date": ["31", "3", str(YEAR + 1)],
            "status": "in_progress",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "has been saved" in text
    assert "Estimate scope 3 from the purchase ledger" in text
    action = db.session.scalar(select(Action))
    assert (action.owner, action.due_date, action.status) == (
        "Sustainability manager",
        date(YEAR + 1, 3, 31),
        "in_progress",
    )
    # Editing keeps one action per criterion.
    client.post(
        url,
        data={"description": "Done it", "owner": "Me", "due_date": ["", "", ""], "status": "done"},
    )
    assert db.session.scalar(select(func.count(Action.id))) == 1


def test_bad_action_input_gives_field_messages_and_saves_nothing(client, login):
    organisation, assessment = _member_with_results(login)
    criterion = assessment.framework.dimension("environment").criteria[0]
    url = f"/orgs/{organisation.id}/assessment/{YEAR}/actions/{criterion.id}"
    for data, message in (
        ({"description": "", "owner": "x", "status": "done"}, "Enter what you will do"),
        ({"description": "x", "owner": "", "status": "done"}, "Enter who owns this action"),
        (
            {"description": "x", "owner": "y", "status": "done", "due_date": ["31", "2", "2027"]},
            "The due date must be a real date",
        ),
        (
            {"description": "x", "owner": "y", "status": "done", "due_date": ["1", "1", "99999"]},
            "The due date must be a real date",
        ),
        (
            {"description": "x", "owner": "y", "status": "done", "due_date": "5"},
            "The due date must be a real",
        ),
        ({"description": "x", "owner": "y", "status": "hacked"}, "Choose from the options given"),
        ({"description": "x" * 2001, "owner": "y", "status": "done"}, "2,000 characters"),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_overdue_actions_show_on_the_organisation_home_page(client, login):
    organisation, assessment = _member_with_results(login)
    criteria = assessment.framework.criteria
    today = utcnow().date()
    for criterion, due, status in (
        (criteria[0], today - timedelta(days=3), "in_progress"),
        (criteria[1], today - timedelta(days=3), "done"),
        (criteria[2], today + timedelta(days=30), "not_started"),
    ):
        db.session.add(
            Action(
                assessment_id=assessment.id,
                criterion_id=criterion.id,
                description="Do it",
                owner="Head of HR",
                due_date=due,
                status=status,
            )
        )
    db.session.commit()
    text = client.get(f"/orgs/{organisation.id}").get_data(as_text=True)
    assert "1 action is overdue" in text
    assert criteria[0].title in text
    assert criteria[2].title not in text
    plan = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/actions").get_data(as_text=True)
    assert "Overdue" in plan


def test_action_plan_page_queries_stay_flat(client, login, count_queries):
    organisation, assessment = _member_with_results(login)
    criteria = assessment.framework.criteria
    db.session.add(Action(assessment_id=assessment.id, criterion_id=criteria[0].id, status="done"))
    db.session.commit()
    url = f"/orgs/{organisation.id}/assessment/{YEAR}/actions"
    db.session.expire_all()
    with count_queries() as few:
        client.get(url)
    for criterion in criteria[1:10]:
        db.session.add(
            Action(assessment_id=assessment.id, criterion_id=criterion.id, status="done")
        )
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        client.get(url)
    assert many.count <= few.count


def test_export_is_a_workbook_with_summary_answers_and_plan(client, login):
    organisation, assessment = _member_with_results(login)
    criterion = assessment.framework.dimension("environment").criteria[0]
    db.session.add(
        Action(
            assessment_id=assessment.id,
            criterion_id=criterion.id,
            description="=HYPERLINK(evil)",
            owner="Facilities",
            status="not_started",
        )
    )
    db.session.commit()
    response = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Summary", "Answers", "Action plan"]
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert ("Organisation", organisation.name) in [r[:2] for r in summary]
    assert len(list(workbook["Answers"].iter_rows())) == 1 + 18
    plan = list(workbook["Action plan"].iter_rows(values_only=True))
    row = next(r for r in plan if r[0] == criterion.code)
    assert row[5] == "'=HYPERLINK(evil)"  # never a live formula
    assert row[6] == "Facilities"


def test_drafts_cannot_be_exported_and_outsiders_cannot_export(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    make_assessment(organisation, YEAR, submitted=False)
    login(user)
    assert client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/export.xlsx").status_code == 404
    other = OrganisationFactory()
    make_assessment(other, YEAR)
    assert client.get(f"/orgs/{other.id}/assessment/{YEAR}/export.xlsx").status_code == 403


def test_print_page_has_everything_on_one_page(client, login):
    organisation, assessment = _member_with_results(login)
    text = client.get(f"/orgs/{organisation.id}/assessment/{YEAR}/print").get_data(as_text=True)
    assert "app-no-print" in text
    for criterion in assessment.framework.criteria:
        assert criterion.title in text
    assert "Action plan" in text


def test_guides_are_public_pages(client):
    text = client.get("/guides").get_data(as_text=True)
    for title in (
        "Inclusive recruitment",
        "Community listening",
        "Social value in purchasing",
        "Healthy workplaces",
        "Reducing scope 3 emissions",
    ):
        assert title in text
    assert client.get("/guides/community-listening").status_code == 200
    assert client.get("/guides/no-such-guide").status_code == 404


def test_admins_see_framework_versions_and_others_do_not(client, login):
    from tests.factories import platform_admin

    make_assessment(OrganisationFactory(), YEAR)
    login(member_of())
    assert client.get("/admin/assessment/frameworks").status_code == 403
    client.post("/sign-out")
    login(platform_admin())
    text = client.get("/admin/assessment/frameworks").get_data(as_text=True)
    assert "Anchor Progression Framework for public-sector anchors" in text
    assert "Business Anchor Progression Framework" in text
    assert "/admin/assessment/frameworks" in client.get("/admin/").get_data(as_text=True)


def test_home_panel_queries_stay_flat_as_overdue_actions_grow(client, login, count_queries):
    organisation, assessment = _member_with_results(login)
    criteria = assessment.framework.criteria
    overdue = utcnow().date() - timedelta(days=1)

    def add_actions(chosen):
        for criterion in chosen:
            db.session.add(
                Action(
                    assessment_id=assessment.id,
                    criterion_id=criterion.id,
                    due_date=overdue,
                    status="in_progress",
                )
            )
        db.session.commit()
        db.session.expire_all()

    add_actions(criteria[:1])
    with count_queries() as few:
        client.get(f"/orgs/{organisation.id}")
    add_actions(criteria[1:8])
    with count_queries() as many:
        text = client.get(f"/orgs/{organisation.id}").get_data(as_text=True)
    assert "8 actions are overdue" in text
    assert many.count <= few.count

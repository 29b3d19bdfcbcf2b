"""Every route declares who may enter, and the declarations generate the refusals.

One walk over `app.url_map` fails for any endpoint (blueprint or app-level, static excepted) whose
view carries no `AccessRule`. The same walk, read from those declarations, checks each endpoint
against the people who must be turned away: anonymous visitors, members of another organisation,
convenors of another Ambition, people who are not platform admins, and form posts without a CSRF
token. The URLs are built from real rows (an organisation, a listing, a match, a pledge, an
activity, an assessment, an indicator...) made once for the module; each endpoint is also opened
by someone who may enter, so a refusal cannot pass just because the URL points at nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from portal import create_app
from portal.accounts.models import User
from portal.activities.models import PARTNER_ACCEPTED, ActivityImport, PartnerTag
from portal.assessment.frameworks import load_frameworks
from portal.assessment.guides import all_guides
from portal.assessment.models import EvidenceFile
from portal.assessment.services import current_year
from portal.assessment.uploads import stored_path
from portal.core.access import (
    CAN_SEE,
    CONVENOR_OF,
    MEMBER_OF_ORG,
    PARTY_TO,
    PLATFORM_ADMIN,
    PUBLIC,
    AccessRule,
    public,
    rules_of,
)
from portal.core.models import Ward
from portal.core.reference import seed_reference_data
from portal.events.models import CONFIRMED, Event, EventSignup
from portal.events.services import cancel_token, feed_token
from portal.exchange.models import LISTING_PAUSED, SIDE_OFFER, SIDE_REQUEST
from portal.extensions import db, limiter
from portal.groups import services as groups
from portal.groups.models import MEMBERS_ONLY, GroupAction, GroupMembership
from portal.initiatives.models import Contribution
from portal.notifications.tokens import make_choice_token
from portal.orgs.models import STATUS_PENDING, Network, NetworkMembership
from portal.orgs.services import seed_networks
from portal.pledges.catalogue import load_catalogue
from portal.pledges.models import PledgeExchangeLink, PledgeExport, SocialValueMeasure
from portal.scorecard.models import Indicator, ScorecardImport
from portal.voices.images import store as store_image
from portal.voices.models import PUBLISHED, ListeningQuote, ListeningRecord, Story, StoryConsent
from tests.activities.factories import ActivityFactory
from tests.assessment.factories import make_assessment
from tests.conftest import _empty_database
from tests.exchange.factories import ListingFactory, MatchFactory
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    admin_of,
    convenor,
    member_of,
    platform_admin,
)
from tests.pledges.factories import make_pledge, report
from tests.scorecard.factories import add_value, load_scorecard

SIGN_IN = "/sign-in"
CSRF_MESSAGE = b"Your form could not be sent"
OBJECT_RULES = (PARTY_TO, CAN_SEE)


def undeclared_endpoints(app: Flask) -> list[str]:
    """Endpoints whose view states no access rule (static files excepted)."""
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not rules_of(view)
    )


# The URL map is read at collection time from an app of its own, to parametrise the tests; the
# first test checks it is the same map the fixture app serves.
_MAP_APP = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
ROUTES: list[tuple[str, Rule, tuple[AccessRule, ...]]] = sorted(
    (
        (rule.endpoint, rule, rules_of(_MAP_APP.view_functions[rule.endpoint]))
        for rule in _MAP_APP.url_map.iter_rules()
        if rule.endpoint != "static"
    ),
    key=lambda route: route[0],
)


def _routes_where(wanted: Any) -> list[Any]:
    return [
        pytest.param(endpoint, rule, rules, id=endpoint)
        for endpoint, rule, rules in ROUTES
        if wanted(rule, rules)
    ]


def _kinds(rules: tuple[AccessRule, ...]) -> set[str]:
    return {r.kind for r in rules}


def _any_ambition(rule: AccessRule) -> bool:
    return rule.kind == CONVENOR_OF and rule.policy == "portal.accounts.access.any_ambition"


@dataclass
class World:
    """Ids of the rows the URLs are built from, and of the people who try them."""

    people: dict[str, int] = field(default_factory=dict)
    args: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def url_args(self, endpoint: str, rule: Rule) -> dict[str, Any]:
        blueprint = endpoint.split(".")[0]
        values = {
            **self.args,
            **self.overrides.get(blueprint, {}),
            **self.overrides.get(endpoint, {}),
        }
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"{endpoint}: no test value for {missing}"
        return {name: values[name] for name in rule.arguments}


def _build_world(app: Flask) -> World:
    world = World()
    load_catalogue()
    load_frameworks()
    load_scorecard()
    db.session.commit()

    theirs = OrganisationFactory(name="Their organisation")
    third = OrganisationFactory(name="A third organisation")
    pending = OrganisationFactory(name="Pending organisation", status=STATUS_PENDING)
    their_admin = admin_of(theirs)
    their_member = member_of(theirs)
    admin_of(pending)
    world.people = {
        "mine": admin_of(OrganisationFactory(name="My organisation")).id,
        "their_admin": their_admin.id,
        "their_member": their_member.id,
        "platform_admin": platform_admin().id,
        "convenor_growing": convenor("GROWING").id,
        "convenor_healthy": convenor("HEALTHY").id,
        "nobody": UserFactory().id,
    }

    hidden_listing = ListingFactory(organisation=theirs, status=LISTING_PAUSED)
    third_hidden_listing = ListingFactory(organisation=third, status=LISTING_PAUSED)
    match = MatchFactory(
        offer=ListingFactory(organisation=theirs, side=SIDE_OFFER),
        request=ListingFactory(organisation=third, side=SIDE_REQUEST),
        initiated_by_organisation_id=third.id,
    )
    pledge = make_pledge(theirs, public=False)
    link = PledgeExchangeLink(pledge_id=pledge.id, match_id=match.id, quantity=Decimal(1))
    progress_report = report(pledge, 1, period_end=date(2026, 3, 31))
    activity = ActivityFactory(lead_organisation=theirs, is_public=False)
    activity_import = ActivityImport(organisation_id=theirs.id, filename="activities.csv")
    pledge_export = PledgeExport(filters="{}")
    assessment = make_assessment(theirs, current_year())
    criterion = assessment.framework.dimensions[0].criteria[0]
    evidence = EvidenceFile(
        assessment_id=assessment.id,
        criterion_id=criterion.id,
        original_name="evidence.pdf",
        stored_name="0123456789abcdef",
        content_type="application/pdf",
        size=4,
    )
    healthy = next(
        indicator
        for indicator in db.session.scalars(select(Indicator).order_by(Indicator.code))
        if indicator.ambition.code == "HEALTHY"
    )
    value = add_value(healthy.code, 2024, 50.0)
    scorecard_import = ScorecardImport(
        created_by_id=world.people["convenor_healthy"], filename="values.csv"
    )
    network_request = NetworkMembership(
        organisation_id=theirs.id,
        network_id=db.session.scalars(select(Network).order_by(Network.id)).first().id,
    )
    event = Event(
        organiser_id=theirs.id,
        title="Their event",
        starts_at=datetime(2026, 1, 5, 10),
        ends_at=datetime(2026, 1, 5, 12),
        capacity=10,
    )
    story = Story(organisation_id=theirs.id, title="Their story", body="What changed.")
    story.status, story.published_at = PUBLISHED, datetime(2026, 1, 6)
    story.image_name, story.image_type = store_image(b"\x89PNG\r\n\x1a\n"), "image/png"
    story.image_alt = "A bus stop"
    consent = StoryConsent(
        story=story,
        person="A resident",
        given_on=date(2026, 1, 1),
        method="written",
        uses=",portal,report,",
    )
    record = ListeningRecord(
        organisation_id=theirs.id,
        title="Their listening",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 1, 31),
        people_heard=40,
        themes="Buses",
    )
    quote = ListeningQuote(record=record, text="Buses stop early.", consented=True)
    db.session.add_all(
        [link, activity_import, evidence, scorecard_import, network_request, pledge_export, event]
        + [story, consent, record, quote]
    )
    db.session.flush()
    signup = EventSignup(event_id=event.id, user_id=their_member.id, status=CONFIRMED)
    db.session.add(signup)
    initiative = ActivityFactory(lead_organisation=theirs, is_public=False)
    initiative.partner_tags = [PartnerTag(organisation_id=third.id, status=PARTNER_ACCEPTED)]
    db.session.flush()
    contribution = Contribution(
        activity_id=initiative.id,
        organisation_id=theirs.id,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        volunteer_hours=Decimal(5),
    )
    db.session.add(contribution)
    db.session.commit()
    path = stored_path(evidence.stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF")
    # A members-only working group of theirs: a 404 to everyone outside it.
    group = groups.create_group(
        name="Their group",
        purpose="Private",
        visibility=MEMBERS_ONLY,
        organisation=theirs,
        creator=their_admin,
    )
    group_file = groups.add_file(group, "notes.pdf", b"%PDF-1.4 notes", their_admin)
    groups.post_update(group, their_admin, "Minutes", group_file)
    group_request = GroupMembership(group_id=group.id, organisation_id=third.id, status="requested")
    group_action = GroupAction(
        group_id=group.id, title="Act", owner_organisation_id=theirs.id, due_on=date(2027, 1, 1)
    )
    db.session.add_all([group_request, group_action])
    db.session.commit()

    world.args = {
        "org_id": theirs.id,
        "listing_id": hidden_listing.id,
        "match_id": match.id,
        "pledge_id": pledge.id,
        "link_id": link.id,
        "update_id": progress_report.id,
        "activity_id": activity.id,
        "import_id": activity_import.id,
        "export_id": pledge_export.id,
        "membership_id": their_member.memberships[0].id,
        "invitation_id": 1,  # refused before it is looked up
        "year": assessment.year,
        "code": assessment.framework.dimensions[0].code,
        "criterion_id": criterion.id,
        "file_id": evidence.id,
        "value_id": value.id,
        "measure_id": db.session.scalars(select(SocialValueMeasure)).first().id,
        "user_id": their_member.id,
        "organisation_id": theirs.id,
        "request_id": network_request.id,
        "event_id": event.id,
        "story_id": story.id,
        "consent_id": consent.id,
        "record_id": record.id,
        "quote_id": quote.id,
        "ward_id": db.session.scalars(select(Ward)).first().id,
        "side": "offer",
        "change": "pause",
        "action": "accept",
        "token": "not-a-real-token",
        "slug": all_guides()[0].slug,
    }
    world.overrides = {
        "scorecard": {"code": healthy.code, "import_id": scorecard_import.id},
        "api": {"code": healthy.code},
        # Narratives are per Ambition: convenor_growing must be refused HEALTHY's.
        "report": {"code": "HEALTHY"},
        "orgs.profile": {"org_id": pending.id},
        # Dashboards are per Ambition: convenor_growing must be refused HEALTHY's.
        "insights": {"ambition_code": "HEALTHY", "table": "headline", "fmt": "csv"},
        "insights.gaps_export": {"table": "unmet", "fmt": "xlsx"},
        "insights.need_export": {"table": "need", "fmt": "csv"},
        "insights.city_need_export": {"table": "need", "fmt": "xlsx"},
        # A calendar feed's address carries a signed token of its own.
        "events.user_ics": {"token": feed_token(db.session.get(User, their_member.id))},
        # So does the link in event emails that cancels one place.
        "events.cancel_from_email": {"token": cancel_token(signup)},
        "groups": {
            "group_id": group.id,
            "request_id": group_request.id,
            "file_id": group_file.id,
            "action_id": group_action.id,
        },
        # The one-click email choice page's address carries a signed token naming a person.
        "notifications.choose": {"token": make_choice_token(their_member.id, "event_reminders")},
        # Initiatives: a private activity of theirs with an accepted partner.
        "initiatives": {"activity_id": initiative.id, "contribution_id": contribution.id},
        # Responding to a listing needs one of another organisation than the one in the URL.
        "exchange.express_interest": {"listing_id": third_hidden_listing.id},
    }
    return world


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[World]:
    with app.app_context():
        _empty_database()
        seed_reference_data()
        seed_networks()
        db.session.commit()
        built = _build_world(app)
        db.session.remove()
    yield built


@pytest.fixture(autouse=True)
def app_context(app: Flask, world: World) -> Iterator[None]:
    """Overrides the suite's per-test reset: every test here reads the same module world."""
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        db.session.remove()


def _sign_in(client: FlaskClient, user_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = db.session.get(User, user_id).get_id()  # "<id>:<session version>"
        session["_fresh"] = True


def _open(client: FlaskClient, world: World, endpoint: str, rule: Rule, **kwargs: Any) -> Any:
    path = _MAP_APP.url_map.bind("localhost").build(endpoint, world.url_args(endpoint, rule))
    if "GET" in rule.methods:
        return client.get(path)
    return client.post(path, **kwargs)


# ---------------------------------------------------------------- declarations


def test_the_walk_reads_the_app_the_tests_use(app: Flask) -> None:
    assert sorted(app.view_functions) == sorted(_MAP_APP.view_functions)


def test_every_endpoint_declares_who_may_enter(app: Flask) -> None:
    assert undeclared_endpoints(app) == []


def test_the_walk_reports_a_route_without_a_declaration() -> None:
    """The check can fail: an unguarded peek at a match, on a blueprint or on the app itself."""
    scratch = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    blueprint = Blueprint("scratch", __name__)

    @blueprint.get("/exchange/matches/<int:match_id>/peek")
    def peek(match_id: int) -> str:
        return "the match"

    @blueprint.get("/scratch/declared")
    @public
    def declared() -> str:
        return "fine"

    scratch.register_blueprint(blueprint)
    scratch.add_url_rule("/scratch/raw", "raw", lambda: "raw")
    assert undeclared_endpoints(scratch) == ["raw", "scratch.peek"]


def test_object_rules_name_their_policy() -> None:
    for endpoint, _rule, rules in ROUTES:
        for rule in rules:
            if rule.kind in (*OBJECT_RULES, CONVENOR_OF):
                assert rule.policy, endpoint
                assert rule.policy.startswith("portal."), endpoint


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"), _routes_where(lambda r, rules: any(x.sign_in for x in rules))
)
def test_anonymous_visitor_is_sent_to_sign_in(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    response = _open(client, world, endpoint, rule)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(SIGN_IN)


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"),
    _routes_where(lambda r, rules: CAN_SEE in _kinds(rules) and not any(x.sign_in for x in rules)),
)
def test_anonymous_visitor_cannot_see_a_private_object(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    assert _open(client, world, endpoint, rule).status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"),
    _routes_where(lambda r, rules: _kinds(rules) & {MEMBER_OF_ORG, *OBJECT_RULES}),
)
def test_member_of_another_organisation_is_refused(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    _sign_in(client, world.people["mine"])
    response = _open(client, world, endpoint, rule)
    expected = {403} if rules[0].kind in (MEMBER_OF_ORG, CONVENOR_OF) else {403, 404}
    assert response.status_code in expected


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"), _routes_where(lambda r, rules: CONVENOR_OF in _kinds(rules))
)
def test_convenor_of_another_ambition_is_refused(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    convenes = next(x for x in rules if x.kind == CONVENOR_OF)
    # Pages for convenors of any Ambition refuse someone who convenes none.
    person = "nobody" if _any_ambition(convenes) else "convenor_growing"
    _sign_in(client, world.people[person])
    assert _open(client, world, endpoint, rule).status_code == 403


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"), _routes_where(lambda r, rules: PLATFORM_ADMIN in _kinds(rules))
)
def test_organisation_admin_is_not_a_platform_admin(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    _sign_in(client, world.people["their_admin"])
    assert _open(client, world, endpoint, rule).status_code == 403


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"), _routes_where(lambda r, _: "POST" in r.methods)
)
def test_post_without_csrf_token_is_refused(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    _sign_in(client, world.people["platform_admin"])
    path = _MAP_APP.url_map.bind("localhost").build(endpoint, world.url_args(endpoint, rule))
    response = client.post(path, data={}, csrf=False)
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.data


# ---------------------------------------------------------------- the same URLs let insiders in


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"),
    _routes_where(lambda r, rules: "GET" in r.methods and _kinds(rules) == {PUBLIC}),
)
def test_public_pages_open_without_signing_in(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    response = _open(client, world, endpoint, rule)
    assert response.status_code not in (401, 403, 404), response.status_code
    assert not response.headers.get("Location", "").startswith(SIGN_IN)


def _insider(rules: tuple[AccessRule, ...]) -> str:
    """Someone every declaration on the route lets in: a platform admin passes all but the
    match rules, which only the two organisations in the match pass."""
    policies = {x.policy for x in rules}
    if any(p and p.startswith("portal.exchange.access.match_") for p in policies):
        return "their_member"
    return "platform_admin"


@pytest.mark.parametrize(
    ("endpoint", "rule", "rules"), _routes_where(lambda r, rules: "GET" in r.methods)
)
def test_someone_allowed_in_gets_past_the_checks(
    client: FlaskClient, world: World, endpoint: str, rule: Rule, rules: tuple[AccessRule, ...]
) -> None:
    _sign_in(client, world.people[_insider(rules)])
    response = _open(client, world, endpoint, rule)
    assert response.status_code not in (401, 403, 404), response.status_code
    assert not response.headers.get("Location", "").startswith(SIGN_IN)

"""The voices pages as people use them: public lists and pages, the organisation's forms
(with a message per field for bad input), consent withdrawal taking a story down everywhere,
the admin's unpublish, and who may reach what."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from portal.core.models import AuditLog
from portal.extensions import db
from portal.orgs.models import STATUS_PENDING
from portal.voices.models import ListeningRecord, Story, StoryConsent
from tests.factories import OrganisationFactory, convenor, member_of, platform_admin
from tests.insights.test_pages import healthy_fixture, page_text, snapshot
from tests.voices.factories import JPEG, PNG, ambition, make_record, make_story, ward


def story_data(**overrides: object) -> dict[str, object]:
    return {
        "title": "Warm spaces in Armley",
        "body": "Twelve libraries stayed open late.",
        "ambitions": [str(ambition().id)],
        "wards": [str(ward().id)],
        "link": "",
        "image_alt": "",
        **overrides,
    }


def test_the_public_list_filters_by_ambition_and_ward_and_has_an_empty_state(client) -> None:
    assert "No stories yet" in page_text(client.get("/stories"))
    here, there = ward(0), ward(1)
    make_story(title="Healthy here", codes=("HEALTHY",), wards=(here,))
    make_story(title="Growing there", codes=("GROWING",), wards=(there,))
    make_story(title="A draft", published=False)
    text = page_text(client.get("/stories"))
    assert "2 stories" in text and "Healthy here" in text and "A draft" not in text
    text = page_text(client.get(f"/stories?ambition={ambition('GROWING').id}"))
    assert "1 story " in text and "Growing there" in text and "Healthy here" not in text
    text = page_text(client.get(f"/stories?ward={here.id}"))
    assert "Healthy here" in text and "Growing there" not in text
    text = page_text(client.get("/stories?ambition=banana&ward=99999999999999999999"))
    assert "2 stories" in text  # nonsense filters are ignored, never an error


def test_the_list_is_paginated(client) -> None:
    organisation = OrganisationFactory()
    for number in range(21):
        make_story(title=f"Story {number}", organisation_id=organisation.id)
    first = page_text(client.get("/stories"))
    assert "21 stories" in first and "Page 1 of 2" in first
    assert "Page 2 of 2" in page_text(client.get("/stories?page=2"))


def test_drafts_are_not_found_and_titles_are_escaped(client) -> None:
    draft = make_story(published=False)
    assert client.get(f"/stories/{draft.id}").status_code == 404
    story = make_story(title="<script>alert(1)</script>")
    html = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_a_member_writes_a_story_with_an_image_and_publishes_it(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    response = client.post(
        f"/orgs/{organisation.id}/stories/new",
        data=story_data(image=(io.BytesIO(PNG), "library.png"), image_alt="Families reading"),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Warm spaces in Armley is saved as a draft." in page_text(response)
    story = db.session.scalars(select(Story)).one()
    assert story.image_type == "image/png" and story.image_alt == "Families reading"
    assert client.get(f"/stories/{story.id}").status_code == 404  # a draft
    response = client.post(
        f"/orgs/{organisation.id}/stories/{story.id}/publish", follow_redirects=True
    )
    assert "Warm spaces in Armley is published." in page_text(response)
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert 'alt="Families reading"' in page
    image = client.get(f"/stories/{story.id}/image")
    assert image.data == PNG and image.mimetype == "image/png"


def test_bad_story_input_gets_a_message_per_field_and_saves_nothing(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    url = f"/orgs/{organisation.id}/stories/new"
    text = page_text(client.post(url, data={"title": "", "body": "", "ambitions": []}))
    assert "Enter the story's title" in text
    assert "Enter the story" in text
    assert "Choose at least one Ambition the story is about" in text
    text = page_text(client.post(url, data=story_data(title="x" * 121, ambitions=["999"])))
    assert "Enter 120 characters or fewer" in text and "Choose from the options given" in text
    text = page_text(client.post(url, data=story_data(link="pledge:999999")))
    assert "There is a problem" in text
    cases = [
        ((io.BytesIO(PNG), "photo.png"), "", "Describe the image: enter its alt text"),
        ((io.BytesIO(b"GIF89a..."), "photo.gif"), "Alt", "must be a PNG or JPEG"),
        ((io.BytesIO(JPEG), "photo.png"), "Alt", "is not a real PNG file"),
        ((io.BytesIO(b""), "photo.png"), "Alt", "The selected image is empty"),
    ]
    for image, alt, message in cases:
        response = client.post(
            url,
            data=story_data(image=image, image_alt=alt),
            content_type="multipart/form-data",
        )
        assert response.status_code == 200, message
        assert message in page_text(response), message
    assert db.session.query(Story).count() == 0


def test_an_image_over_5_mb_is_refused(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    # Encoded here rather than by the test client, whose spooled temporary file for a large
    # body is never closed (a ResourceWarning under filterwarnings=error).
    boundary = "voices-test-boundary"
    fields = {**story_data(image_alt="A photo"), "csrf_token": client._csrf_token()}
    parts = b""
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'
            ).encode()
    parts += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    body = parts + PNG + b"\0" * (5 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(
        f"/orgs/{organisation.id}/stories/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        csrf=False,
    )
    assert "The selected image must be smaller than 5 MB" in page_text(response)
    assert db.session.query(Story).count() == 0


def test_consent_form_bad_input_and_withdrawal_unpublishes_everywhere(client, login) -> None:
    organisation = OrganisationFactory()
    member = member_of(organisation)
    here = ward(0)
    story = make_story(
        title="Aisha's apprenticeship",
        organisation_id=organisation.id,
        codes=("HEALTHY",),
        wards=(here,),
        published=False,
    )
    story.features_people = True
    db.session.commit()
    login(member)
    base = f"/orgs/{organisation.id}/stories/{story.id}"
    response = client.post(f"{base}/publish", follow_redirects=True)
    assert "record each person's consent before publishing" in page_text(response)

    text = page_text(
        client.post(f"{base}/consents/new", data={"person": "", "given_on": ["31", "2", "2026"]})
    )
    assert "Enter the person's name or a description of them" in text
    assert "The date must be a real date" in text
    assert "Choose how consent was given" in text
    assert "Choose at least one use the person agreed to" in text
    future = date.today().replace(year=date.today().year + 1)
    text = page_text(
        client.post(
            f"{base}/consents/new",
            data={
                "person": "Aisha",
                "given_on": [str(future.day), str(future.month), str(future.year)],
                "method": "telepathy",
                "uses": ["portal", "everywhere"],
            },
        )
    )
    assert "must be today or in the past" in text and "There is a problem" in text
    assert db.session.query(StoryConsent).count() == 0

    client.post(
        f"{base}/consents/new",
        data={
            "person": "Aisha",
            "given_on": ["1", "9", "2026"],
            "method": "written",
            "uses": ["portal", "report"],
        },
    )
    client.post(f"{base}/publish")
    consent = db.session.scalars(select(StoryConsent)).one()
    snapshot(healthy_fixture())
    watcher = convenor("HEALTHY")

    def everywhere() -> dict[str, bool]:
        client.post("/sign-out")
        found = {
            "list": "Aisha's apprenticeship" in page_text(client.get("/stories")),
            "page": client.get(f"/stories/{story.id}").status_code == 200,
            "ward list": "Aisha" in page_text(client.get(f"/stories?ward={here.id}")),
            "profile": "Aisha's apprenticeship"
            in page_text(client.get(f"/organisations/{organisation.id}")),
        }
        login(watcher)
        found["dashboard"] = "Aisha's apprenticeship" in page_text(client.get("/insights/HEALTHY"))
        client.post("/sign-out")
        login(platform_admin())
        found["admin"] = "Aisha's apprenticeship" in page_text(client.get("/admin/stories"))
        client.post("/sign-out")
        return found

    assert all(everywhere().values()), everywhere()
    login(member)
    page = page_text(client.get(f"{base}/consents/{consent.id}/withdraw"))
    assert "unpublished everywhere at once" in page
    response = client.post(
        f"{base}/consents/{consent.id}/withdraw",
        data={"note": "She phoned us"},
        follow_redirects=True,
    )
    assert "Aisha's consent is withdrawn." in page_text(response)
    assert "withdrew their consent" in page_text(response)
    assert not any(everywhere().values()), everywhere()
    login(member)
    response = client.post(f"{base}/publish", follow_redirects=True)
    assert "it cannot be published again" in page_text(response)


def test_members_of_another_organisation_cannot_reach_the_story(client, login) -> None:
    story = make_story(published=False)
    other = OrganisationFactory()
    login(member_of(other))
    assert client.get(f"/orgs/{story.organisation_id}/stories/{story.id}").status_code == 403
    # Their own organisation in the URL does not open someone else's story either.
    assert client.get(f"/orgs/{other.id}/stories/{story.id}").status_code == 404
    assert client.post(f"/orgs/{other.id}/stories/{story.id}/publish").status_code == 404
    assert db.session.get(Story, story.id).status == "draft"


def test_an_admin_unpublishes_with_a_reason_in_the_audit_log(client, login) -> None:
    story = make_story(title="Names a child")
    login(platform_admin())
    url = f"/admin/stories/{story.id}/unpublish"
    assert "Enter why the story is unpublished" in page_text(client.post(url, data={}))
    response = client.post(url, data={"reason": "It names a child"}, follow_redirects=True)
    assert "Names a child is unpublished." in page_text(response)
    assert client.get(f"/stories/{story.id}").status_code == 404
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "story.unpublished_by_admin")
    ).one()
    assert "It names a child" in entry.summary
    member_page = page_text(client.get(f"/orgs/{story.organisation_id}/stories/{story.id}"))
    assert "It names a child" in member_page


def test_bad_listening_input_gets_a_message_per_field(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    url = f"/orgs/{organisation.id}/listening/new"
    text = page_text(client.post(url, data={}))
    for message in (
        "Enter the title of the listening exercise",
        "Enter the date the listening started",
        "Enter the date the listening ended",
        "Enter the number of people heard, for example 120",
        "Enter at least one theme you heard",
        "Choose at least one Ambition it concerns",
        "Choose at least one ward where people were heard",
    ):
        assert message in text, message
    for bad in ("0", "-3", "12.5", "lots", "99999999999"):
        text = page_text(
            client.post(
                url,
                data={
                    "title": "Harehills",
                    "starts_on": ["1", "10", "2026"],
                    "ends_on": ["1", "9", "2026"],
                    "people_heard": bad,
                    "themes": "Buses",
                    "ambitions": [str(ambition().id)],
                    "wards": [str(ward().id)],
                },
            )
        )
        assert "The end date must be the same as or after the start date" in text
        assert "Enter the number of people heard as a whole number" in text or (
            "Enter a number between 1 and 1,000,000" in text
        ), bad
    assert db.session.query(ListeningRecord).count() == 0
    response = client.post(
        url,
        data={
            "title": "Harehills",
            "starts_on": ["1", "9", "2026"],
            "ends_on": ["30", "10", "2026"],
            "people_heard": "1,146",
            "themes": "Buses stop early\n\nPaid work experience\n",
            "ambitions": [str(ambition().id)],
            "wards": [str(ward().id)],
        },
        follow_redirects=True,
    )
    assert "Harehills is saved." in page_text(response)
    record = db.session.scalars(select(ListeningRecord)).one()
    assert record.people_heard == 1146 and record.theme_list == [
        "Buses stop early",
        "Paid work experience",
    ]


def test_quotes_show_only_with_consent(client, login) -> None:
    record = make_record()
    login(member_of(db.session.get(type(record.organisation), record.organisation_id)))
    base = f"/orgs/{record.organisation_id}/listening/{record.id}"
    response = client.post(f"{base}/quotes", data={"text": ""})
    assert response.status_code == 400
    text = page_text(response)
    assert "Enter what the person said" in text
    assert "Choose whether the person agreed to be quoted" in text
    client.post(f"{base}/quotes", data={"text": "Buses stop at six.", "consented": "yes"})
    client.post(f"{base}/quotes", data={"text": "Keep this private.", "consented": "no"})
    public = page_text(client.get(f"/listening/{record.id}"))
    assert "Buses stop at six." in public and "Keep this private." not in public
    shown = next(q for q in record.quotes if q.consented)
    client.post(f"{base}/quotes/{shown.id}/consent")
    assert "Buses stop at six." not in page_text(client.get(f"/listening/{record.id}"))


def test_correcting_people_heard_validates_and_audits(client, login) -> None:
    record = make_record(people_heard=120)
    login(member_of(db.session.get(type(record.organisation), record.organisation_id)))
    url = f"/orgs/{record.organisation_id}/listening/{record.id}/people"
    text = page_text(client.post(url, data={"people_heard": "-1", "reason": ""}))
    assert "Enter the number of people heard as a whole number" in text
    assert "Enter why the number is corrected" in text
    text = page_text(client.post(url, data={"people_heard": "120", "reason": "Checked"}))
    assert "nothing to correct" in text
    response = client.post(
        url, data={"people_heard": "112", "reason": "Double-counted"}, follow_redirects=True
    )
    assert "The number of people heard is now 112." in page_text(response)
    assert db.session.scalars(
        select(AuditLog).where(AuditLog.action == "listening.people_heard_corrected")
    ).one()


def test_the_dashboard_shows_voices_for_the_ambition_and_ward(client, login) -> None:
    here, there = ward(0), ward(1)
    make_story(title="Healthy here", codes=("HEALTHY",), wards=(here,))
    make_story(title="Growing story", codes=("GROWING",), wards=(here,))
    make_record(
        title="Listening here",
        wards=(here,),
        quotes=(("Shown quote", True), ("Hidden quote", False)),
    )
    make_record(title="Listening there", wards=(there,), people_heard=7)
    snapshot(healthy_fixture())
    login(convenor("HEALTHY"))
    text = page_text(client.get("/insights/HEALTHY"))
    assert "What people told us" in text
    assert "Healthy here" in text and "Growing story" not in text
    assert "Shown quote" in text and "Hidden quote" not in text
    assert "127 people heard" in text
    text = page_text(client.get(f"/insights/HEALTHY?ward={there.ons_code}"))
    assert "Listening there" in text and "Listening here" not in text
    assert "Healthy here" not in text and "7 people heard" in text


def test_the_listening_list_and_organisation_pages_have_empty_states(client, login) -> None:
    assert "No listening recorded yet" in page_text(client.get("/listening"))
    organisation = OrganisationFactory()
    login(member_of(organisation))
    text = page_text(client.get(f"/orgs/{organisation.id}/voices"))
    assert "No stories yet" in text and "No listening recorded yet" in text
    make_record(organisation_id=organisation.id, people_heard=1)
    assert "1 person heard" in page_text(client.get("/listening"))


def test_a_draft_is_changed_and_a_published_story_must_be_unpublished_first(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    story = make_story(organisation_id=organisation.id, published=False)
    url = f"/orgs/{organisation.id}/stories/{story.id}/edit"
    assert "Back to work" in page_text(client.get(url))  # the form is filled in
    response = client.post(
        url,
        data=story_data(
            title="Back to work at last", image=(io.BytesIO(JPEG), "p.jpg"), image_alt="A workshop"
        ),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Back to work at last is saved." in page_text(response)
    db.session.refresh(story)
    assert story.image_type == "image/jpeg"
    # Keeping the image but blanking its description is refused.
    text = page_text(client.post(url, data=story_data(image_alt="")))
    assert "Describe the image: enter its alt text" in text
    client.post(url, data=story_data(remove_image="y"))
    db.session.refresh(story)
    assert story.image_name == "" and story.image_alt == ""
    client.post(f"/orgs/{organisation.id}/stories/{story.id}/publish")
    response = client.get(url, follow_redirects=True)
    assert "Unpublish the story before you change it." in page_text(response)
    response = client.post(
        f"/orgs/{organisation.id}/stories/{story.id}/unpublish", follow_redirects=True
    )
    assert "is unpublished." in page_text(response)
    assert client.get(f"/stories/{story.id}").status_code == 404


def test_a_pending_organisation_cannot_publish(client, login) -> None:
    organisation = OrganisationFactory(status=STATUS_PENDING)
    login(member_of(organisation))
    story = make_story(organisation_id=organisation.id, published=False)
    response = client.post(f"/orgs/{organisation.id}/stories/{story.id}/publish")
    assert response.status_code == 403
    assert db.session.get(Story, story.id).status == "draft"


def test_another_organisations_listening_is_not_reachable_through_yours(client, login) -> None:
    record = make_record(quotes=(("Theirs", True),))
    mine = OrganisationFactory()
    login(member_of(mine))
    assert client.get(f"/orgs/{mine.id}/listening/{record.id}").status_code == 404
    quote = record.quotes[0]
    response = client.post(f"/orgs/{mine.id}/listening/{record.id}/quotes/{quote.id}/consent")
    assert response.status_code == 404
    assert db.session.get(type(quote), quote.id).consented is True

"""The service navigation: what each visitor is offered, and that every link opens."""

from __future__ import annotations

import re

from tests.factories import OrganisationFactory, member_of, platform_admin


def _links(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    nav = html.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    return {
        re.sub(r"\s+", " ", text).strip(): href
        for href, text in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    }


def test_visitors_find_events_and_stories_and_members_their_groups(client, login) -> None:
    anonymous = _links(client.get("/"))
    assert anonymous["Events"] == "/events" and anonymous["Stories"] == "/stories"
    assert "Groups" not in anonymous and "Admin" not in anonymous

    login(member_of(OrganisationFactory()))
    member = _links(client.get("/"))
    assert member["Groups"] == "/groups"
    assert "Your organisation" in member and "Admin" not in member


def test_every_navigation_link_opens(client, login) -> None:
    login(platform_admin())
    links = _links(client.get("/"))
    assert {"Events", "Stories", "Groups", "Insights", "Admin"} <= set(links)
    for text, href in links.items():
        assert client.get(href).status_code == 200, text

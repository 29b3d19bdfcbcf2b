"""The scoring function, with hand-worked expectations, and the shipped ward adjacency."""

from __future__ import annotations

from datetime import date

from portal.exchange import matching
from portal.exchange.matching import ListingFacts, rank_offers, score_match
from portal.exchange.neighbours import ward_neighbours

HAREHILLS = "Gipton & Harehills"


def facts(id: int, org: int, kind: str, wards=(), **fields) -> ListingFacts:
    return ListingFacts(
        id=id, organisation_id=org, resource_type=kind, ward_names=frozenset(wards), **fields
    )


def test_harehills_meeting_space_ranks_the_local_venue_first():
    """The issue's example: local venue above funding and above a venue in Otley."""
    need = facts(1, 100, "space", [HAREHILLS])
    local_venue = facts(10, 200, "space", [HAREHILLS])
    funding = facts(11, 201, "funding", [HAREHILLS])
    otley_venue = facts(12, 202, "space", ["Otley & Yeadon"])
    neighbours = ward_neighbours()

    local = score_match(need, local_venue, neighbours)
    assert local.score > score_match(need, funding, neighbours).score
    assert local.score > score_match(need, otley_venue, neighbours).score
    ranked = rank_offers(need, [funding, otley_venue, local_venue], neighbours)
    assert [s.offer_id for s in ranked] == [local_venue.id, otley_venue.id]
    assert funding.id not in [s.offer_id for s in ranked]
    assert "Serves Gipton & Harehills, where it is needed" in local.reasons
    assert "Both are about space or venue" in local.reasons


def test_a_neighbouring_ward_beats_a_distant_one_but_not_the_same_ward():
    need = facts(1, 100, "volunteer_time", [HAREHILLS])
    same = facts(10, 200, "volunteer_time", [HAREHILLS])
    roundhay = facts(11, 201, "volunteer_time", ["Roundhay"])  # borders Gipton & Harehills
    wetherby = facts(12, 202, "volunteer_time", ["Wetherby"])
    n = ward_neighbours()
    scores = [score_match(need, o, n).score for o in (same, roundhay, wetherby)]
    assert scores[0] > scores[1] > scores[2]
    assert "Serves a neighbouring ward: Roundhay" in score_match(need, roundhay, n).reasons


def test_citywide_offer_scores_between_a_neighbour_and_nowhere():
    need = facts(1, 100, "skills", ["Armley"])
    citywide = ListingFacts(id=10, organisation_id=200, resource_type="skills", citywide=True)
    neighbour = facts(11, 201, "skills", ["Kirkstall"])
    n = ward_neighbours()
    assert score_match(need, neighbour, n).score > score_match(need, citywide, n).score
    assert "Available citywide" in score_match(need, citywide, n).reasons


def test_related_types_score_part_and_unrelated_types_nothing():
    need = facts(1, 100, "mentoring", ["Armley"])
    skills = facts(10, 200, "skills", ["Armley"])
    food = facts(11, 201, "food", ["Armley"])
    assert score_match(need, skills).score == 40 * 0.6 + 30 + 5 + 2.5
    assert score_match(need, food).score == 0
    assert score_match(need, food).reasons == ()


def test_an_organisation_is_never_matched_with_itself():
    need = facts(1, 100, "space", [HAREHILLS])
    own_venue = facts(10, 100, "space", [HAREHILLS])
    assert score_match(need, own_venue).score == 0


def test_ambition_overlap_counts_the_share_of_the_requests_ambitions():
    need = facts(1, 100, "food", ["Armley"], ambition_names=frozenset({"Healthy", "Thriving"}))
    one = facts(10, 200, "food", ["Armley"], ambition_names=frozenset({"Healthy"}))
    both = facts(11, 201, "food", ["Armley"], ambition_names=frozenset({"Healthy", "Thriving"}))
    assert score_match(need, both).score - score_match(need, one).score == 7.5
    assert "Shares the Healthy Ambition" in score_match(need, one).reasons


def test_dates_reward_an_offer_available_before_the_need():
    need = facts(1, 100, "equipment", ["Armley"], needed_by=date(2027, 3, 1))
    in_time = facts(10, 200, "equipment", ["Armley"], available_from=date(2027, 2, 1))
    too_late = facts(11, 201, "equipment", ["Armley"], available_from=date(2027, 4, 1))
    short = facts(12, 202, "equipment", ["Armley"], available_until=date(2027, 2, 15))
    s_in, s_late, s_short = (score_match(need, o) for o in (in_time, too_late, short))
    assert s_in.score - s_late.score == 10
    assert s_in.score - s_short.score == 5
    assert "Available before it is needed, by 1 March 2027" in s_in.reasons


def test_quantity_partial_cover_scores_in_proportion_and_says_so():
    need = facts(1, 100, "volunteer_time", ["Armley"], quantity=40.0, unit="hours")
    full = facts(10, 200, "volunteer_time", ["Armley"], quantity=50.0, unit="hours")
    quarter = facts(11, 201, "volunteer_time", ["Armley"], quantity=10.0, unit="Hours")
    # 40 type + 30 ward + 5 (dates unknown) + quantity: 5 in full, 5 x 10/40 for a quarter
    assert score_match(need, full).score == 80.0
    assert score_match(need, quarter).score == 76.2  # 76.25, rounded to one place
    assert "Could meet part of it: 10 of 40 hours" in score_match(need, quarter).reasons
    assert "Offers 50 hours against 40 needed" in score_match(need, full).reasons


def test_ranking_drops_weak_pairs_and_breaks_ties_by_age():
    need = facts(1, 100, "digital", ["Pudsey"])
    a = facts(20, 200, "digital", ["Pudsey"])
    b = facts(10, 201, "digital", ["Pudsey"])
    weak = facts(30, 202, "equipment", ["Wetherby"])  # related type, far away: 20 + 7.5
    ranked = rank_offers(need, [a, weak, b])
    assert [s.offer_id for s in ranked] == [10, 20]


def test_rank_requests_is_the_mirror_image():
    venue = facts(10, 200, "space", [HAREHILLS])
    near = facts(1, 100, "space", [HAREHILLS])
    far = facts(2, 101, "space", ["Wetherby"])
    ranked = matching.rank_requests(venue, [far, near], ward_neighbours())
    assert [s.request_id for s in ranked] == [1, 2]


def test_ward_neighbours_cover_all_33_wards_and_are_symmetric(app):
    from portal.core.reference import load_ward_rows

    neighbours = ward_neighbours()
    names = {row["name"] for row in load_ward_rows()}
    assert set(neighbours) == names
    for ward, near in neighbours.items():
        assert ward not in near
        for other in near:
            assert ward in neighbours[other]
    assert "Roundhay" in neighbours[HAREHILLS]
    assert "Otley & Yeadon" not in neighbours[HAREHILLS]

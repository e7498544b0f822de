"""projects/rules.py: every boundary of Civil Code art. 278, and properties against brute force."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.rules import Choice, Figures, Matter, Result, Voter, agreed, electorate, figures, quorum_met, tally

A, D, X = Choice.AGREE, Choice.DISAGREE, Choice.ABSTAIN
TEN = Decimal("10.00")


def six_owners_of_ten():
    return Figures(6, Decimal("60.00"))


# (description, matter, electorate, ballots, expected result, expected quorum)
CASES = [
    (
        "exactly 2/3 of owners and area take part",
        Matter.ORDINARY,
        six_owners_of_ten(),
        [(A, TEN)] * 3 + [(D, TEN)],
        Result.PASSED,
        True,
    ),
    ("one owner short of 2/3", Matter.ORDINARY, six_owners_of_ten(), [(A, TEN)] * 3, Result.NO_QUORUM, False),
    (
        "2/3 of owners but the area is 0.01 m² short",
        Matter.ORDINARY,
        Figures(6, Decimal("60.00")),
        [(A, TEN)] * 3 + [(A, Decimal("9.99"))],
        Result.NO_QUORUM,
        False,
    ),
    (
        "2/3 of the area but one owner short",
        Matter.ORDINARY,
        Figures(6, Decimal("60.00")),
        [(A, Decimal("20.00")), (A, Decimal("20.00")), (A, Decimal("10.00"))],
        Result.NO_QUORUM,
        False,
    ),
    (
        "cents decide the quorum: 66.67 of 100.00 is enough",
        Matter.ORDINARY,
        Figures(3, Decimal("100.00")),
        [(A, Decimal("33.34")), (A, Decimal("33.33"))],
        Result.PASSED,
        True,
    ),
    (
        "cents decide the quorum: 66.66 of 100.00 is not",
        Matter.ORDINARY,
        Figures(3, Decimal("100.00")),
        [(A, Decimal("33.33")), (A, Decimal("33.33"))],
        Result.NO_QUORUM,
        False,
    ),
    (
        "special: exactly 3/4 of participants and area agree",
        Matter.SPECIAL,
        Figures(4, Decimal("40.00")),
        [(A, TEN)] * 3 + [(D, TEN)],
        Result.PASSED,
        True,
    ),
    (
        "special: 3/4 of owners but area just under 3/4",
        Matter.SPECIAL,
        Figures(4, Decimal("40.02")),
        [(A, TEN), (A, TEN), (A, Decimal("10.01")), (D, Decimal("10.01"))],
        Result.REJECTED,
        True,
    ),
    (
        "special: area 3/4 but owners under 3/4",
        Matter.SPECIAL,
        Figures(5, Decimal("50.00")),
        [(A, Decimal("20.00")), (A, Decimal("10.00")), (D, Decimal("5.00")), (D, Decimal("5.00"))],
        Result.REJECTED,
        True,
    ),
    (
        "ordinary: exactly half of owners agree is not enough",
        Matter.ORDINARY,
        Figures(4, Decimal("40.00")),
        [(A, Decimal("15.00")), (A, Decimal("15.00")), (D, Decimal("5.00")), (D, Decimal("5.00"))],
        Result.REJECTED,
        True,
    ),
    (
        "ordinary: exactly half of the area agrees is not enough",
        Matter.ORDINARY,
        Figures(4, Decimal("40.00")),
        [(A, Decimal("5.00")), (A, Decimal("5.00")), (A, Decimal("10.00")), (D, Decimal("20.00"))],
        Result.REJECTED,
        True,
    ),
    (
        "ordinary: more than half of both passes",
        Matter.ORDINARY,
        Figures(4, Decimal("40.00")),
        [(A, Decimal("10.01")), (A, Decimal("10.00")), (A, Decimal("9.99")), (D, Decimal("10.00"))],
        Result.PASSED,
        True,
    ),
    (
        "all abstain: quorum met, nobody agrees",
        Matter.ORDINARY,
        six_owners_of_ten(),
        [(X, TEN)] * 6,
        Result.REJECTED,
        True,
    ),
    (
        "abstentions count for the quorum, not for agreement",
        Matter.SPECIAL,
        Figures(4, Decimal("40.00")),
        [(A, TEN)] * 3 + [(X, TEN)],
        Result.PASSED,
        True,
    ),
    (
        "abstentions can sink a special matter",
        Matter.SPECIAL,
        Figures(4, Decimal("40.00")),
        [(A, TEN)] * 2 + [(X, TEN)] * 2,
        Result.REJECTED,
        True,
    ),
    ("nobody votes", Matter.ORDINARY, six_owners_of_ten(), [], Result.NO_QUORUM, False),
    ("no owners in scope", Matter.ORDINARY, Figures(0, Decimal("0.00")), [], Result.NO_QUORUM, False),
]


@pytest.mark.parametrize("description, matter, voters, ballots, result, quorum", CASES, ids=[c[0] for c in CASES])
def test_boundaries(description, matter, voters, ballots, result, quorum):
    outcome = tally(matter, voters, ballots)
    assert outcome.quorum_met is quorum
    assert outcome.result is result
    assert outcome.participants == Figures(len(ballots), sum((area for _c, area in ballots), Decimal("0.00")))


def test_owner_with_several_units_counts_once_with_areas_added():
    voters = electorate(
        [
            ("101", "li", Decimal("50.25")),
            ("102", "li", Decimal("49.75")),  # same owner, second unit
            ("201", None, Decimal("30.00")),  # no verified owner: still one owner (votes on paper)
            ("202", "wang", Decimal("40.00")),
        ]
    )
    assert [v.key for v in voters] == [("owner", "li"), ("household", "201"), ("owner", "wang")]
    assert voters[0] == Voter(key=("owner", "li"), households=("101", "102"), area=Decimal("100.00"))
    assert figures(voters) == Figures(3, Decimal("170.00"))
    # li alone holds 100/170 of the area but is one owner of three: not a quorum by himself
    assert not quorum_met(figures(voters), Figures(1, Decimal("100.00")))
    assert quorum_met(figures(voters), Figures(2, Decimal("140.00")))


def test_more_ballots_than_electorate_is_an_error():
    with pytest.raises(ValueError):
        tally(Matter.ORDINARY, Figures(1, TEN), [(A, TEN), (A, TEN)])


def test_household_without_area_is_an_error():
    with pytest.raises(ValueError):
        electorate([("101", None, Decimal("0.00"))])


def test_agreed_without_participants_is_false():
    assert not agreed(Matter.SPECIAL, Figures(), Figures())
    assert not agreed(Matter.ORDINARY, Figures(), Figures())


# --- properties ---------------------------------------------------------------------------------

areas = st.integers(min_value=1, max_value=30_000).map(lambda cents: Decimal(cents) / 100)
choices = st.sampled_from([A, D, X, None])  # None: did not vote


@st.composite
def votes(draw):
    voters = draw(st.lists(st.tuples(areas, choices), min_size=1, max_size=40))
    matter = draw(st.sampled_from(list(Matter)))
    return matter, voters


def brute_force(matter, voters):
    """The law written out in fractions, independently of rules.py."""
    total_owners, total_area = len(voters), sum(Fraction(a) for a, _ in voters)
    took_part = [(a, c) for a, c in voters if c is not None]
    p_owners, p_area = len(took_part), sum((Fraction(a) for a, _ in took_part), Fraction(0))
    yes = [(a, c) for a, c in took_part if c == A]
    y_owners, y_area = len(yes), sum((Fraction(a) for a, _ in yes), Fraction(0))
    if not (Fraction(p_owners, total_owners) >= Fraction(2, 3) and p_area / total_area >= Fraction(2, 3)):
        return Result.NO_QUORUM
    if matter == Matter.SPECIAL:
        ok = Fraction(y_owners, p_owners) >= Fraction(3, 4) and y_area / p_area >= Fraction(3, 4)
    else:
        ok = Fraction(y_owners, p_owners) > Fraction(1, 2) and y_area / p_area > Fraction(1, 2)
    return Result.PASSED if ok else Result.REJECTED


@settings(max_examples=400, deadline=None)
@given(votes(), st.randoms(use_true_random=False))
def test_result_equals_brute_force_and_ignores_ballot_order(case, rnd):
    matter, voters = case
    whole = Figures(len(voters), sum((a for a, _ in voters), Decimal("0.00")))
    ballots = [(c, a) for a, c in voters if c is not None]
    expected = brute_force(matter, voters)
    assert tally(matter, whole, ballots).result is expected
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert tally(matter, whole, shuffled) == tally(matter, whole, ballots)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["a", "b", "c", None]), areas), min_size=1, max_size=30))
def test_electorate_grouping_preserves_area_and_counts_owners_once(rows):
    seen, households = set(), []
    for unit, owner, area in rows:
        if unit not in seen:  # a household appears once in scope
            seen.add(unit)
            households.append((unit, owner, area))
    voters = electorate(households)
    assert sum(v.area for v in voters) == sum(a for _u, _o, a in households)
    owners = {o for _u, o, _a in households if o is not None}
    ownerless = [u for u, o, _a in households if o is None]
    assert len(voters) == len(owners) + len(ownerless)


# --- petitions ----------------------------------------------------------------------------------

from projects.rules import Sponsor, petition_shortfalls  # noqa: E402


@pytest.mark.parametrize(
    "sponsors, missing",
    [
        ([], ["sponsors", "party_member"]),
        ([Sponsor("a", 1, True), Sponsor("b", 2, False)], ["sponsors"]),
        ([Sponsor("a", 1, True), Sponsor("b", 2, False), Sponsor("c", 3, False)], []),
        ([Sponsor("a", 1, False), Sponsor("b", 2, False), Sponsor("c", 3, False)], ["party_member"]),
        # husband and wife of one household plus one neighbour: 3 people, 2 households
        ([Sponsor("a", 1, True), Sponsor("b", 1, False), Sponsor("c", 2, False)], ["households"]),
        ([Sponsor("a", 1, False), Sponsor("b", 1, False), Sponsor("c", 2, False)], ["households", "party_member"]),
        ([Sponsor("a", 1, True), Sponsor("b", 2, True), Sponsor("c", 3, True), Sponsor("d", 3, False)], []),
    ],
)
def test_petition_shortfalls(sponsors, missing):
    assert petition_shortfalls(sponsors) == missing

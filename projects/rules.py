"""The law's numbers for owners' votes: pure functions, no ORM, exact arithmetic only.

Sources:
- PRC Civil Code art. 278 (民法典第二百七十八条): a joint decision needs the participation of
  owners whose exclusive parts make up ≥ 2/3 of the total area AND who are ≥ 2/3 of all owners.
  Matters (6)–(8) — raising / using building maintenance funds, 改建/重建 of buildings and their
  ancillary facilities, changing the use of common parts — need the agreement of ≥ 3/4 of the
  participating area AND ≥ 3/4 of the participating owners ("special"); every other matter needs
  more than half of both ("ordinary").
- Civil Code art. 1259: "以上" (at least) includes the number itself; "过半数" (more than half)
  does not — hence ≥ for 2/3 and 3/4, > for 1/2.
- Supreme People's Court interpretation on building division ownership (法释〔2009〕7号, amended
  2020), arts. 8–9: area is the registered area of the exclusive part; owners are counted one per
  exclusive part, but one owner holding several exclusive parts counts as one person.

Abstentions participate (they count toward the quorum) but do not agree. Every comparison is
done on integers and Decimals cross-multiplied (3·p ≥ 2·N), never on floats or rounded ratios.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


class Matter(enum.StrEnum):
    ORDINARY = "ordinary"  # 一般事项: > 1/2 of participating area and owners
    SPECIAL = "special"  # 重大事项 (art. 278 items 6–8): ≥ 3/4 of participating area and owners


class Choice(enum.StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"


class Result(enum.StrEnum):
    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Figures:
    """A number of owners (people, not units) and the exclusive area they hold."""

    owners: int = 0
    area: Decimal = ZERO

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.owners + other.owners, self.area + other.area)


@dataclass(frozen=True)
class Voter:
    """One person in the electorate: a verified voting owner with all their units in scope, or a
    household with no verified owner (it still counts as one owner and can vote on paper)."""

    key: Hashable
    households: tuple[Hashable, ...]
    area: Decimal


@dataclass(frozen=True)
class Tally:
    electorate: Figures
    participants: Figures
    agree: Figures
    disagree: Figures
    abstain: Figures
    quorum_met: bool
    result: Result


def electorate(households: Iterable[tuple[Hashable, Hashable | None, Decimal]]) -> list[Voter]:
    """Group the households in scope into voters.

    `households` yields (household key, voting owner key or None, registered area). Households of
    the same owner merge into one voter with their areas added; a household without an owner is
    a voter of its own. The order of the result follows the first appearance of each voter.
    """
    grouped: dict[Hashable, tuple[list[Hashable], Decimal]] = {}
    for household, owner, area in households:
        if area <= 0:
            raise ValueError(f"household {household!r} has no positive registered area")
        key = ("owner", owner) if owner is not None else ("household", household)
        units, total = grouped.get(key, ([], ZERO))
        units.append(household)
        grouped[key] = (units, total + area)
    return [Voter(key=key, households=tuple(units), area=total) for key, (units, total) in grouped.items()]


def figures(voters: Iterable[Voter]) -> Figures:
    total = Figures()
    for voter in voters:
        total += Figures(1, voter.area)
    return total


@dataclass(frozen=True)
class Check:
    """One threshold of art. 278, with the numbers it compared (for the plain-language page)."""

    name: str  # quorum_owners | quorum_area | agree_owners | agree_area
    met: bool
    have: int | Decimal
    of: int | Decimal


def quorum_checks(electorate: Figures, participants: Figures) -> list[Check]:
    """Art. 278: ≥ 2/3 of the area AND ≥ 2/3 of the owners took part. No owners, no decision."""
    some = electorate.owners > 0
    return [
        Check(
            "quorum_owners",
            some and 3 * participants.owners >= 2 * electorate.owners,
            participants.owners,
            electorate.owners,
        ),
        Check("quorum_area", some and 3 * participants.area >= 2 * electorate.area, participants.area, electorate.area),
    ]


def agreement_checks(matter: Matter, participants: Figures, agree: Figures) -> list[Check]:
    """Special: ≥ 3/4 of participating area AND owners; ordinary: > 1/2 of both."""
    some = participants.owners > 0
    if Matter(matter) is Matter.SPECIAL:
        owners_ok = 4 * agree.owners >= 3 * participants.owners
        area_ok = 4 * agree.area >= 3 * participants.area
    else:
        owners_ok = 2 * agree.owners > participants.owners
        area_ok = 2 * agree.area > participants.area
    return [
        Check("agree_owners", some and owners_ok, agree.owners, participants.owners),
        Check("agree_area", some and area_ok, agree.area, participants.area),
    ]


def quorum_met(electorate: Figures, participants: Figures) -> bool:
    return all(check.met for check in quorum_checks(electorate, participants))


def agreed(matter: Matter, participants: Figures, agree: Figures) -> bool:
    return all(check.met for check in agreement_checks(matter, participants, agree))


def tally(matter: Matter, electorate: Figures, ballots: Iterable[tuple[Choice, Decimal]]) -> Tally:
    """Count ballots, one per voter: each is (choice, that voter's area)."""
    by_choice = {choice: Figures() for choice in Choice}
    for choice, area in ballots:
        by_choice[Choice(choice)] += Figures(1, area)
    participants = by_choice[Choice.AGREE] + by_choice[Choice.DISAGREE] + by_choice[Choice.ABSTAIN]
    if participants.owners > electorate.owners or participants.area > electorate.area:
        raise ValueError("more ballots than the electorate holds")
    has_quorum = quorum_met(electorate, participants)
    if not has_quorum:
        result = Result.NO_QUORUM
    elif agreed(matter, participants, by_choice[Choice.AGREE]):
        result = Result.PASSED
    else:
        result = Result.REJECTED
    return Tally(
        electorate=electorate,
        participants=participants,
        agree=by_choice[Choice.AGREE],
        disagree=by_choice[Choice.DISAGREE],
        abstain=by_choice[Choice.ABSTAIN],
        quorum_met=has_quorum,
        result=result,
    )


# ---------------------------------------------------------------------------------------------
# Petitions (改造申请): Nanning's rule — at least 3 owners of 3 different households of the estate
# sign (3名以上业主联名), at least one of them a Party member (至少1名党员).

PETITION_MIN_HOUSEHOLDS = 3
PETITION_MIN_PARTY_MEMBERS = 1


@dataclass(frozen=True)
class Sponsor:
    person: Hashable
    household: Hashable
    is_party_member: bool


def petition_shortfalls(confirmed: Iterable[Sponsor]) -> list[str]:
    """What a petition still lacks, as codes (empty: complete). One code per unmet condition, so
    each gets its own message: 'sponsors' (fewer than 3 people), 'households' (3 people but not of
    3 different households), 'party_member' (no Party member among them)."""
    sponsors = list(confirmed)
    people = {s.person for s in sponsors}
    households = {s.household for s in sponsors}
    missing = []
    if len(people) < PETITION_MIN_HOUSEHOLDS:
        missing.append("sponsors")
    elif len(households) < PETITION_MIN_HOUSEHOLDS:
        missing.append("households")
    if sum(1 for p in {(s.person, s.is_party_member) for s in sponsors} if p[1]) < PETITION_MIN_PARTY_MEMBERS:
        missing.append("party_member")
    return missing

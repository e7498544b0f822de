"""Fair shares' one rule (issue 19 item 2): exact share = total × weight ÷ Σ weights, floored to the
fen, the leftover fen one each to the largest remainders, ties in (building, entrance, floor, room)
order. Checked against a brute force in exact fractions for any totals and weights."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.shares import allocate, parse_coefficients


def brute_force(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    fen = Fraction(total) * 100
    whole = sum(Fraction(w) for w in weights)
    exact = [fen * Fraction(w) / whole for w in weights]
    floors = [math.floor(e) for e in exact]
    leftover = int(fen) - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]


money = st.integers(min_value=0, max_value=10**11).map(lambda fen: Decimal(fen) / 100)  # up to ¥1 billion
areas = st.integers(min_value=0, max_value=30_000_00).map(lambda v: Decimal(v) / 100)  # 0.00 … 30,000.00 m²
weights_4dp = st.integers(min_value=0, max_value=10**9).map(lambda v: Decimal(v) / 10**4)


@settings(max_examples=400, deadline=None)
@given(total=money, weights=st.lists(st.one_of(areas, weights_4dp), min_size=1, max_size=60))
def test_allocate_matches_the_exact_brute_force(total, weights):
    if sum(weights) == 0:
        with pytest.raises(ValueError):
            allocate(total, weights)
        return
    shares = allocate(total, weights)
    assert shares == brute_force(total, weights)
    assert sum(shares) == total  # the item's shares add up to its total, to the fen
    whole = sum(Fraction(w) for w in weights)
    for share, w in zip(shares, weights):
        exact = Fraction(total) * Fraction(w) / whole
        assert share == share.quantize(Decimal("0.01")) and abs(Fraction(share) - exact) < Fraction(1, 100)


def test_worked_examples():
    # Three equal households and ¥100.00: one fen is left over; the first in order gets it.
    assert allocate(Decimal("100.00"), [Decimal(1)] * 3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    # By area: 60 m² and 90 m² share ¥1,000.00 as 400.00 and 600.00.
    assert allocate(Decimal("1000.00"), [Decimal("60.00"), Decimal("90.00")]) == [Decimal("400.00"), Decimal("600.00")]
    # A floor coefficient of 0 pays nothing; the largest remainder takes the odd fen, not the first.
    assert allocate(Decimal("0.10"), [Decimal("0"), Decimal("1.0000"), Decimal("2.0000")]) == [
        Decimal("0.00"),
        Decimal("0.03"),
        Decimal("0.07"),
    ]
    with pytest.raises(ValueError):
        allocate(Decimal("1.00"), [Decimal("-1"), Decimal("2")])


def test_floor_coefficients_are_read_in_plain_words():
    assert parse_coefficients("1:0, 2：0.5\n3=0.8；4＝1") == {
        "1": Decimal("0.00"),
        "2": Decimal("0.50"),
        "3": Decimal("0.80"),
        "4": Decimal("1.00"),
    }
    for bad in ("1", "a:1", "2:-1", "2:0.555", "3:abc", "4:1e400", "5:NaN"):
        with pytest.raises(ValueError):
            parse_coefficients(bad)

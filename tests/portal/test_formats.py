"""One format for money and area everywhere (field test: "7451.83 m²中的794.690000000000 m²" under
SQLite): two decimals with thousands separators, whatever the database hands back."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from portal.templatetags.money import area, cny

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal("7451.83"), "7,451.83"),
        (794.690000000000, "794.69"),  # SQLite's float sum of decimals
        ("794.690000000000", "794.69"),
        (0, "0.00"),
        (Decimal("1234567.805"), "1,234,567.80"),  # banker's rounding at the fen, as Decimal quantize does
        (None, ""),
        ("", ""),
        ("not a number", ""),
    ],
)
def test_money_and_area_print_with_two_decimals(value, shown):
    assert cny(value) == shown
    assert area(value) == shown


def test_every_area_in_a_template_goes_through_the_area_filter():
    """An area is never printed raw: `{{ x.area }}`, `{{ x.area_m2 }}` or a blocktranslate argument."""
    raw = re.compile(r"\{\{\s*\w+(?:\.\w+)*\.(?:area|area_m2|\w+_area)\s*\}\}|\b\w*area=[\w.]+(?:\|\w+)?")
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for line_no, line in enumerate(template.read_text().splitlines(), 1):
            for match in raw.finditer(line):
                if "|area" not in match.group(0):
                    offenders.append(f"{template.relative_to(TEMPLATES)}:{line_no}: {match.group(0)}")
    assert not offenders, offenders

"""Money and areas as residents read them on a notice board: thousands separators and two
decimals, the same in every language and from every database ("1,234,567.80", "7,451.83");
never through floats. Every template prints money with `cny` and an area with `area`."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def two_decimals(value) -> str:
    if value in (None, ""):
        return ""
    try:
        # str() first: SQLite hands back sums of decimals as floats (794.690000000000).
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.2f}"


@register.filter
def cny(value) -> str:
    return two_decimals(value)


@register.filter
def area(value) -> str:
    """Square metres, e.g. `{{ household.area_m2|area }} m²`."""
    return two_decimals(value)

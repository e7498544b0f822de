"""Money as residents read it on a notice board: CNY with thousands separators and two decimals,
the same in every language ("1,234,567.80"); never through floats."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def cny(value) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.2f}"

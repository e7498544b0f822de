"""Query parameters as lists and searches read them: hostile values become "no filter", never a
server error. NUL bytes never reach the database (core.middleware refuses them with a 400); a
number too large for the database, or not a number, is no number; text is cut to a length."""

from __future__ import annotations

# The id columns are bigint; filters on a year or a page take far smaller numbers.
MAX_ID = 2**63 - 1


def bounded_int(value, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """`value` as an int if it is one within [low, high], else None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def text(value, *, max_length: int = 100) -> str:
    """A search or filter text: stripped, without control characters, at most `max_length` long."""
    cleaned = "".join(ch for ch in str(value or "") if ch >= " " or ch in "\t")
    return cleaned.strip()[:max_length]

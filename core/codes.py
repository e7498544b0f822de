"""Codes people copy by hand — a ballot's receipt, an integrity report's tracking code: letters and
digits without look-alikes (no 0/O, 1/I/L), in groups of four, read back however they were typed
(lower case, spaces, other dashes, full-width characters from a Chinese keyboard)."""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(groups: int) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(4 * groups))
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_code(code: str, groups: int) -> str:
    """The code as it was issued, when what was typed has the right length; else as typed, upper case."""
    raw = "".join(ch for ch in unicodedata.normalize("NFKC", code or "").upper() if ch.isalnum())
    if len(raw) == 4 * groups:
        return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    return (code or "").strip().upper()

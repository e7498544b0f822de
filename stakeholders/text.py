"""Small text helpers for personal data (PIPL art. 25: disclose only what is needed)."""

import re

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***, Li Wei → L*** (for where a person must be named publicly)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else ""


def normalize_phone(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix."""
    digits = re.sub(r"[\s-]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits

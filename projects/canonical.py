"""Canonical JSON and its hash (architecture §6): the contract outside verifiers rely on."""

import hashlib
import json
from decimal import Decimal


def canonical_json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def H(obj) -> str:
    """Lowercase hex SHA-256 of the canonical JSON of `obj`."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def money(value: Decimal) -> str:
    """Money and area as strings with exactly two decimals ("1234.50")."""
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"

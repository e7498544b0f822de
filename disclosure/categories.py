"""Ledger categories as people read them: an income's funding source, an expense's renovation
item, or a management-ledger category (the public JSON keeps the code: architecture §6)."""

from __future__ import annotations

from projects import selectors as project_selectors
from projects.models import FundingSource

from .ledger import MANAGEMENT_LABELS


def ledger_category_label(code: str) -> str:
    """A ledger category as people read it: the funding source of an income, the renovation item of
    an expense (the public JSON keeps the code: architecture §6)."""
    sources = dict(FundingSource.choices)
    if code in sources:
        return str(sources[code])
    if code in MANAGEMENT_LABELS:
        return str(MANAGEMENT_LABELS[code])
    return project_selectors.catalog_name(code) or code


def ledger_category_labels() -> dict[str, str]:
    """Every category code → its label (for reports that translate in SQL)."""
    return {
        **project_selectors.catalog_names(),
        **{code: str(label) for code, label in FundingSource.choices},
        **{code: str(label) for code, label in MANAGEMENT_LABELS.items()},
    }

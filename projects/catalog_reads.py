"""The renovation item catalog's reads: the items in order, and their names in the active language
(read once per process and again only when a code turns up that the process has not seen)."""

from __future__ import annotations

from django.utils.translation import get_language

from .models import CatalogItem


def catalog():
    return CatalogItem.objects.order_by("position", "id")


# The catalog is reference data (loaded by a migration): its names are read once per process and
# again only when a code turns up that the process has not seen.
_CATALOG_NAMES: dict[str, tuple[str, str]] = {}


def catalog_names() -> dict[str, str]:
    """code → the item's name in the active language (Chinese unless English is chosen)."""

    if not _CATALOG_NAMES:
        _load_catalog_names()
    chinese = (get_language() or "zh-hans").startswith("zh")
    return {code: zh if chinese else en for code, (zh, en) in _CATALOG_NAMES.items()}


def catalog_name(code: str) -> str | None:
    if code not in _CATALOG_NAMES:
        _load_catalog_names()
    return catalog_names().get(code)


def _load_catalog_names() -> None:
    _CATALOG_NAMES.update({c: (zh, en) for c, zh, en in CatalogItem.objects.values_list("code", "name_zh", "name_en")})

"""The ledger's public format and its hash chain (architecture §6). Pure functions over plain values, so
an outside verifier can repeat every step from ledger.json alone:

    prev_hash(seq 1) = 64 zeros;  hash = H(entry without "hash");  prev_hash(n) = hash(n-1)

where H is the lowercase hex SHA-256 of the canonical JSON (projects.canonical).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from projects.canonical import H, money

from .models import ZERO_HASH

# After acceptance the project's ledger goes on as the estate's management ledger (issue 20 item 4):
# the same chain, entries under these categories — public revenue and fees in, maintenance out
# (Civil Code art. 281: the maintenance fund's use is published). They are counted apart from the
# renovation money (totals, the budget's figures, OC4IDS).
MANAGEMENT_INCOME = ("mgmt_parking", "mgmt_advertising", "mgmt_fees")
MANAGEMENT_EXPENSE = ("mgmt_maintenance_fund", "mgmt_upkeep")
# A resident's volunteer points exchanged for a property-fee credit (issue 20 item 6): an entry of the
# management ledger written only by the exchange (disclosure.services.points_redeem), never typed.
VOLUNTEER_FEE_CREDIT = "mgmt_fee_credit"
MANAGEMENT_CATEGORIES = frozenset(MANAGEMENT_INCOME + MANAGEMENT_EXPENSE + (VOLUNTEER_FEE_CREDIT,))
MAINTENANCE_PAID = ("mgmt_maintenance_fund", "mgmt_upkeep")  # what a maintenance record may name as paid by
MANAGEMENT_CATEGORY_CHOICES = [(code, code) for code in MANAGEMENT_INCOME + MANAGEMENT_EXPENSE]  # the API's codes
MANAGEMENT_LABELS = {
    "mgmt_parking": _("Parking (公共收益)"),
    "mgmt_advertising": _("Advertising (公共收益)"),
    "mgmt_fees": _("Property fees (物业费)"),
    "mgmt_maintenance_fund": _("Maintenance-fund use (维修资金使用)"),
    "mgmt_upkeep": _("Upkeep and repairs (日常维修养护)"),
    VOLUNTEER_FEE_CREDIT: _("Fee credit for volunteer points (志愿者积分抵扣物业费)"),
}


def is_management(document: dict) -> bool:
    return document.get("category") in MANAGEMENT_CATEGORIES


HASHED_FIELDS = (
    "project",
    "seq",
    "date",
    "kind",
    "amount",
    "counterparty",
    "category",
    "memo",
    "reverses",
    "prev_hash",
)


def entry_document(
    *,
    project: str,
    seq: int,
    date,
    kind: str,
    amount,
    counterparty: str,
    category: str,
    memo: str,
    reverses: int | None,
    prev_hash: str,
) -> dict:
    """The entry as published, without its hash."""
    return {
        "project": project,
        "seq": seq,
        "date": date if isinstance(date, str) else date.isoformat(),
        "kind": kind,
        "amount": money(amount),
        "counterparty": counterparty,
        "category": category,
        "memo": memo,
        "reverses": reverses,
        "prev_hash": prev_hash,
    }


def entry_hash(document: dict) -> str:
    return H({key: document[key] for key in HASHED_FIELDS})


def document_of(entry, *, project_code: str) -> dict:
    """A LedgerEntry (with `reverses` loaded or its seq annotated) as published, hash included."""
    reverses = getattr(entry, "reverses_seq", None)
    if reverses is None and entry.reverses_id is not None:
        reverses = entry.reverses.seq
    document = entry_document(
        project=project_code,
        seq=entry.seq,
        date=entry.date,
        kind=entry.kind,
        amount=entry.amount,
        counterparty=entry.counterparty,
        category=entry.category,
        memo=entry.memo,
        reverses=reverses,
        prev_hash=entry.prev_hash,
    )
    document["hash"] = entry.hash
    return document


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_seq: int | None = None
    # "sequence", "link", "hash": an entry was changed; "missing": entries from broken_seq on are
    # gone although a published checkpoint reached `checkpoint_seq`; "checkpoint": the entry at a
    # checkpoint's number has another hash than the one published.
    reason: str = ""
    checkpoint_seq: int | None = None


def verify_chain(documents: list[dict], trusted: tuple[int, str] | None = None) -> ChainCheck:
    """Recompute the chain over published entries (in seq order). The first entry whose number,
    link or hash does not match is reported.

    `trusted`: (seq, hash) of a head a full verification confirmed (Budget.verified_seq/hash, kept
    by the periodic job). When the entry at that number still has that hash, the entries up to it
    are checked for their numbers and links only and their hashes are not recomputed: a page then
    hashes only what came since. Anything else (no such entry, another hash) verifies it all."""
    upto = 0
    if trusted and 0 < trusted[0] <= len(documents) and documents[trusted[0] - 1].get("hash") == trusted[1]:
        upto = trusted[0]
    prev = ZERO_HASH
    for expected_seq, document in enumerate(documents, start=1):
        seq = document.get("seq")
        if seq != expected_seq:
            return ChainCheck(False, len(documents), seq if isinstance(seq, int) else expected_seq, "sequence")
        if document.get("prev_hash") != prev:
            return ChainCheck(False, len(documents), seq, "link")
        if seq > upto and entry_hash(document) != document.get("hash"):
            return ChainCheck(False, len(documents), seq, "hash")
        prev = document["hash"]
    return ChainCheck(True, len(documents))


def verify_against(documents: list[dict], checkpoints, trusted: tuple[int, str] | None = None) -> ChainCheck:
    """The chain recomputed, then held against published heads (`checkpoints`: dicts or objects
    with seq and hash). A chain that is intact but shorter than a checkpoint lost its tail — or was
    emptied; one whose entry at a checkpoint's number has another hash was rewritten. `trusted`:
    as verify_chain."""
    check = verify_chain(documents, trusted)
    if not check.ok:
        return check
    hashes = {d["seq"]: d["hash"] for d in documents}
    for point in sorted(checkpoints, key=lambda c: _get(c, "seq")):
        seq = _get(point, "seq")
        if seq not in hashes:
            return ChainCheck(False, len(documents), len(documents) + 1, "missing", seq)
        if hashes[seq] != _get(point, "hash"):
            return ChainCheck(False, len(documents), seq, "checkpoint", seq)
    return check


def _get(point, name):
    return point[name] if isinstance(point, dict) else getattr(point, name)


def digest_document(*, date: str, heads: dict, prev: str) -> dict:
    """A day's digest as published: every ledger's head at the day's end and the previous digest."""
    return {"date": date, "heads": heads, "prev": prev}


def digest_hash(document: dict) -> str:
    return H({key: document[key] for key in ("date", "heads", "prev")})


def totals(documents: list[dict], *, management: bool = False) -> dict:
    """Income and expense, a reversal cancelling the entry it names in that entry's kind total:
    of the renovation money, or (`management`) of the management ledger that follows it."""
    documents = [d for d in documents if is_management(d) == management]
    kinds = {d["seq"]: d["kind"] for d in documents}
    amounts = {"income": Decimal("0"), "expense": Decimal("0")}
    for d in documents:
        if d["kind"] == "reversal":
            reversed_kind = kinds.get(d["reverses"])
            if reversed_kind in amounts:
                amounts[reversed_kind] -= Decimal(d["amount"])
        elif d["kind"] in amounts:
            amounts[d["kind"]] += Decimal(d["amount"])
    return {
        "income": money(amounts["income"]),
        "expense": money(amounts["expense"]),
        "balance": money(amounts["income"] - amounts["expense"]),
    }


def ledger_document(project_code: str, documents: list[dict]) -> dict:
    document = {
        "project": project_code,
        "currency": "CNY",
        "entries": documents,
        "head": documents[-1]["hash"] if documents else ZERO_HASH,
        "totals": totals(documents),
    }
    if any(is_management(d) for d in documents):
        document["management_totals"] = totals(documents, management=True)
    return document

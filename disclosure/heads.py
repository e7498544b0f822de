"""Reads of the ledger's witnesses (selectors): a project's head checkpoints, the city's daily
digests, and the chain check the public mark shows (the chain, and the last published head)."""

from __future__ import annotations

from . import ledger
from .models import HeadsDigest, LedgerCheckpoint


def checkpoint_document(point) -> dict:
    return {"seq": point["seq"], "hash": point["hash"], "at": point["at"].isoformat()}


def checkpoints_of(project) -> list[dict]:
    """Every head the project's ledger has had, oldest first (heads.json; verify_ledger)."""
    rows = LedgerCheckpoint.objects.filter(project=project).order_by("seq").values("seq", "hash", "at")
    return [checkpoint_document(row) for row in rows]


def last_checkpoint(project) -> list[dict]:
    """The last published head, as a list of none or one (one query)."""
    row = LedgerCheckpoint.objects.filter(project=project).order_by("-seq").values("seq", "hash", "at").first()
    return [checkpoint_document(row)] if row else []


def chain_check(project, documents: list[dict], budget=None) -> ledger.ChainCheck:
    """What the public mark says: the chain recomputed and held against the last published head, so
    an emptied ledger or a removed tail shows ✘ as a changed entry does. With the `budget`, only the
    entries since its verified head are hashed again (the periodic job verifies them all)."""
    trusted = (budget.verified_seq, budget.verified_hash) if budget is not None and budget.verified_seq else None
    if hasattr(project, "ledger_head_seq"):  # annotated by selectors.public_project: no query
        seq = project.ledger_head_seq
        points = [] if seq is None else [{"seq": seq, "hash": project.ledger_head_hash}]
    else:
        points = last_checkpoint(project)
    return ledger.verify_against(documents, points, trusted)


def digests() -> list[HeadsDigest]:
    return list(HeadsDigest.objects.order_by("-date").only("date", "digest", "prev"))


def digest_on(day) -> HeadsDigest | None:
    return HeadsDigest.objects.filter(date=day).first()

"""Writes of the ledger's witnesses: a checkpoint each time a ledger's head changes (in the same
transaction as the entry), and the city's daily digest of every head (the beat, after each day).
Both tables are append-only in the database (migration 0007). What they are for: docs/ledger.md."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .. import heads, ledger, selectors
from ..ledger import digest_document, digest_hash
from ..models import ZERO_HASH, Budget, HeadsDigest, LedgerCheckpoint

# A run catches up at most this many missed days (the next run goes on).
CATCH_UP_DAYS = 400


def checkpoint_record(*, project, seq: int, hash: str) -> LedgerCheckpoint:
    """The ledger's new head. The caller holds the ledger's lock (ledger._append)."""
    return LedgerCheckpoint.objects.create(project=project, seq=seq, hash=hash, at=timezone.now())


def heads_at(moment: datetime) -> dict[str, dict]:
    """Every ledger's head as it stood just before `moment`: {project code: {"seq", "hash"}}."""
    latest = (
        LedgerCheckpoint.objects.filter(project=OuterRef("project"), at__lt=moment).order_by("-seq").values("seq")[:1]
    )
    rows = LedgerCheckpoint.objects.filter(at__lt=moment, seq=Subquery(latest)).values_list(
        "project__code", "seq", "hash"
    )
    return {code: {"seq": seq, "hash": hash} for code, seq, hash in sorted(rows)}


def _day_end(day: Date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def heads_digest_build(*, now=None) -> list[HeadsDigest]:
    """The beat job (hourly, idempotent): the digest of every finished day (Asia/Shanghai) that has
    none yet, from the first checkpointed day on. A day without changes gets a digest too: the
    chain of digests has no gaps, so a missing day is itself visible."""
    today = timezone.localdate(now or timezone.now())
    last = HeadsDigest.objects.order_by("-date").first()
    if last is not None:
        day, prev = last.date + timedelta(days=1), last.digest
    else:
        first = LedgerCheckpoint.objects.order_by("at").values_list("at", flat=True).first()
        if first is None:
            return []
        day, prev = timezone.localdate(first), ZERO_HASH
    made = []
    while day < today and len(made) < CATCH_UP_DAYS:
        document = digest_document(date=day.isoformat(), heads=heads_at(_day_end(day)), prev=prev)
        digest = digest_hash(document)
        try:
            with transaction.atomic():
                made.append(HeadsDigest.objects.create(date=day, heads=document["heads"], prev=prev, digest=digest))
        except IntegrityError:  # a concurrent run made it: continue from the stored one
            digest = HeadsDigest.objects.get(date=day).digest
        day, prev = day + timedelta(days=1), digest
    return made


# --- the verified head (issue 23): pages hash only what came after it --------------------------------


def verified_head_record(project, documents: list[dict], ok: bool) -> None:
    """After a full verification of `documents` (the whole chain): its head is trusted from now on;
    a broken chain trusts nothing, so every page verifies all of it (and shows the break)."""
    head = (len(documents), documents[-1]["hash"]) if ok and documents else (0, "")
    Budget.objects.filter(project=project).update(
        verified_seq=head[0], verified_hash=head[1], verified_at=timezone.now() if ok else None
    )


def ledger_verify_all() -> dict:
    """The periodic job: every ledger verified in full against its published heads, and each
    budget's verified head moved to what was verified (or cleared where the chain is broken)."""
    checked, broken = 0, []
    for budget in Budget.objects.select_related("project").order_by("project_id").iterator():
        documents = selectors.ledger_documents(budget.project)
        check = ledger.verify_against(documents, heads.checkpoints_of(budget.project))
        verified_head_record(budget.project, documents, check.ok)
        checked += 1
        if not check.ok:
            broken.append(f"{budget.project.code}: {check.reason} at {check.broken_seq}")
    return {"checked": checked, "broken": broken}

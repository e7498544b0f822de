"""Sending what notify wrote: each e-mail and SMS claimed once, sent, settled (architecture §6).

The Celery tasks call this module, and services enqueue those tasks, so it sits below both."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import Delivery
from .notifications import send_one


def deliveries_send(*, batch: uuid.UUID | str | None = None, ids=None, now=None) -> dict[str, int]:
    """Send the pending messages of a batch (or the given ids), at most once each.

    Messages are claimed DELIVERY_CLAIM_CHUNK at a time (locked rows skipped, marked `sending` and
    committed before any is handed to its channel), sent, then marked `sent` together: two commits
    per chunk instead of two per message. A second run, a concurrent worker or a re-delivered task
    finds them claimed and skips them. If the sender stops with an exception (SIGTERM, SystemExit)
    the chunk is settled on the way out: what was sent is marked sent, what was never tried goes
    back to pending, the one message in the channel's hands stays `sending` (the sweep marks it
    `unknown`, never resent). Only a SIGKILL mid-chunk leaves the whole chunk `sending`: at most
    DELIVERY_CLAIM_CHUNK messages held back, none sent twice. A channel error puts the row back for
    a later run (up to DELIVERY_MAX_ATTEMPTS)."""
    qs = Delivery.objects.filter(status=Delivery.Status.PENDING)
    if batch is not None:
        qs = qs.filter(batch=batch)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    # "skipped" stays 0: rows another sender holds are invisible here (SKIP LOCKED), kept for callers.
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    after = 0  # one pass: a row that failed and went back to pending waits for the next run
    while True:
        with transaction.atomic():
            rows = list(
                qs.filter(pk__gt=after)
                .select_for_update(skip_locked=True)
                .order_by("id")[: settings.DELIVERY_CLAIM_CHUNK]
            )
            if not rows:
                break
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Delivery.Status.SENDING, claimed_at=timezone.now(), attempts=models.F("attempts") + 1
            )
        after = rows[-1].pk
        sent, failed, tried = [], [], 0
        try:
            for delivery in rows:
                tried += 1
                try:
                    send_one(delivery)
                except Exception as error:  # a channel's own failure: try again later, or give up
                    failed.append((delivery, str(error)[:500]))
                else:
                    sent.append(delivery.pk)
        finally:  # also on the way out of a dying worker: settle what is known
            if sent:
                Delivery.objects.filter(pk__in=sent, status=Delivery.Status.SENDING).update(
                    status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
                )
            untried = [r.pk for r in rows[tried:]]
            if untried:
                Delivery.objects.filter(pk__in=untried, status=Delivery.Status.SENDING).update(
                    status=Delivery.Status.PENDING, attempts=models.F("attempts") - 1
                )
            for delivery, error in failed:
                give_up = delivery.attempts + 1 >= settings.DELIVERY_MAX_ATTEMPTS
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING, error=error
                )
        counts["sent"] += len(sent)
        counts["failed"] += len(failed)
    return counts


def deliveries_sweep(*, now=None) -> dict[str, int]:
    """The beat job: send what is still pending a minute after it was written (a lost task, a
    broker outage), and mark messages stuck in `sending` (their sender died mid-call) `unknown`."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.DELIVERY_STALE_MINUTES)
    unknown = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=stale).update(
        status=Delivery.Status.UNKNOWN
    )
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, created_at__lt=now - timedelta(minutes=1)
    ).values_list("pk", flat=True)
    counts = deliveries_send(ids=list(due[:5000]))
    return {**counts, "unknown": unknown}

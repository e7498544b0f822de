"""The ledger's published witnesses as JSON (docs/ledger.md, "Keeping checkpoints"): a project's
head checkpoints, the list of the city's daily digests, and one day's digest with every head."""

from __future__ import annotations

from datetime import date as Date

from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.replica import replica_ok

from .. import heads, ledger
from .cache import _json
from .projects import _public_project_or_404


@replica_ok
@require_safe
def project_heads_json(request, code: str):
    project = _public_project_or_404(code)
    checkpoints = heads.checkpoints_of(project)
    return _json(
        {
            "project": project.code,
            "head": checkpoints[-1] if checkpoints else None,
            "checkpoints": checkpoints,
            "ledger": request.build_absolute_uri(reverse("disclosure:ledger_json", args=[project.code])),
        },
        cache_seconds=60,
    )


@replica_ok
@require_safe
def heads_json(request):
    return _json(
        {
            "digests": [
                {
                    "date": d.date.isoformat(),
                    "digest": d.digest,
                    "prev": d.prev,
                    "url": request.build_absolute_uri(reverse("disclosure:heads_day", args=[d.date.isoformat()])),
                }
                for d in heads.digests()
            ]
        },
        cache_seconds=300,
    )


@replica_ok
@require_safe
def heads_day_json(request, day: str):
    try:
        parsed = Date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    digest = heads.digest_on(parsed)
    if digest is None:
        raise Http404
    document = ledger.digest_document(date=digest.date.isoformat(), heads=digest.heads, prev=digest.prev)
    return _json({**document, "digest": digest.digest}, cache_seconds=3600)

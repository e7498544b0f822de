"""政策与权利 (issue 18, item 6): pages in plain words the housing bureau writes, one per topic,
linked from the steps where they matter ("很多居民不知道自己也有权利提意见"). Two topics describe
rules the portal itself applies, so until the bureau writes its own text they show the portal's
(translated); the others wait for the city's words."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from stakeholders.audit import by_actor
from stakeholders.models import User

from . import permissions
from .models import GuidePage

Topic = GuidePage.Topic
ERRORS = {
    "not_allowed": _("The housing bureau writes these pages."),
    "text_required": _("Write the page: paragraphs separated by an empty line."),
}
_error = errors_for(ERRORS)

# What the portal does, in plain words (the rules it enforces; projects/rules.py, disclosure/notices.py).
PORTAL_TEXT = {
    Topic.VOTES: [
        _(
            "Every household's voting owner has one vote. A decision needs the participation of owners who "
            "are at least two thirds of all owners and hold at least two thirds of the floor area (Civil Code "
            "art. 278)."
        ),
        _(
            "Ordinary matters pass with more than half of the participating owners and of their area. "
            "Renovation plans, raising or using maintenance funds and changing the use of common parts are "
            "special matters: they pass with at least three quarters of the participating owners and area."
        ),
        _(
            "Abstentions count towards participation but not as agreement. Each ballot gets a receipt code; "
            "anyone can check on the public page that it was counted."
        ),
    ],
    Topic.OBJECTIONS: [
        _(
            "While a plan version is published for comment (at least %(days)s days), owners of the estate comment on "
            "it; the drafters answer every comment — adopted, partly adopted or not adopted, with a reason — "
            "before the plan goes to the vote."
        ),
        _(
            "While the budget is on public notice, everyone who lives in the estate may object on the "
            "project's page “公示与异议”. The street office answers every objection in public; the works are "
            "awarded only after the notice ends and every objection is answered. Your name is never shown."
        ),
        _(
            "A plan vote's result is on notice for %(result_days)s days after the vote closes: objections to "
            "it are answered by the street office before the budget is drafted."
        ),
        _(
            "Complaints about the works, the money or misconduct go through “投诉”: each has deadlines, and "
            "overdue ones are escalated."
        ),
    ],
}


@dataclass(frozen=True)
class Guide:
    topic: str
    label: str
    paragraphs: list
    page: GuidePage | None  # None: the portal's own text, or nothing yet

    @property
    def published(self) -> bool:
        return bool(self.paragraphs)


def _portal_text(topic: str) -> list[str]:
    days = {"days": settings.PLAN_COMMENT_DAYS, "result_days": settings.RESULT_NOTICE_DAYS}
    return [str(p) % days for p in PORTAL_TEXT.get(topic, [])]


def guide(topic: str) -> Guide:
    page = GuidePage.objects.filter(topic=topic).order_by("-edited_at", "-id").first()
    paragraphs = page.paragraphs if page else _portal_text(topic)
    return Guide(topic=topic, label=str(Topic(topic).label), paragraphs=paragraphs, page=page)


def guides() -> list[Guide]:
    """Every topic with its latest page (one query)."""
    latest: dict[str, GuidePage] = {}
    for page in GuidePage.objects.order_by("topic", "-edited_at", "-id"):
        latest.setdefault(page.topic, page)
    return [
        Guide(
            topic=t,
            label=str(Topic(t).label),
            paragraphs=latest[t].paragraphs if t in latest else _portal_text(t),
            page=latest.get(t),
        )
        for t in Topic.values
    ]


@by_actor
@transaction.atomic
def guide_publish(*, actor: User, topic: str, text: str) -> GuidePage:
    if not permissions.can_edit_guides(actor):
        raise PermissionDenied(ERRORS["not_allowed"])
    text = "\n\n".join(p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip())
    if not text:
        raise _error("text_required", "text")
    return GuidePage.objects.create(topic=Topic(topic), text=text[:20000], edited_by=actor)

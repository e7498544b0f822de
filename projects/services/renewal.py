"""续聘 (issue 20 item 5): the firm the estate was handed to at acceptance manages it for the
management section's term. In the term's last MANAGER_RENEWAL_WINDOW_DAYS the street office's
approver calls the owners' vote on renewing it (as every vote made by hand) — an ordinary matter
(Civil Code art. 278 (4)). Passed: the term runs again from its end. Not passed: the contract ends on its day,
and the community committee keeps the estate until the owners choose a firm. The hourly job tells
the street office, the community and the council when the window opens, and ends contracts past
their day."""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from stakeholders import council_selectors
from stakeholders.models import Membership, Notification, Organization
from stakeholders.selectors import street_office_user_ids
from stakeholders.services import notify, organization_revoke

from .. import permissions
from ..after_build import adopted_management, warranty_end
from ..models import Award, Project, ProjectEvent, Vote
from ..revision import project_touch

RENEWAL_NOTES = {
    True: _("The owners renewed the contract of %(name)s (%(result)s): it now runs to %(date)s."),
    False: _(
        "The owners did not renew the contract of %(name)s (%(result)s): it ends on %(date)s; then the community "
        "committee keeps the estate until the owners choose a firm."
    ),
}


def term_end(start: Date | None, years: int | None) -> Date | None:
    """The last day of a term of `years` from `start` (the same day, or the month's last day)."""
    if start is None or not years:
        return None
    return warranty_end(start, 12 * years)


def manager_award(project: Project) -> Award | None:
    return (
        Award.objects.filter(project=project, role=Award.Role.MANAGER, ended_at__isnull=True)
        .select_related("organization")
        .first()
    )


def renewal_due(project: Project, today: Date | None = None) -> Award | None:
    """The manager's award when its contract ends within the window (a renewal vote may be called)."""
    today = today or timezone.localdate()
    award = manager_award(project)
    if award is None or award.term_ends is None:
        return None
    return award if award.term_ends <= today + timedelta(days=settings.MANAGER_RENEWAL_WINDOW_DAYS) else None


def _event(project: Project, note: str) -> None:
    ProjectEvent.objects.create(
        project=project, actor=None, from_status=project.status, to_status=project.status, note=note
    )
    project_touch(project=project)


def renewal_apply(vote: Vote, passed: bool) -> None:
    """What a closed renewal vote decides (in the vote's transaction)."""
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("organization", "project")
        .filter(project_id=vote.project_id, role=Award.Role.MANAGER, ended_at__isnull=True)
        .first()
    )
    if award is None or award.term_ends is None:
        return
    if passed:
        management = adopted_management(award.project)
        years = (management.contract_years if management else None) or settings.MANAGER_DEFAULT_TERM_YEARS
        award.term_ends = term_end(award.term_ends, years)
        award.term_notified = False
        award.save(update_fields=["term_ends", "term_notified"])
    with translation.override(settings.LANGUAGE_CODE):
        note = str(RENEWAL_NOTES[passed]) % {
            "name": award.organization.name,
            "result": str(Vote.Result(vote.result).label),
            "date": award.term_ends.isoformat(),
        }
    _event(award.project, note)


def _told(project: Project) -> set[int]:
    """Whom a contract's end is told to: the street office (it calls the vote), the community
    committee's staff and the council in term."""
    estate = project.estate
    staff = Membership.objects.filter(
        organization__kind=Organization.Kind.COMMUNITY_COMMITTEE, organization__community_id=estate.community_id
    ).values_list("user_id", flat=True)
    council = council_selectors.serving_member_user_ids(estate)
    return set(staff) | council | street_office_user_ids(estate.community.street_id)


def manager_terms_check(now=None) -> dict[str, int]:
    """The hourly job: tell the community and the council once when a contract enters its renewal
    window, and end the contracts whose last day has passed without a renewal."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = today + timedelta(days=settings.MANAGER_RENEWAL_WINDOW_DAYS)
    current = Award.objects.filter(role=Award.Role.MANAGER, ended_at__isnull=True, term_ends__isnull=False)
    told = ended = 0
    for award in current.filter(term_ends__gte=today, term_ends__lte=window, term_notified=False).select_related(
        "organization", "project__estate__community"
    ):
        with transaction.atomic():
            if not Award.objects.filter(pk=award.pk, term_notified=False).update(term_notified=True):
                continue  # another run told them
            notify(
                users=_told(award.project),
                kind=Notification.Kind.MANAGER_TERM_ENDING,
                url=award.project.get_absolute_url(),
                key=f"manager-term:{award.pk}:{award.term_ends.isoformat()}",
                firm=award.organization.name,
                estate=award.project.estate.name,
                date=award.term_ends.isoformat(),
            )
            told += 1
    for award in current.filter(term_ends__lt=today).select_related("organization", "project"):
        with transaction.atomic():
            locked = Award.objects.select_for_update().filter(pk=award.pk, ended_at__isnull=True).first()
            if locked is None:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                reason = str(_("The contract ended on %(date)s without a renewal.") % {"date": award.term_ends})
            locked.ended_at, locked.end_reason = now, reason
            locked.save(update_fields=["ended_at", "end_reason"])
            for perm in (permissions.VIEW, permissions.MANAGE):
                organization_revoke(organization=award.organization, perm=perm, obj=award.project)
            with translation.override(settings.LANGUAGE_CODE):
                note = str(
                    _("The contract of %(name)s ended on %(date)s; the community committee keeps the estate.")
                    % {"name": award.organization.name, "date": award.term_ends.isoformat()}
                )
            _event(award.project, note)
            ended += 1
    return {"told": told, "ended": ended}

"""Reads of the willingness surveys (意愿调查), each in a fixed number of queries: the public list and
results per estate (counts and rates, never a name, a unit or who answered what), the estate's
latest result for its petition page, the city's totals for the bureau, and the desk's lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from projects.models import CatalogItem, Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Estate

from . import permissions
from .models import WillingnessAnswer, WillingnessInvitation, WillingnessSurvey

W, C = WillingnessAnswer.Willing, WillingnessAnswer.Contribute


def pct(part: int, whole: int) -> int | None:
    """A whole percentage (half up), None when there is nothing to divide by."""
    return (200 * part + whole) // (2 * whole) if whole else None


@dataclass
class Result:
    """One estate's answers (or a survey's, or the city's, summed)."""

    households: int = 0
    answered: int = 0
    willing: int = 0
    unwilling: int = 0
    unsure: int = 0
    take_part: int = 0
    contribute: int = 0
    estates_asked: int = 0
    estate: Estate | None = None
    items: list[tuple[CatalogItem, int, int | None]] = field(default_factory=list)

    @property
    def answer_rate(self):
        return pct(self.answered, self.households)

    @property
    def willing_rate(self):
        return pct(self.willing, self.answered)

    @property
    def unwilling_rate(self):
        return pct(self.unwilling, self.answered)

    @property
    def take_part_rate(self):
        return pct(self.take_part, self.answered)

    @property
    def contribute_rate(self):
        return pct(self.contribute, self.answered)

    @property
    def shown(self) -> bool:
        """Rates are published from SURVEY_MIN_RESPONSES answers (fewer could point at a household)."""
        return self.answered >= settings.SURVEY_MIN_RESPONSES

    def add(self, other: Result) -> None:
        for name in ("households", "answered", "willing", "unwilling", "unsure", "take_part", "contribute"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# Named n_*: an annotation may not share a name with the field its filter reads.
_COUNTS = {
    "n_answered": Count("id"),
    "n_willing": Count("id", filter=Q(willing=W.YES)),
    "n_unwilling": Count("id", filter=Q(willing=W.NO)),
    "n_unsure": Count("id", filter=Q(willing=W.UNSURE)),
    "n_take_part": Count("id", filter=Q(take_part=True)),
    "n_contribute": Count("id", filter=Q(contribute=C.YES)),
}


def _counted(row: dict) -> dict:
    return {name.removeprefix("n_"): value for name, value in row.items() if name.startswith("n_")}


def surveys_listed() -> QuerySet[WillingnessSurvey]:
    """Every survey (the list is public: titles, streets, estates, dates — no answers while open)."""
    return (
        WillingnessSurvey.objects.select_related("street", "community")
        .prefetch_related(Prefetch("estates", queryset=Estate.objects.order_by("name")))
        .annotate(answered=Count("answers", distinct=True))
        .order_by("-opened_at", "-id")
    )


def openable_estates(user, now=None) -> list[Estate]:
    """The estates the user's office may ask now — permissions.can_open_willingness_survey as one
    filter (its street's or community's estates, no renovation under way), less those another open
    survey asks (the service decides again on the locked rows)."""
    now = now or timezone.now()
    qs = Estate.objects.select_related("community").order_by("community__name", "name")
    if not stakeholder_permissions.is_platform_admin(user):
        qs = qs.filter(
            Q(community__street_id__in=stakeholder_permissions.street_ids_staffed(user))
            | Q(community_id__in=stakeholder_permissions.community_ids_staffed(user))
        )
    busy = WillingnessSurvey.objects.filter(status=WillingnessSurvey.Status.OPEN, closes_at__gt=now)
    return list(
        qs.exclude(
            pk__in=Project.objects.filter(
                status__in=permissions.WILLINGNESS_BLOCKING_STATUSES, kind=Project.Kind.RENOVATION
            ).values("estate_id")
        ).exclude(willingness_surveys__in=busy)
    )


def survey_of(pk: int) -> WillingnessSurvey | None:
    return (
        WillingnessSurvey.objects.select_related("street", "community", "opened_by")
        .prefetch_related(
            Prefetch("estates", queryset=Estate.objects.select_related("community").order_by("name")),
            Prefetch("items", queryset=CatalogItem.objects.order_by("position", "id")),
        )
        .filter(pk=pk)
        .first()
    )


def estate_results(survey: WillingnessSurvey, *, estate_ids=None) -> list[Result]:
    """One Result per estate of the survey (its prefetched estates and items), in three queries:
    households asked, the answers counted, and the items chosen."""
    estates = [e for e in survey.estates.all() if estate_ids is None or e.pk in estate_ids]
    ids = [e.pk for e in estates]
    results = {e.pk: Result(estate=e) for e in estates}
    asked = WillingnessInvitation.objects.filter(survey=survey, estate_id__in=ids)
    for estate_id, households in asked.values_list("estate_id").annotate(n=Count("id")).order_by():
        results[estate_id].households = households
    answers = WillingnessAnswer.objects.filter(survey=survey, estate_id__in=ids)
    for row in answers.values("estate_id").annotate(**_COUNTS).order_by():
        result = results[row["estate_id"]]
        for name, value in _counted(row).items():
            setattr(result, name, value)
    items = {item.pk: item for item in survey.items.all()}
    chosen = (
        WillingnessAnswer.items.through.objects.filter(willingnessanswer__in=answers)
        .values_list("willingnessanswer__estate_id", "catalogitem_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for estate_id, item_id, n in chosen:
        result = results[estate_id]
        result.items.append((items[item_id], n, pct(n, result.answered)))
    for result in results.values():
        result.items.sort(key=lambda row: (-row[1], row[0].position, row[0].pk))
    return list(results.values())


def summed(results: list[Result]) -> Result:
    total = Result()
    for result in results:
        total.add(result)
    return total


def latest_for_estate(estate: Estate, now=None) -> tuple[WillingnessSurvey, Result] | None:
    """The estate's newest finished survey and its result there, for the petition page (4 queries:
    the survey with its items, and the three counts for this one estate)."""
    now = now or timezone.now()
    survey = (
        WillingnessSurvey.objects.filter(estates=estate)
        .filter(Q(status=WillingnessSurvey.Status.CLOSED) | Q(closes_at__lte=now))
        .prefetch_related(Prefetch("items", queryset=CatalogItem.objects.order_by("position", "id")))
        .order_by("-closes_at", "-id")
        .first()
    )
    if survey is None:
        return None
    survey._prefetched_objects_cache["estates"] = [estate]
    return survey, estate_results(survey, estate_ids={estate.pk})[0]


def city_totals(now=None) -> dict:
    """The bureau's view in three queries: finished surveys summed over the city (households from
    each survey's own count, estates through the estate list, answers counted), and what runs."""
    now = now or timezone.now()
    finished = Q(status=WillingnessSurvey.Status.CLOSED) | Q(closes_at__lte=now)
    surveys = WillingnessSurvey.objects.aggregate(
        households=Sum("households", filter=finished, default=0), running=Count("id", filter=~finished)
    )
    through = WillingnessSurvey.estates.through.objects
    estates = through.aggregate(
        asked=Count(
            "estate_id", distinct=True, filter=Q(willingnesssurvey__in=WillingnessSurvey.objects.filter(finished))
        ),
        running=Count(
            "estate_id", distinct=True, filter=Q(willingnesssurvey__in=WillingnessSurvey.objects.exclude(finished))
        ),
    )
    answers = WillingnessAnswer.objects.filter(survey__in=WillingnessSurvey.objects.filter(finished))
    total = Result(
        households=surveys["households"], estates_asked=estates["asked"], **_counted(answers.aggregate(**_COUNTS))
    )
    return {"total": total, "running": {"surveys": surveys["running"], "estates": estates["running"]}}


def open_invitations_for(user, *, now=None) -> QuerySet[WillingnessInvitation]:
    """Open, unanswered invitations of households whose voting owner is the user (their home page)."""
    now = now or timezone.now()
    return (
        WillingnessInvitation.objects.filter(
            survey__status=WillingnessSurvey.Status.OPEN,
            survey__opened_at__lte=now,
            survey__closes_at__gt=now,
            answer__isnull=True,
            household__ownerships__is_voting_owner=True,
            household__ownerships__resident__user=user,
        )
        .select_related("survey", "estate", "household__building")
        .order_by("survey__closes_at", "id")
    )


def invitation_of_owner(user, pk: int) -> WillingnessInvitation | None:
    """The invitation when the user is its household's voting owner (else None: a 404)."""
    return (
        WillingnessInvitation.objects.filter(
            pk=pk, household__ownerships__is_voting_owner=True, household__ownerships__resident__user=user
        )
        .select_related("survey", "estate", "household__building")
        .first()
    )


def letters_to_print(survey: WillingnessSurvey, *, estate_id: int | None, everyone: bool):
    """Unanswered invitations to print, by building and room — those without a portal account
    (marked for printing) unless `everyone`."""
    qs = WillingnessInvitation.objects.filter(survey=survey, answer__isnull=True).select_related(
        "household__building", "estate"
    )
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if not everyone:
        qs = qs.exclude(delivery="message")
    return qs.order_by("estate__name", "household__building__number", "household__unit", "household__room")


def unanswered(survey: WillingnessSurvey, query: str = ""):
    """The households a paper answer may still be entered for (searched by building or room)."""
    qs = WillingnessInvitation.objects.filter(survey=survey, answer__isnull=True).select_related(
        "household__building", "estate"
    )
    if query:
        qs = qs.filter(Q(household__room__icontains=query) | Q(household__building__number__iexact=query))
    return qs.order_by("estate__name", "household__building__number", "household__unit", "household__room")


def has_answer(invitation: WillingnessInvitation) -> bool:
    return WillingnessAnswer.objects.filter(invitation=invitation).exists()


def answer_texts(survey: WillingnessSurvey, limit: int = 200) -> list[tuple[str, str]]:
    """What residents wrote, with the estate only (for the offices that asked, and the bureau)."""
    return list(
        WillingnessAnswer.objects.filter(survey=survey)
        .exclude(text="")
        .order_by("estate__name", "id")
        .values_list("estate__name", "text")[:limit]
    )


def survey_counts(survey: WillingnessSurvey) -> dict:
    """The desk's figures (one query): asked, answered, by channel, letters to print."""
    return WillingnessInvitation.objects.filter(survey=survey).aggregate(
        asked=Count("id"),
        answered=Count("id", filter=Q(answer__isnull=False)),
        online=Count("id", filter=Q(answer__channel="online")),
        paper=Count("id", filter=Q(answer__channel="paper")),
        to_print=Count("id", filter=Q(delivery="print", answer__isnull=True)),
    )

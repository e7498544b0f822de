"""Report export jobs (the XLSX files built by Celery for their requester)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.files import private_storage


def export_path(instance, filename: str) -> str:
    return f"exports/{instance.pk}.xlsx"


class ExportJob(models.Model):
    """An XLSX export in the making: its progress is what the page's bar shows; the file is kept
    EXPORT_KEEP_HOURS for its requester (and admins) only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted (kept time is over)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("requested by")
    )
    report = models.CharField(_("report"), max_length=20)
    filters = models.JSONField(_("filters"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), storage=private_storage, upload_to=export_path, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # When the job reached the broker; empty while the broker was away (the beat sweep sends it).
    sent_at = models.DateTimeField(_("sent to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requester_recent")]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class GuidePage(models.Model):
    """政策与权利: a page per topic in plain words, which the housing bureau writes (the city's
    policy, residents' rights and deadlines, how votes are counted, how to object, whom to call).
    Every edit is a new version; the latest is shown."""

    class Topic(models.TextChoices):
        # Codes that are no English word a page shows (the words check, tests/portal/test_words.py).
        POLICY = "city-policy", _("The city's renovation policy")
        RIGHTS = "your-rights", _("Your rights and deadlines")
        VOTES = "vote-counting", _("How owners' votes are counted")
        OBJECTIONS = "how-to-object", _("How to comment and object")
        CONTACTS = "whom-to-call", _("Whom to call")

    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    text = models.TextField(_("text"), max_length=20000)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("edited by")
    )
    edited_at = models.DateTimeField(_("edited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("guide page")
        verbose_name_plural = _("guide pages")
        ordering = ["topic", "-edited_at", "-id"]
        indexes = [models.Index(fields=["topic", "-edited_at"], name="guide_latest")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} · {self.edited_at:%Y-%m-%d}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


class StreetScore(models.Model):
    """A month's snapshot of one street's indicators (portal/scoring.py): taken on the first run of
    the month by the beat job, kept so the bureau sees how a street moves."""

    month = models.DateField(_("month"))  # its first day
    street = models.ForeignKey(
        "stakeholders.Street", on_delete=models.CASCADE, related_name="scores", verbose_name=_("street")
    )
    values = models.JSONField(_("indicators"), default=dict)  # code → number or null, as computed
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("street score")
        verbose_name_plural = _("street scores")
        ordering = ["-month", "street"]
        constraints = [models.UniqueConstraint(fields=["month", "street"], name="street_score_once_a_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.street}"

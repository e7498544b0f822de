"""并联审批 (issue 22 items 1–2): the matters departments approve (the bureau's catalog), the street
office's one submission of an adopted plan, each matter's review in its department's queue, and the
calendar of public holidays and 调休 working days the clock counts by."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.files import UploadPath, private_storage


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a public holiday on a weekday (法定节假日), or a
    weekend day that is worked (调休上班), from the State Council's yearly notice."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (放假)")
        WORKDAY = "workday", _("Working day on a weekend (调休上班)")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class Matter(models.Model):
    """One approval matter of the catalog (审批事项): which department, in how many working days,
    with which documents, and which project kinds or plan items trigger it."""

    name = models.CharField(_("matter"), max_length=120)
    department = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="matters", verbose_name=_("department")
    )
    time_limit = models.PositiveSmallIntegerField(_("time limit (working days)"))
    documents = models.TextField(_("documents required"), max_length=2000, blank=True)
    # Triggered by a project of one of these kinds (codes of projects.Project.Kind; empty: any kind)
    # that has one of these plan items (empty: every plan).
    project_kinds = models.JSONField(_("project kinds"), default=list, blank=True)
    items = models.ManyToManyField(
        "projects.CatalogItem", blank=True, related_name="matters", verbose_name=_("plan items that trigger it")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("approval matter")
        verbose_name_plural = _("approval matters")
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="matter_name_unique_per_department"),
            models.CheckConstraint(condition=Q(time_limit__gte=1, time_limit__lte=120), name="matter_time_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.name}"


class Submission(models.Model):
    """一口受理: the street office submits the adopted plan once; its matters open together."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="submissions", verbose_name=_("project")
    )
    plan_version = models.ForeignKey(
        "projects.PlanVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("plan version")
    )
    note = models.TextField(_("note to the departments"), max_length=2000, blank=True)
    document = models.FileField(
        _("shared documents"), storage=private_storage, upload_to=UploadPath("submissions"), blank=True
    )
    document_content_type = models.CharField(max_length=40, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["project", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project"], name="one_submission_per_project")]


class Review(models.Model):
    """One matter of a submission in its department's queue; returned, it comes back as the next
    round when the street office resubmits."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Under review")
        APPROVED = "approved", _("Approved")
        CONDITIONS = "conditions", _("Approved with conditions")
        RETURNED = "returned", _("Returned with reasons")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("matter"))
    department = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days taken"), null=True, blank=True)
    text = models.TextField(_("conditions or reasons"), max_length=2000, blank=True)
    resubmit_note = models.TextField(_("what was changed"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("decided by")
    )
    escalated_at = models.DateTimeField(_("sent up to the bureau at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submission", "matter", "round"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "matter", "round"], name="one_review_per_round"),
            models.UniqueConstraint(
                fields=["submission", "matter"], condition=Q(status="pending"), name="one_pending_review_per_matter"
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="review_queue")]

    def __str__(self) -> str:
        return f"{self.matter} #{self.round}: {self.get_status_display()}"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.CONDITIONS)

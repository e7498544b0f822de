"""Residents' voice during and after the works (architecture §7): complaints with deadlines, satisfaction
surveys with one invitation and at most one answer per household."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StoredPhoto
from projects.models import Project


class Complaint(models.Model):
    """A resident's complaint about a project. Routed by its category (feedback/lifecycle.py ROUTES)
    to the organization that must answer it; the filer sees every update; the public sees only counts."""

    class Category(models.TextChoices):
        QUALITY = "quality", _("Quality of the works")
        SAFETY = "safety", _("Safety")
        NUISANCE = "nuisance", _("Noise or dust")
        WASTE = "waste", _("Construction waste (建筑垃圾)")
        SCHEDULE = "schedule", _("Schedule")
        FUND_USE = "fund_use", _("Use of the funds")
        INTEGRITY = "integrity", _("Integrity tip (misconduct)")
        OTHER = "other", _("Other")

    class Route(models.TextChoices):
        WORKS = "works", _("Contractor and supervisor")
        STREET = "street", _("Street office")
        COMMUNITY = "community", _("Community committee")
        # After the warranty: the firm or utility that maintains the renovated facility (issue 20).
        MAINTAINER = "maintainer", _("Who maintains the facility")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("Being dealt with")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Escalation(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("not acknowledged in time")
        RESOLVE = "resolve", _("not resolved in time")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("project"))
    filed_by = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("filed by")
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    route = models.CharField(_("routed to"), max_length=10, choices=Route.choices)
    # The organization answerable when it was filed (shown in lists; Open311's agency_responsible).
    agency = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("organization")
    )
    text = models.TextField(_("what is wrong"), max_length=4000)
    building = models.ForeignKey(
        "stakeholders.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    location = models.CharField(_("where in the estate"), max_length=200, blank=True)
    # A renovated item the complaint is about (after completion): inside its warranty it goes to
    # the contractor, with the warranty's last day; after, to whoever maintains it (issue 20).
    plan_item = models.ForeignKey(
        "projects.PlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("renovated item"),
    )
    warranty_until = models.DateField(_("under warranty until"), null=True, blank=True)
    # Where the filer said it is (Open311 clients send a point; WGS 84) and a link to their photo
    # elsewhere: for the people who answer, never published.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # A CharField with the URL validator: the same check, without forms.URLField's scheme guessing.
    media_url = models.CharField(
        _("photo link"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    acknowledge_due = models.DateTimeField(_("acknowledge by"))
    resolve_due = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation = models.CharField(_("escalated because"), max_length=12, choices=Escalation.choices, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status"], name="complaint_project_status"),
            models.Index(fields=["status", "acknowledge_due"], name="complaint_ack_due"),
            models.Index(fields=["status", "resolve_due"], name="complaint_resolve_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolve_due__gte=models.F("acknowledge_due")), name="complaint_resolve_after_ack"
            ),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True, escalation="")
                | Q(escalated_at__isnull=False) & ~Q(escalation=""),
                name="complaint_escalation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:

        return reverse("feedback:complaint", args=[self.pk])


class ComplaintUpdate(models.Model):
    """One step of a complaint's history: a status change or a message, by whom (and for which
    organization). The filer sees them all."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="updates", verbose_name=_("complaint")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
        help_text=_("Empty for the portal's own steps (escalation, closing)."),
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for organization"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Complaint.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Complaint.Status.choices, blank=True)
    text = models.TextField(_("message"), max_length=4000, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint update")
        verbose_name_plural = _("complaint updates")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.complaint_id}: {self.from_status or '—'} → {self.to_status or '—'}"


class ComplaintPhoto(StoredPhoto):
    """A photo with the complaint, re-encoded without metadata (core.photos). Not public:
    shown only to those who may see the complaint."""

    PHOTO_FOLDERS = ("complaint-photos", "complaint-thumbs")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="photos", verbose_name=_("complaint")
    )

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["complaint", "id"]


# ---------------------------------------------------------------------------------------------
# Satisfaction surveys


class Survey(models.Model):
    """A satisfaction survey of one project's households: after completion, and a year later."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("After completion")
        FOLLOW_UP = "follow_up", _("One-year follow-up")
        YEARLY = "yearly", _("Yearly follow-up")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    remind_at = models.DateTimeField(_("reminders from"))
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households invited"), default=0)
    # A yearly follow-up's year after acceptance (2, 3, …); 0 for the completion and one-year surveys.
    year = models.PositiveSmallIntegerField(_("year after acceptance"), default=0)
    # The firm the estate was handed over to at acceptance, when the survey opened: a follow-up
    # survey then also asks about its management, and the answers rate it (issue 20 item 5).
    manager = models.ForeignKey(
        "stakeholders.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager rated"),
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One survey of each kind (and year) per project: a re-run of the job cannot open a second one.
            models.UniqueConstraint(fields=["project", "kind", "year"], name="one_survey_per_kind_year_per_project"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opened_at")), name="survey_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.title}"

    @property
    def title(self) -> str:
        """What residents read: the kind, and for a yearly follow-up which year after acceptance."""
        if self.kind == self.Kind.YEARLY:
            return _("Follow-up in year %(n)s after acceptance") % {"n": self.year}
        return self.get_kind_display()

    @property
    def questions(self) -> tuple[str, ...]:
        """The 1–5 questions it asks: the six, and the management one when it rates a manager."""
        return Response.QUESTIONS + (("management",) if self.manager_id else ())


class Invitation(models.Model):
    """One household's invitation to a survey. Its link carries a signed token (feedback/tokens.py)
    made from the id and `nonce`; it works without signing in, once."""

    class Delivery(models.TextChoices):
        MESSAGE = "message", _("Sent to the voting owner")
        PRINT = "print", _("To be printed (no portal account)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey"))
    household = models.ForeignKey(
        "stakeholders.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    nonce = models.CharField(_("token nonce"), max_length=32, editable=False)
    delivery = models.CharField(_("how it reaches the household"), max_length=8, choices=Delivery.choices, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "id"]
        constraints = [
            # One invitation per household per survey, whatever re-runs.
            models.UniqueConstraint(fields=["survey", "household"], name="one_invitation_per_household"),
        ]
        indexes = [models.Index(fields=["survey", "sent_at"], name="invitation_sent")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.household_id}"


class Response(models.Model):
    """A household's answer (at most one: the invitation is unique). Scores 1 (very dissatisfied)
    to 5 (very satisfied); the free text is shown to the street office and the bureau only."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper (entered by the community committee)")

    QUESTIONS = ("overall", "quality", "schedule", "communication", "conduct", "transparency")

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, related_name="response", verbose_name=_("invitation")
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    overall = models.PositiveSmallIntegerField(_("Overall, how satisfied are you with the renovation?"))
    quality = models.PositiveSmallIntegerField(_("Quality of the works"))
    schedule = models.PositiveSmallIntegerField(_("Keeping to the schedule"))
    communication = models.PositiveSmallIntegerField(_("Information and communication"))
    conduct = models.PositiveSmallIntegerField(_("Conduct on site (noise, dust, tidiness, safety)"))
    transparency = models.PositiveSmallIntegerField(_("Openness about money and decisions"))
    # Asked only when the survey rates a manager (Survey.manager).
    management = models.PositiveSmallIntegerField(
        _("The estate's management since the works (物业服务)"), null=True, blank=True
    )
    text = models.TextField(_("Anything else you want to tell us?"), max_length=2000, blank=True)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["survey", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{q}__gte": 1, f"{q}__lte": 5}), name=f"response_{q}_1_to_5")
            for q in ("overall", "quality", "schedule", "communication", "conduct", "transparency")
        ] + [
            models.CheckConstraint(
                condition=Q(management__isnull=True) | Q(management__gte=1, management__lte=5),
                name="response_management_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.overall}"


class WillingnessSurvey(models.Model):
    """意愿调查: before a project, the street office or a community committee asks the households of
    one or more estates whether they want their estate renovated, which items matter to them, and
    whether they would take part and contribute (issue 18 item 1). Answered online, through a
    printed QR letter, or on paper entered by the community; results per estate are public
    (rates, no names)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=120)
    street = models.ForeignKey(
        "stakeholders.Street", on_delete=models.PROTECT, related_name="willingness_surveys", verbose_name=_("street")
    )
    # Set when a community committee opened it (its estates only); empty when the street office did.
    community = models.ForeignKey(
        "stakeholders.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="willingness_surveys",
        verbose_name=_("community"),
    )
    estates = models.ManyToManyField(
        "stakeholders.Estate", related_name="willingness_surveys", verbose_name=_("estates")
    )
    items = models.ManyToManyField(
        "projects.CatalogItem", related_name="willingness_surveys", verbose_name=_("renovation items asked about")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households asked"), default=0)

    class Meta:
        verbose_name = _("willingness survey")
        verbose_name_plural = _("willingness surveys")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opened_at")), name="willingness_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:willingness", args=[self.pk])

    @property
    def last_day(self):
        """The last day to answer (it closes at the next midnight, Asia/Shanghai)."""
        return timezone.localtime(self.closes_at - timedelta(seconds=1)).date()


class WillingnessInvitation(models.Model):
    """One household's invitation to a willingness survey; its link carries a signed token
    (feedback/tokens.py, a salt of its own) and works without signing in, once."""

    survey = models.ForeignKey(
        WillingnessSurvey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    household = models.ForeignKey(
        "stakeholders.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    estate = models.ForeignKey(
        "stakeholders.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate")
    )
    nonce = models.CharField(_("token nonce"), max_length=32, editable=False)
    delivery = models.CharField(
        _("how it reaches the household"), max_length=8, choices=Invitation.Delivery.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("willingness survey invitation")
        verbose_name_plural = _("willingness survey invitations")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "household"], name="one_willingness_invitation_per_household"),
        ]
        indexes = [models.Index(fields=["survey", "sent_at"], name="willingness_invitation_sent")]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.household_id}"


class WillingnessAnswer(models.Model):
    """A household's answer (at most one: the invitation is unique). The free text is read by the
    street office, the community committee and the bureau only; everything else is counted."""

    class Willing(models.TextChoices):
        YES = "yes", _("Yes, renovate our estate")
        NO = "no", _("No, not our estate")
        UNSURE = "unsure", _("Not sure yet")

    class Contribute(models.TextChoices):
        YES = "yes", _("Yes, I would pay a fair share")
        NO = "no", _("No")
        UNSURE = "unsure", _("It depends on the amount")

    invitation = models.OneToOneField(
        WillingnessInvitation, on_delete=models.PROTECT, related_name="answer", verbose_name=_("invitation")
    )
    survey = models.ForeignKey(
        WillingnessSurvey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("survey")
    )
    estate = models.ForeignKey(
        "stakeholders.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("estate")
    )
    willing = models.CharField(_("Do you want your estate renovated?"), max_length=6, choices=Willing.choices)
    items = models.ManyToManyField(
        "projects.CatalogItem", blank=True, related_name="+", verbose_name=_("What should be done?")
    )
    take_part = models.BooleanField(
        _("Would you take part (residents' meetings, supervising the works, volunteering)?"), default=False
    )
    contribute = models.CharField(_("Would you contribute to the cost?"), max_length=6, choices=Contribute.choices)
    text = models.TextField(_("Anything else you want to tell us?"), max_length=2000, blank=True)
    channel = models.CharField(_("channel"), max_length=6, choices=Response.Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("willingness survey answer")
        verbose_name_plural = _("willingness survey answers")
        ordering = ["survey", "id"]
        indexes = [models.Index(fields=["survey", "estate"], name="willingness_answer_estate")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.willing}"


class IntegrityReport(models.Model):
    """An integrity or fund-use report (廉洁、资金使用问题举报, issue 21 item 3). It goes to the city's
    discipline-inspection office and the housing bureau — never to the street office it may concern
    — and is escalated up (the bureau's leadership), not back. Filed with an account whose identity
    only the inspection office sees, or with no account at all; the reporter follows it with a
    tracking code, shown once (only its hash is kept). The public sees counts per street."""

    class Kind(models.TextChoices):
        INTEGRITY = "integrity", _("Misconduct (e.g. bribes, cut corners covered up)")
        FUND_USE = "fund_use", _("Use of the renovation money")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Received, waiting to be taken on")
        ACKNOWLEDGED = "acknowledged", _("Taken on by the inspection office")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("what it is about"), max_length=10, choices=Kind.choices)
    street = models.ForeignKey(
        "stakeholders.Street", on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    text = models.TextField(_("what happened"), max_length=4000)
    # Who filed it, if signed in: seen by the inspection office only; None when filed with no account.
    reporter = models.ForeignKey(
        "stakeholders.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporter"),
    )
    contact = models.CharField(_("how to reach the reporter (optional)"), max_length=100, blank=True)
    tracking_hash = models.CharField(_("tracking code (hash)"), max_length=64, unique=True, editable=False)
    agency = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("inspection office")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    acknowledge_due = models.DateTimeField(_("take on by"))
    answer_due = models.DateTimeField(_("answer by"))
    acknowledged_at = models.DateTimeField(_("taken on at"), null=True, blank=True)
    answer = models.TextField(_("the inspection office's answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The form's one-time token: the same form sent twice (a double tap) files one report.
    submission_key = models.CharField(_("submission key"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("integrity report")
        verbose_name_plural = _("integrity reports")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_due__gte=models.F("acknowledge_due")), name="integrity_answer_after_ack"
            ),
            models.UniqueConstraint(
                fields=["submission_key"], condition=~Q(submission_key=""), name="integrity_submission_once"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.get_status_display()})"


class IntegrityMessage(models.Model):
    """What the reporter (through the tracking code) and the inspection office write to each other."""

    report = models.ForeignKey(
        IntegrityReport, on_delete=models.CASCADE, related_name="messages", verbose_name=_("report")
    )
    from_office = models.BooleanField(_("from the inspection office"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("message"), max_length=4000)
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integrity report message")
        verbose_name_plural = _("integrity report messages")
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"#{self.report_id} · {self.written_at:%Y-%m-%d}"

"""The money and the work, in the open (architecture §5): the approved budget and its funding sources, the
hash-chained ledger, milestones and progress with photos."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import UploadPath, private_storage
from core.models import StoredPhoto
from projects.models import FundingSource, PlanItem, Project

ZERO_HASH = "0" * 64


class Budget(models.Model):
    """The project's budget: drafted from the adopted plan, approved and published (公示) by the
    street approver. Its funding lines add up to the total."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published (公示)")

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="budget", verbose_name=_("project"))
    total = models.DecimalField(_("total (CNY)"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    # The ledger's net totals (entries minus their reversals), kept by disclosure.services._append
    # in the same transaction as each entry, under the same lock: the city index adds up a few
    # hundred of these instead of a million entries. tests/disclosure/test_ledger.py checks them
    # against the entries; disclosure.services.ledger_totals_refresh recomputes them.
    ledger_income = models.DecimalField(
        _("received per the ledger (CNY)"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    ledger_spent = models.DecimalField(
        _("spent per the ledger (CNY)"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    # The head a full verification of the chain confirmed (disclosure.services.ledger_verify_all, run
    # by a periodic job and by verify_ledger): pages hash only the entries after it (issue 23).
    verified_seq = models.PositiveIntegerField(_("verified up to entry"), default=0, editable=False)
    verified_hash = models.CharField(_("hash of that entry"), max_length=64, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [models.CheckConstraint(condition=models.Q(total__gt=0), name="budget_total_positive")]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.total}"


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget"))
    source = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["budget", "source"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "source"], name="budget_one_line_per_source"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_line_positive"),
        ]


class UtilityShare(models.Model):
    """The part of a budget's utility line (专营单位出资) one utility is asked to carry: named by the
    street office, confirmed or disputed (with its reason) by the utility before the budget can be
    approved. A changed amount asks again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the utility")
        CONFIRMED = "confirmed", _("Confirmed by the utility")
        DISPUTED = "disputed", _("Disputed by the utility")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="utility_shares")
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("utility")
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(_("the utility's reason or note"), max_length=1000, blank=True)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("named by")
    )
    named_at = models.DateTimeField(_("asked at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("utility's share")
        verbose_name_plural = _("utilities' shares")
        ordering = ["budget", "organization__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "organization"], name="utility_share_once_per_budget"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="utility_share_positive"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="utility_share_queue")]

    def __str__(self) -> str:
        return f"{self.organization} {self.amount} ({self.get_status_display()})"


class LedgerEntryQuerySet(models.QuerySet):
    def chain(self, project_id: int):
        return self.filter(project_id=project_id).order_by("seq")


class LedgerEntry(models.Model):
    """One line of the project's public ledger (architecture §6). Append-only: the database refuses
    UPDATE and DELETE (a trigger); a mistake is corrected by a reversal entry."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")
        REVERSAL = "reversal", _("Reversal (correction)")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("project")
    )
    seq = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    counterparty = models.CharField(_("paid by / paid to"), max_length=200)
    # Public category code: a funding source for income, the plan item's catalog code for expense.
    category = models.CharField(_("category"), max_length=40)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("plan item"),
    )
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses entry"),
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Invoices and receipts may name people: private, served after a permission check.
    voucher = models.FileField(
        _("voucher"), storage=private_storage, upload_to=UploadPath("ledger-vouchers"), blank=True
    )
    voucher_content_type = models.CharField(_("voucher file type"), max_length=50, blank=True)
    # The form's (or the API client's Idempotency-Key) token: a repeated submission returns the
    # entry the first one recorded instead of a second entry. Not part of the published document.
    submission_key = models.CharField(_("submission key"), max_length=64, blank=True, default="", editable=False)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["project", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["project", "seq"], name="ledger_seq_unique_per_project"),
            models.UniqueConstraint(
                fields=["project", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="ledger_submission_once",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="ledger_seq_from_one"),
            models.CheckConstraint(
                condition=models.Q(kind="reversal", reverses__isnull=False)
                | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                name="ledger_reversal_names_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} #{self.seq} {self.get_kind_display()} {self.amount}"


class LedgerCheckpoint(models.Model):
    """A ledger's head each time it changes: (seq, hash, when). Published in the project's
    heads.json and in the city's daily digest, append-only like the ledger (docs/ledger.md). A
    ledger shorter than its last checkpoint, or whose entry at a checkpoint's number has another
    hash, lost or changed entries — also when the ledger was emptied."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="ledger_checkpoints", verbose_name=_("project")
    )
    seq = models.PositiveIntegerField(_("number"))
    hash = models.CharField(_("hash"), max_length=64)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="checkpoint_once_per_seq")]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.seq} {self.hash[:12]}"


class HeadsDigest(models.Model):
    """The city's daily digest: every ledger's head at the end of a day (Asia/Shanghai), hashed
    together with the previous day's digest — one short value a newspaper, an auditor or a resident
    can keep that commits to every ledger as it stood (docs/ledger.md, "Keeping checkpoints")."""

    date = models.DateField(_("date"), unique=True)
    heads = models.JSONField(_("heads"))  # {project code: {"seq": n, "hash": h}}
    prev = models.CharField(_("previous digest"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest of ledger heads")
        verbose_name_plural = _("daily digests of ledger heads")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.digest[:12]}"


class Milestone(models.Model):
    """A dated step of the works (OCDS/OC4IDS milestone type and status codelists)."""

    class Type(models.TextChoices):
        PRE_PROCUREMENT = "preProcurement", _("Preparation")
        APPROVAL = "approval", _("Approval")
        ENGAGEMENT = "engagement", _("Residents' engagement")
        ASSESSMENT = "assessment", _("Inspection / acceptance")
        DELIVERY = "delivery", _("Delivery of works")
        REPORTING = "reporting", _("Reporting")
        FINANCING = "financing", _("Financing")
        PAYMENT = "payment", _("Payment")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MET = "met", _("Met")
        NOT_MET = "notMet", _("Not met")
        PARTIALLY_MET = "partiallyMet", _("Partially met")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.DELIVERY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    due_date = models.DateField(_("planned date"))
    date_met = models.DateField(_("date met"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["met", "partiallyMet"], date_met__isnull=False)
                | (~models.Q(status__in=["met", "partiallyMet"]) & models.Q(date_met__isnull=True)),
                name="milestone_met_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """The contractor's report: how far one plan item (or the whole project) has got."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("project")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("plan item"),
        help_text=_("Leave empty for the whole project."),
    )
    percent = models.PositiveSmallIntegerField(_("percent complete"))
    # The whole project's progress after this post (the item percents weighted by their cost), so
    # lists read one indexed row per project.
    project_percent = models.PositiveSmallIntegerField(_("project percent complete"))
    text = models.TextField(_("what was done"), max_length=4000, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("contractor")
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="progress_percent_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(project_percent__lte=100), name="progress_project_percent_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "plan_item", "-posted_at"], name="progress_latest"),
            models.Index(fields=["project", "-posted_at"], name="progress_project_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.percent}%"


class ProgressPhoto(StoredPhoto):
    """A photo of the works, stripped of its metadata (EXIF location, device) before it is stored;
    public, so served with long cache headers from a view."""

    PHOTO_FOLDERS = ("progress-photos", "progress-thumbs")

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="photos", verbose_name=_("progress update")
    )

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["update", "id"]


class Inspection(models.Model):
    """施工检查记录: a council representative's inspection note on the works (what they found, with
    photos), which the contractor must answer by `answer_due`. Public without names: the page says
    "a council representative" and the contractor's name."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("project")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("plan item"),
        help_text=_("Leave empty for the works as a whole."),
    )
    findings = models.TextField(_("what was found"), max_length=2000)
    location = models.CharField(_("where"), max_length=200, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)
    # The contractor when it was posted: it must answer (and is counted on its public page).
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("contractor")
    )
    answer_due = models.DateTimeField(_("answer by"))
    answer = models.TextField(_("the contractor's answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set once the street office was told the answer is late (the beat task; never twice).
    overdue_notified_at = models.DateTimeField(_("street office told of the delay at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection note")
        verbose_name_plural = _("inspection notes")
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(
                fields=["answer_due"], condition=models.Q(answered_at__isnull=True), name="inspection_open_due"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True, answer="")
                | models.Q(answered_at__isnull=False) & ~models.Q(answer=""),
                name="inspection_answer_has_text",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.posted_at:%Y-%m-%d}"

    def is_overdue(self, now=None) -> bool:
        """Not answered by its deadline (still waiting, or answered after it)."""
        now = now or timezone.now()
        return (self.answered_at or now) > self.answer_due


class InspectionPhoto(StoredPhoto):
    """A photo of an inspection note (metadata stripped), public like progress photos."""

    PHOTO_FOLDERS = ("inspection-photos", "inspection-thumbs")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name=_("inspection note")
    )

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection", "id"]


class MaintenanceRecord(models.Model):
    """维修养护记录 (issue 20 item 4): after acceptance the estate's manager — or, without a firm, its
    community committee — records the repairs and upkeep done, with photos. Public, naming the
    organization, never the person."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="maintenance_records", verbose_name=_("project")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renovated item"),
        help_text=_("Leave empty for the estate as a whole."),
    )
    done_on = models.DateField(_("done on"))
    work = models.TextField(_("what was done"), max_length=2000)
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("done by")
    )
    # What paid for it: an upkeep or maintenance-fund entry of the management ledger, if any.
    ledger_entry = models.ForeignKey(
        "LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintenance_records",
        verbose_name=_("paid by ledger entry"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.done_on}"


class MaintenancePhoto(StoredPhoto):
    """A photo of maintenance work (metadata stripped), public like progress photos."""

    PHOTO_FOLDERS = ("maintenance-photos", "maintenance-thumbs")

    record = models.ForeignKey(
        MaintenanceRecord, on_delete=models.CASCADE, related_name="photos", verbose_name=_("maintenance record")
    )

    class Meta:
        verbose_name = _("maintenance photo")
        verbose_name_plural = _("maintenance photos")
        ordering = ["record", "id"]


class Objection(models.Model):
    """异议: a resident's objection to a public notice (公示) — the budget's, or a plan vote's
    result — filed during the notice period. The street office answers each; until every one is
    answered and the period is over, the next step waits (the award; the budget). Public without
    names."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objections", verbose_name=_("project"))
    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, null=True, blank=True, related_name="objections", verbose_name=_("budget")
    )
    vote = models.ForeignKey(
        "projects.Vote",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("vote result"),
    )
    filed_by = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    text = models.TextField(_("objection"), max_length=2000)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    answer = models.TextField(_("the street office's answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True, answer="")
                | models.Q(answered_at__isnull=False) & ~models.Q(answer=""),
                name="objection_answer_has_text",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=False, vote__isnull=True)
                | models.Q(budget__isnull=True, vote__isnull=False),
                name="objection_to_one_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.filed_at:%Y-%m-%d}"


class SharePayment(models.Model):
    """居民自筹, household by household (issue 19): a household's payment of its share (amount, date,
    channel, receipt number) or its exemption with the reason (hardship, decided by the council), or
    the ground-floor compensation paid out to it (with the receipt it signed).
    Recorded by the community committee or the council; a ledger batch of residents' income names
    the payments it brings in and must equal their sum. Public only as counts and sums per building."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        EXEMPTION = "exemption", _("Exemption")
        # The ground-floor compensation paid to a household of the compensated floors (底层住户补偿).
        PAYOUT = "payout", _("Ground-floor compensation paid")

    class Channel(models.TextChoices):
        CASH = "cash", _("Cash (with a receipt)")
        BANK = "bank", _("Bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="share_payments", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "stakeholders.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    reason = models.CharField(_("reason for the exemption"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The ledger's income entry (residents' contributions) that brought this payment in.
    ledger_entry = models.ForeignKey(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="share_payments",
        verbose_name=_("ledger batch"),
    )

    class Meta:
        verbose_name = _("share payment")
        verbose_name_plural = _("share payments")
        ordering = ["project", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="share_payment_positive"),
            models.CheckConstraint(
                condition=models.Q(kind__in=("payment", "payout"), reason="")
                & ~models.Q(channel="")
                & ~models.Q(receipt_no="")
                | models.Q(kind="exemption", channel="", receipt_no="", ledger_entry__isnull=True)
                & ~models.Q(reason=""),
                name="share_payment_complete",
            ),
            models.UniqueConstraint(
                fields=["project", "receipt_no"],
                condition=models.Q(kind__in=("payment", "payout")),
                name="share_receipt_once",
            ),
            models.UniqueConstraint(
                fields=["project", "household"], condition=models.Q(kind="exemption"), name="share_exempt_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.household} · {self.amount}"


class VolunteerRate(models.Model):
    """志愿者积分兑换比例 (issue 20 item 6): what one volunteer point is worth against the property
    fee, as the estate's council agreed at a meeting whose minutes are recorded. The latest applies;
    the earlier ones stay as the record of what each exchange used."""

    estate = models.ForeignKey(
        "stakeholders.Estate", on_delete=models.PROTECT, related_name="volunteer_rates", verbose_name=_("estate")
    )
    yuan_per_point = models.DecimalField(_("CNY per point"), max_digits=6, decimal_places=2)
    meeting = models.ForeignKey(
        "stakeholders.CouncilMeeting", on_delete=models.PROTECT, related_name="+", verbose_name=_("agreed at")
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    set_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer points rate")
        verbose_name_plural = _("volunteer points rates")
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(yuan_per_point__gt=0), name="volunteer_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.estate}: ¥{self.yuan_per_point}"


class VolunteerLog(models.Model):
    """Volunteer work a resident of the estate did (志愿服务), confirmed — or declined with a reason —
    by a representative of the estate's council; confirmed work earns points by the hour."""

    class Activity(models.TextChoices):
        INSPECTION = "inspection", _("Site inspection walk")
        MEETING = "meeting", _("Help at a meeting")
        GARDEN = "garden", _("Garden care")
        CLEANING = "cleaning", _("Cleaning the estate")
        CARE = "care", _("Help for older neighbours")
        OTHER = "other", _("Other volunteer work")

    class Status(models.TextChoices):
        LOGGED = "logged", _("Waiting for the council")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Not confirmed")

    estate = models.ForeignKey(
        "stakeholders.Estate", on_delete=models.PROTECT, related_name="volunteer_logs", verbose_name=_("estate")
    )
    resident = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="volunteer_logs", verbose_name=_("resident")
    )
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices)
    done_on = models.DateField(_("done on"))
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1)
    description = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LOGGED)
    points = models.PositiveIntegerField(_("points"), default=0)
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(_("why not confirmed"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("volunteer work")
        verbose_name_plural = _("volunteer work")
        ordering = ["-done_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=12), name="volunteer_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(status="confirmed") | models.Q(points=0), name="volunteer_points_when_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate}: {self.done_on} · {self.get_activity_display()}"


class PointsRedemption(models.Model):
    """An exchange of a resident's volunteer points for a property-fee credit (积分抵扣物业费), at the
    estate's agreed rate, recorded by whoever keeps the estate; it is a fee-credit entry of the
    management ledger (the money figure is the ledger's)."""

    estate = models.ForeignKey(
        "stakeholders.Estate", on_delete=models.PROTECT, related_name="points_redemptions", verbose_name=_("estate")
    )
    resident = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="points_redemptions", verbose_name=_("resident")
    )
    points = models.PositiveIntegerField(_("points"))
    rate = models.ForeignKey(VolunteerRate, on_delete=models.PROTECT, related_name="+", verbose_name=_("rate"))
    entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, related_name="redemption", verbose_name=_("ledger entry")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer points exchange")
        verbose_name_plural = _("volunteer points exchanges")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gt=0), name="redemption_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.estate}: {self.points}"


# --- 第三方评估 (issue 22 item 6) -------------------------------------------------------------------

EVALUATION_INDICATORS = [
    ("quality", _("Quality of the works")),
    ("schedule", _("Keeping to the schedule")),
    ("money", _("Use of the money")),
    ("participation", _("Residents' participation")),
    ("aftercare", _("Care after the works")),
]


class Engagement(models.Model):
    """The housing bureau engages an evaluator for one project, or for every project of a plan year."""

    evaluator = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="engagements", verbose_name=_("evaluator")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="engagements", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("plan year"), null=True, blank=True)
    scope = models.TextField(_("what to evaluate"), max_length=2000, blank=True)
    engaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("engaged by")
    )
    engaged_at = models.DateTimeField(_("engaged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation engagement")
        verbose_name_plural = _("evaluation engagements")
        ordering = ["-engaged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, year__isnull=True)
                | models.Q(project__isnull=True, year__isnull=False),
                name="engagement_project_or_year",
            ),
            models.UniqueConstraint(fields=["evaluator", "project"], name="engagement_once_per_project"),
            models.UniqueConstraint(fields=["evaluator", "year"], name="engagement_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.project or self.year}"


class SiteVisit(models.Model):
    """An evaluator's visit to the estate, with what it saw."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="visits")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="site_visits")
    visited_on = models.DateField(_("visited on"))
    note = models.TextField(_("what was seen"), max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["project", "-visited_on", "-id"]


class EvaluationReport(models.Model):
    """The evaluator's report on one project: a score per indicator (0–100), findings, a PDF. Public
    on the project's evaluation page once published; its overall score counts in the street scoring."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="reports")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluation_reports")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scores = models.JSONField(_("scores"), default=dict)  # indicator code → 0–100
    overall = models.DecimalField(_("overall score"), max_digits=5, decimal_places=1)
    findings = models.TextField(_("findings"), max_length=6000)
    document = models.FileField(
        _("report (PDF)"), storage=private_storage, upload_to=UploadPath("evaluations"), blank=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["project", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "project"], name="one_report_per_engagement_and_project"),
            models.CheckConstraint(condition=models.Q(overall__gte=0, overall__lte=100), name="report_overall_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.overall}"

    def score_rows(self) -> list[tuple[str, str, int | None]]:
        return [(code, label, self.scores.get(code)) for code, label in EVALUATION_INDICATORS]

"""Decisions: the renovation Project, its lifecycle and public timeline (ProjectEvent)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.files import UploadPath, private_storage
from stakeholders.models import Estate


class Project(models.Model):
    """One estate's renovation, from petition to long-term maintenance (architecture §3)."""

    class Status(models.TextChoices):
        PETITIONING = "petitioning", _("Petitioning (改造申请)")
        SUBMITTED = "submitted", _("Submitted to the street office")
        ACCEPTED = "accepted", _("Accepted into the renovation plan (纳入改造计划)")
        REJECTED = "rejected", _("Rejected")
        PLANNING = "planning", _("Planning (需求征集, 三上三下)")
        PLAN_VOTING = "plan_voting", _("Plan vote")
        PLAN_ADOPTED = "plan_adopted", _("Plan adopted")
        BUDGET_APPROVED = "budget_approved", _("Budget approved and published (公示)")
        CONTRACTED = "contracted", _("Contracted")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        COMPLETED = "completed", _("Completed (竣工验收)")
        MAINTAINED = "maintained", _("Long-term maintenance (长效管理)")

    class Kind(models.TextChoices):
        RENOVATION = "renovation", _("Renovation of the estate")
        # 加装电梯 (issue 19): started by the owners of one entrance, voted on by that entrance, a
        # special matter by law; it may run beside the estate's renovation.
        ELEVATOR = "elevator", _("Adding an elevator to one entrance (加装电梯)")

    code = models.SlugField(_("public code"), max_length=40, unique=True)
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="projects", verbose_name=_("estate"))
    kind = models.CharField(_("kind of project"), max_length=10, choices=Kind.choices, default=Kind.RENOVATION)
    building = models.ForeignKey(
        "stakeholders.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building (an elevator's)"),
    )
    entrance = models.CharField(_("entrance (an elevator's)"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PETITIONING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    # The day the completion acceptance (竣工验收) was signed by all three parties.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # 年度项目库 (issue 22 item 3): the year of the city's renovation plan the bureau confirmed it in.
    plan_year = models.PositiveSmallIntegerField(_("plan year (年度改造计划)"), null=True, blank=True)
    # Bumped (in the same transaction) by every service that changes what the public pages show;
    # their cache keys include it, so a change is never served stale (architecture §9).
    public_revision = models.PositiveIntegerField(_("public revision"), default=0, editable=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="project_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="renovation", building__isnull=True, entrance="")
                | models.Q(kind="elevator", building__isnull=False) & ~models.Q(entrance=""),
                name="project_elevator_has_its_entrance",
            ),
        ]
        # Granted per project (guardian) to the awarded organizations' groups, revoked on replacement.
        permissions = [
            ("report_progress", _("Post progress, photos and milestones")),
            ("supervise_project", _("Supervise the works and sign their acceptance")),
            ("manage_estate", _("Manage the estate after the works: its management ledger")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:

        return reverse("projects:detail", args=[self.code])


class ProjectEvent(models.Model):
    """One step of the public timeline: who moved the project from which status to which, and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("project"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=24, choices=Project.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Project.Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.from_status or '—'} → {self.to_status}"


# django-guardian with direct foreign keys (architecture §2): grants on projects are joins on an indexed
# integer column, not generic (content type, text object id) lookups.
class ProjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class Petition(models.Model):
    """改造申请: owners ask for their estate's renovation. Sponsors sign themselves (an invitation
    is not a signature); projects/rules.py says when there are enough of them."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting sponsors")
        VOTING = "voting", _("Willingness vote")
        SUBMITTED = "submitted", _("Submitted to the street office")
        CLOSED = "closed", _("Closed")

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="petition", verbose_name=_("project")
    )
    started_by = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    reason = models.TextField(_("why the estate needs renovation"), max_length=4000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.COLLECTING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def __str__(self) -> str:
        return str(self.project)


class Sponsorship(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("petition")
    )
    resident = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("resident")
    )
    # The household the sponsor signs for: three sponsors must stand for three households.
    household = models.ForeignKey(
        "stakeholders.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        "stakeholders.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "resident"], name="one_sponsorship_per_resident")]

    def __str__(self) -> str:
        return f"{self.resident} – {self.get_status_display()}"


SPECIAL_DECISIONS = frozenset({"elevator", "rebuild", "raise_funds", "common_use"})


class Vote(models.Model):
    """An owners' vote (Civil Code art. 278). The electorate is snapshotted when it opens."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Matter(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary matter (more than half)")
        SPECIAL = "special", _("Special matter (three quarters: 改建, funds)")

    class Scope(models.TextChoices):
        ESTATE = "estate", _("Whole estate")
        BUILDING = "building", _("One building")
        UNIT = "unit", _("One entrance (单元)")

    class Purpose(models.TextChoices):
        WILLINGNESS = "willingness", _("Willingness to renovate (意愿表决)")
        PLAN = "plan", _("Renovation plan")
        OTHER = "other", _("Other matter (e.g. an elevator for one entrance)")

    class Decides(models.TextChoices):
        """What the vote decides, in the words of Civil Code art. 278; the law's special matters
        (items 6–8: 筹集维修资金, 改建/重建 — an added elevator is one —, 改变共有部分用途) are voted as
        special matters by rule (SPECIAL_DECISIONS), whatever anyone chooses."""

        ELEVATOR = "elevator", _("Adding an elevator (加装电梯, a 改建)")
        REBUILD = "rebuild", _("Rebuilding or altering buildings or their facilities (改建、重建)")
        RAISE_FUNDS = "raise_funds", _("Raising maintenance funds (筹集维修资金)")
        COMMON_USE = "common_use", _("Changing the use of common parts, or running a business on them")
        USE_FUNDS = "use_funds", _("Using the maintenance fund (使用维修资金)")
        # art. 278 (4), an ordinary matter: whether the firm managing the estate stays (issue 20 item 5)
        RENEWAL = "renewal", _("Renewing the property-management firm's contract (续聘物业服务企业)")
        OTHER = "other", _("Another matter")

    class Result(models.TextChoices):
        PASSED = "passed", pgettext_lazy("vote result", "Passed")
        REJECTED = "rejected", pgettext_lazy("vote result", "Rejected")
        NO_QUORUM = "no_quorum", pgettext_lazy("vote result", "No quorum")

    code = models.SlugField(_("public code"), max_length=50, unique=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="votes", verbose_name=_("project"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    title = models.CharField(_("title"), max_length=200)
    matter = models.CharField(_("matter"), max_length=10, choices=Matter.choices)
    decides = models.CharField(_("what it decides"), max_length=12, choices=Decides.choices, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.ESTATE)
    building = models.ForeignKey(
        "stakeholders.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    unit = models.CharField(_("entrance (单元)"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Snapshot at opening (never changes afterwards) and result at closing.
    electorate_owners = models.PositiveIntegerField(_("owners in the electorate"), default=0)
    electorate_area = models.DecimalField(_("area of the electorate (m²)"), max_digits=14, decimal_places=2, default=0)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    # The plan version a plan vote is about (purpose "plan").
    plan_version = models.ForeignKey(
        "PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("plan version"),
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Voter(models.Model):
    """One person of a vote's electorate (snapshot): a voting owner with all their units in scope,
    or a household without a verified owner (one owner; votes on paper)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voters", verbose_name=_("vote"))
    resident = models.ForeignKey(
        "stakeholders.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    households = models.ManyToManyField("stakeholders.Household", related_name="+", verbose_name=_("households"))
    label = models.CharField(_("label"), max_length=200, help_text=_("Units, for the staff's paper-ballot list"))
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "resident"], name="one_voter_per_resident_per_vote"),
        ]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """One ballot per voter per vote (a database constraint); never edited."""

    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        ABSTAIN = "abstain", _("Abstain")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")
        PROXY = "proxy", _("By proxy")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote"))
    voter = models.OneToOneField(Voter, on_delete=models.PROTECT, related_name="ballot", verbose_name=_("voter"))
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices)
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    receipt_hash = models.CharField(_("receipt (SHA-256)"), max_length=64, unique=True)
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    scan = models.FileField(
        _("paper ballot scan"), storage=private_storage, upload_to=UploadPath("ballot-scans"), blank=True
    )
    scan_content_type = models.CharField(_("scan file type"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.vote.code}: {self.get_choice_display()}"


# ---------------------------------------------------------------------------------------------
# Needs (点单) and the plan (三上三下)


class FundingSource(models.TextChoices):
    """Where renovation money comes from (architecture §5); plan items and budgets split by these."""

    CENTRAL_SUBSIDY = "central_subsidy", _("Central subsidy")
    LOCAL_FINANCE = "local_finance", _("Local finance")
    UTILITY = "utility", _("Utility companies")
    RESIDENTS = "residents", _("Residents")
    SOCIAL_CAPITAL = "social_capital", _("Social capital")
    PUBLIC_REVENUE = "public_revenue", _("Public revenue of the estate")
    MAINTENANCE_FUND = "maintenance_fund", _("Housing maintenance fund")
    DONATION = "donation", _("Donations")
    # 底层住户补偿基金: raised from the households that share a floor-method item (an elevator) and
    # paid out to those of its lowest floors, as the owners agreed (issue 19).
    COMPENSATION = "compensation", _("Ground-floor compensation fund (底层住户补偿基金)")


class CatalogItem(models.Model):
    """The renovation item catalog of the 2020 State Council guidance (loaded by a data migration)."""

    class Klass(models.TextChoices):
        BASIC = "basic", _("Basic (基础类)")
        IMPROVEMENT = "improvement", _("Improvement (完善类)")
        ENHANCEMENT = "enhancement", _("Enhancement (提升类)")
        OTHER = "other", _("Other (其他)")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    klass = models.CharField(_("class"), max_length=12, choices=Klass.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:

        return self.name_zh if (get_language() or "zh-hans").startswith("zh") else self.name_en


class PlanVersion(models.Model):
    """One round of the plan (三上三下): drafted, published for comment, revised; the final one is
    voted on as a special matter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published for comment")
        SUPERSEDED = "superseded", _("Superseded by a revision")
        VOTING = "voting", _("Final version, being voted on")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted by the vote")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="plan_versions", verbose_name=_("project")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="plan_version_number_unique"),
            # One version in the works at a time: a revision starts from the published one.
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status__in=["draft", "published", "voting"]),
                name="one_live_plan_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} v{self.number}"

    @property
    def round_label(self) -> str:
        return _("Version %(n)s") % {"n": self.number}


class PlanItem(models.Model):
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan version")
    )
    catalog_item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("catalog item")
    )
    description = models.CharField(_("what will be done"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=20)
    estimated_cost = models.DecimalField(_("estimated cost (CNY)"), max_digits=14, decimal_places=2)

    # Who shares the residents' part, and how (issue 19; projects/shares.py) — part of the version
    # the owners vote on.
    class ShareScope(models.TextChoices):
        ESTATE = "estate", _("The whole estate")
        BUILDING = "building", _("One building")
        ENTRANCE = "entrance", _("One entrance (单元)")

    class ShareMethod(models.TextChoices):
        AREA = "area", _("By floor area (Civil Code art. 283)")
        FLOOR = "floor", _("By floor coefficient × area (agreed by the owners, e.g. an elevator)")
        EQUAL = "equal", _("Equally per household")
        AGREED = "agreed", _("As the owners agreed (a weight for each household)")

    share_scope = models.CharField(_("shared by"), max_length=8, choices=ShareScope.choices, default=ShareScope.ESTATE)
    share_building = models.ForeignKey(
        "stakeholders.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building that shares it"),
    )
    share_entrance = models.CharField(_("entrance that shares it"), max_length=10, blank=True)
    share_method = models.CharField(
        _("sharing method"), max_length=6, choices=ShareMethod.choices, default=ShareMethod.AREA
    )
    # {"<floor>": "<coefficient>"} for the floor method: every floor in scope has one.
    share_coefficients = models.JSONField(_("floor coefficients"), null=True, blank=True)
    # The agreed method (Civil Code art. 283: 有约定的，按照约定): the owners' decision in words and
    # {"<household id>": "<weight>"} for every household in scope; adopted with this version's vote.
    share_agreement = models.CharField(_("what the owners agreed"), max_length=500, blank=True)
    share_weights = models.JSONField(_("agreed weights"), null=True, blank=True)
    # 底层住户补偿: per household of these floors (floor method only); the item's compensation
    # funding line is exactly this × those households, shared like the residents' part.
    compensation_per_household = models.DecimalField(
        _("compensation per ground-floor household (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_floors = models.JSONField(_("floors compensated"), null=True, blank=True)

    # After the build (issue 20): who maintains the facility, and its warranty (保修期).
    class Maintainer(models.TextChoices):
        MANAGER = "manager", _("The estate's manager (see the management section)")
        UTILITY = "utility", _("A utility, for its own pipes and lines (专营单位)")
        COMMUNITY = "community", _("The community committee")

    maintainer = models.CharField(
        _("maintained by"), max_length=10, choices=Maintainer.choices, default=Maintainer.MANAGER
    )
    maintainer_organization = models.ForeignKey(
        "stakeholders.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utility that maintains it"),
    )
    # 《建设工程质量管理条例》 art. 40's minimum for the kind of work unless set (projects/catalog.py).
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=24)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["version", "catalog_item__position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="plan_item_quantity_positive"),
            models.CheckConstraint(condition=models.Q(estimated_cost__gte=0), name="plan_item_cost_not_negative"),
            models.CheckConstraint(
                condition=models.Q(share_scope="estate", share_building__isnull=True, share_entrance="")
                | models.Q(share_scope="building", share_building__isnull=False, share_entrance="")
                | models.Q(share_scope="entrance", share_building__isnull=False) & ~models.Q(share_entrance=""),
                name="plan_item_share_scope_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(share_method="floor") | models.Q(share_coefficients__isnull=False),
                name="plan_item_floor_method_has_coefficients",
            ),
            models.CheckConstraint(
                condition=models.Q(maintainer="utility", maintainer_organization__isnull=False)
                | ~models.Q(maintainer="utility") & models.Q(maintainer_organization__isnull=True),
                name="plan_item_utility_named",
            ),
            models.CheckConstraint(
                condition=models.Q(warranty_months__gte=1, warranty_months__lte=1200),
                name="plan_item_warranty_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(share_method="agreed")
                | models.Q(share_weights__isnull=False) & ~models.Q(share_agreement=""),
                name="plan_item_agreed_method_has_weights",
            ),
            models.CheckConstraint(
                condition=models.Q(compensation_per_household__isnull=True, compensation_floors__isnull=True)
                | models.Q(share_method="floor", compensation_per_household__gt=0, compensation_floors__isnull=False),
                name="plan_item_compensation_with_floor_method",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def sorted_coefficients(self) -> list[tuple[str, str]]:
        """The floor method's coefficients, lowest floor first."""
        return sorted((self.share_coefficients or {}).items(), key=lambda pair: int(pair[0]))

    @property
    def agreed_weights_range(self) -> tuple[int, Decimal, Decimal] | None:
        """The agreed method's (households, lowest weight, highest weight): the plan page says this
        much, without rooms; each household's weight is in the public shares table."""
        weights = [Decimal(w) for w in (self.share_weights or {}).values()]
        return (len(weights), min(weights), max(weights)) if weights else None


class PlanManagement(models.Model):
    """建管一体: who runs the estate after the works, at what service and fee, paid from what — part
    of the plan version the owners vote on (a version goes to the vote only with it; issue 20)."""

    class Operator(models.TextChoices):
        PROPERTY = "property", _("A property-management firm (物业服务企业)")
        COMMUNITY = "community", _("The community, as interim management (社区准物业)")
        OWNERS = "owners", _("The owners themselves (业主自治管理)")

    class Source(models.TextChoices):
        MAINTENANCE_FUND = "maintenance_fund", _("Maintenance fund (住宅专项维修资金)")
        PUBLIC_REVENUE = "public_revenue", _("Public revenue (公共收益: parking, advertising)")
        FEES = "fees", _("Property fees (物业费)")

    version = models.OneToOneField(
        PlanVersion, on_delete=models.CASCADE, related_name="management", verbose_name=_("plan version")
    )
    operator = models.CharField(_("who manages the estate after the works"), max_length=10, choices=Operator.choices)
    organization = models.ForeignKey(
        "stakeholders.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("property-management firm"),
    )
    service_level = models.CharField(_("service level"), max_length=300)
    fee_per_m2_month = models.DecimalField(_("fee (CNY per m² per month)"), max_digits=5, decimal_places=2)
    sources = models.JSONField(_("maintenance money from"), default=list)
    notes = models.TextField(_("more on the arrangement"), max_length=2000, blank=True)
    # A firm's contract term: at its end the owners vote whether to renew it (续聘).
    contract_years = models.PositiveSmallIntegerField(_("contract term (years)"), null=True, blank=True)

    class Meta:
        verbose_name = _("management section")
        verbose_name_plural = _("management sections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee_per_m2_month__gte=0, fee_per_m2_month__lte=100), name="management_fee_range"
            ),
            models.CheckConstraint(
                condition=models.Q(operator="property") | models.Q(organization__isnull=True),
                name="management_firm_only_for_property",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.get_operator_display()}"

    def source_labels(self) -> list[str]:
        return [str(self.Source(code).label) for code in self.sources if code in self.Source.values]


class PlanItemFunding(models.Model):
    """How much of an item each funding source pays; the lines add up to the item's cost."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="funding", verbose_name=_("plan item"))
    source = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["item", "source"]
        constraints = [
            models.UniqueConstraint(fields=["item", "source"], name="plan_funding_one_line_per_source"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="plan_funding_positive"),
        ]


class PlanComment(models.Model):
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="comments", verbose_name=_("plan version")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Response(models.TextChoices):
        ADOPTED = "adopted", pgettext_lazy("answer to a comment", "Adopted")
        PARTLY = "partly", pgettext_lazy("answer to a comment", "Partly adopted")
        NOT_ADOPTED = "not_adopted", pgettext_lazy("answer to a comment", "Not adopted")

    # The drafters' answer (every comment gets one before the plan goes to the owners' vote).
    response = models.CharField(_("answer"), max_length=12, choices=Response.choices, blank=True)
    reason = models.TextField(_("why"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response="", answered_at__isnull=True)
                | (~models.Q(response="") & models.Q(answered_at__isnull=False) & ~models.Q(reason="")),
                name="plan_comment_answer_complete",
            )
        ]


class Need(models.Model):
    """点单: a resident of the estate (an owner, or anyone with a standing claim there) asks for an
    item of the catalog, or "other"; neighbours support it. Owners' support is counted apart (only
    owners vote)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting review")
        INCLUDED = "included", _("Included in the plan")
        DECLINED = "declined", _("Declined")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs", verbose_name=_("project"))
    catalog_item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="needs", verbose_name=_("item")
    )
    filed_by = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="needs", verbose_name=_("filed by")
    )
    text = models.TextField(_("what is needed, and where"), max_length=2000)
    # Where in the estate (optional): the building it concerns.
    building = models.ForeignKey(
        "stakeholders.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    # …or a point on the estate's site plan (总平面图), in percent of its width and height.
    plan_x = models.DecimalField(_("across the site plan (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    plan_y = models.DecimalField(_("down the site plan (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    photo = models.FileField(_("photo"), storage=private_storage, upload_to=UploadPath("need-photos"), blank=True)
    photo_content_type = models.CharField(_("photo file type"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs", verbose_name=_("plan item")
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""), name="need_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(plan_x__isnull=True, plan_y__isnull=True)
                | models.Q(plan_x__gte=0, plan_x__lte=100, plan_y__gte=0, plan_y__lte=100),
                name="need_point_on_the_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.catalog_item}: {self.text[:40]}"


class NeedSupport(models.Model):
    """One support per owner per need (the filer's own counts as the first)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports", verbose_name=_("need"))
    resident = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.CASCADE, related_name="+", verbose_name=_("resident")
    )
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["need", "resident"], name="one_support_per_owner")]


# ---------------------------------------------------------------------------------------------
# Award (contractor and supervisor) and completion acceptance (竣工验收)


class Award(models.Model):
    """Who builds (contractor) and who supervises (监理) a project, and — handed over at acceptance
    from the adopted plan's management section — who manages the estate after it (物业). Replacing
    one ends its award (and its group's permissions); the history stays."""

    class Role(models.TextChoices):
        CONTRACTOR = "contractor", _("Contractor (施工单位)")
        SUPERVISOR = "supervisor", _("Supervisor (监理)")
        MANAGER = "manager", _("Property manager (物业)")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="awards", verbose_name=_("project"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="awards", verbose_name=_("organization")
    )
    contract_amount = models.DecimalField(
        _("contract amount (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    awarded_at = models.DateTimeField(_("awarded at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    end_reason = models.TextField(_("why it was replaced"), max_length=2000, blank=True)
    # A manager's contract runs to this day (the section's term from the acceptance; a renewal vote
    # that passes extends it); without a renewal it ends then and the community keeps the estate.
    term_ends = models.DateField(_("contract ends on"), null=True, blank=True)
    term_notified = models.BooleanField(_("told the term is ending"), default=False)
    # The bid it was awarded from (the procurement record); empty for awards made before it existed
    # and for the property manager, who is handed over from the plan.
    bid = models.OneToOneField(
        "Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="award", verbose_name=_("bid")
    )
    # Why not the first-ranked bidder (实施条例 art. 55: it declined, or could not sign): public.
    winner_reason = models.TextField(_("why not the first-ranked bidder"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["project", "role", "awarded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "role"], condition=models.Q(ended_at__isnull=True), name="one_current_award_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(contract_amount__isnull=True) | models.Q(contract_amount__gt=0),
                name="award_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_role_display()} {self.organization}"


# ---------------------------------------------------------------------------------------------
# Procurement on the record (招标投标, issue 21 item 1): the tender notice, the bids, the evaluation
# committee and its scores; the award picks its winner from here, and all of it is public after it.


class Tender(models.Model):
    """One procurement of the works (施工) or their supervision (监理): an open tender (公开招标), an
    invited tender (邀请招标, 招标投标法 art. 17) or a direct award (直接发包) with its legal reason."""

    class Method(models.TextChoices):
        OPEN = "open", _("Open tender (公开招标)")
        INVITED = "invited", _("Invited tender (邀请招标)")
        DIRECT = "direct", _("Direct award (直接发包)")

    class DirectReason(models.TextChoices):
        BELOW_THRESHOLD = (
            "below_threshold",
            _("Below the value that must be tendered (《必须招标的工程项目规定》 art. 5)"),
        )
        EMERGENCY = "emergency", _("Emergency repair or disaster relief (招标投标法 art. 66)")
        PATENT = "patent", _("Needs an irreplaceable patent or proprietary technique (实施条例 art. 9 (1))")
        FOLLOW_ON = (
            "follow_on",
            _("Follow-on work from the original winner, or the works would not fit (实施条例 art. 9 (4))"),
        )
        OTHER = "other", _("Another case the state provides for (实施条例 art. 9 (5)): cite it")

    class Status(models.TextChoices):
        OPEN = "open", _("Taking bids")
        EVALUATED = "evaluated", _("Evaluated: the winner may be awarded")
        AWARDED = "awarded", _("Awarded")
        FAILED = "failed", _("Ended without an award (流标)")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tenders", verbose_name=_("project"))
    role = models.CharField(_("for"), max_length=10, choices=[c for c in Award.Role.choices if c[0] != "manager"])
    method = models.CharField(_("procurement method"), max_length=10, choices=Method.choices)
    direct_reason = models.CharField(
        _("legal reason for a direct award"), max_length=20, choices=DirectReason.choices, blank=True
    )
    direct_details = models.TextField(_("the reason in detail"), max_length=2000, blank=True)
    requirements = models.TextField(_("scope and the bidders' qualifications"), max_length=4000)
    ceiling = models.DecimalField(
        _("maximum bid price (最高投标限价, CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    published_on = models.DateField(_("notice published on"))
    bids_due = models.DateField(_("bids due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(_("why it ended without an award"), max_length=2000, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("awarded or ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["project", "role", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "role"],
                condition=models.Q(status__in=["open", "evaluated"]),
                name="one_running_tender_per_role",
            ),
            models.CheckConstraint(
                condition=models.Q(ceiling__isnull=True) | models.Q(ceiling__gt=0), name="tender_ceiling_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_role_display()} · {self.get_method_display()}"

    @property
    def is_public(self) -> bool:
        """The notice is public from the start; bids, scores and the committee once it is decided."""
        return self.status in (self.Status.AWARDED, self.Status.FAILED)


def points_text(value) -> str:
    """Evaluation points as people write them: 40, 35.5 — never 40.00 or 4E+1."""
    text = format(Decimal(value).normalize(), "f")
    return text


class TenderCriterion(models.Model):
    """One evaluation criterion (评标因素) and the points it carries; a tender's criteria add to 100."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("tender"))
    name = models.CharField(_("criterion"), max_length=100)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["tender", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["tender", "name"], name="criterion_name_unique_per_tender")]

    def __str__(self) -> str:
        return f"{self.name} ({self.points})"


class CommitteeSeat(models.Model):
    """The organizations that sent members to the evaluation committee (评标委员会, art. 37), and
    how many each: the committee is five or more, an odd number, and no bidder sits on it."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="seats", verbose_name=_("tender"))
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    members = models.PositiveSmallIntegerField(_("members"))

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["tender", "id"]
        constraints = [models.UniqueConstraint(fields=["tender", "organization"], name="one_seat_row_per_organization")]


class Bid(models.Model):
    """A bid (投标) as opened: the bidder and its price. A bid over the maximum price, or failing the
    qualifications, is rejected (否决投标) with the reason; the others are scored and ranked."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids", verbose_name=_("tender"))
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="bids", verbose_name=_("bidder")
    )
    amount = models.DecimalField(_("bid price (CNY)"), max_digits=14, decimal_places=2)
    rejected_reason = models.CharField(_("why the bid was rejected"), max_length=500, blank=True)
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["tender", models.F("rank").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "organization"], name="one_bid_per_bidder"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bid_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ¥{self.amount}"


class BidScore(models.Model):
    """The committee's points for one bid on one criterion."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores", verbose_name=_("bid"))
    criterion = models.ForeignKey(
        TenderCriterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="one_score_per_criterion")]


class FlaggedAward(models.Model):
    """Awarding an organization flagged for low ratings (issue 21 item 2): the street approver's
    written, public reason, and the housing bureau's decision on it."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="flag_requests", verbose_name=_("bid"))
    reason = models.TextField(_("why this organization all the same"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    approved = models.BooleanField(_("approved"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("the bureau's note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("award of a flagged organization")
        verbose_name_plural = _("awards of flagged organizations")
        ordering = ["bid", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid"], condition=models.Q(approved__isnull=True), name="one_waiting_flag_request"
            )
        ]


class CompletionReport(models.Model):
    """竣工报告 (《建设工程质量管理条例》 art. 16): the contractor states the works are done — the scope,
    each plan item's final quantity and cost, a document if there is one. The signers then accept it
    or return it with defects (a punch list); after the fixes the contractor files the next report.
    Unfinished items or unmet milestones at filing need a written exception, which is public."""

    class Status(models.TextChoices):
        FILED = "filed", _("Awaiting the signatures")
        RETURNED = "returned", _("Returned with defects")
        ACCEPTED = "accepted", _("Accepted")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="completion_reports", verbose_name=_("project")
    )
    number = models.PositiveSmallIntegerField(_("report number"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FILED)
    scope_done = models.TextField(_("what was done"), max_length=4000)
    # What was not finished when the report was filed (codes and ids, drawn as words on the page),
    # and the written reason acceptance may go ahead anyway — both public.
    gaps = models.JSONField(_("unfinished at filing"), default=list, blank=True)
    exception = models.TextField(_("why acceptance goes ahead anyway"), max_length=2000, blank=True)
    document = models.FileField(
        _("completion document"), storage=private_storage, upload_to=UploadPath("completion-reports"), blank=True
    )
    document_content_type = models.CharField(max_length=40, blank=True, editable=False)
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("contractor")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("accepted or returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="completion_report_number_once"),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="filed"), name="one_filed_completion_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} #{self.number}"


class CompletionLine(models.Model):
    """One plan item in a completion report: what was really built, at what final cost."""

    report = models.ForeignKey(
        CompletionReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("completion report")
    )
    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("plan item"))
    final_quantity = models.DecimalField(_("final quantity"), max_digits=12, decimal_places=2)
    final_cost = models.DecimalField(_("final cost (CNY)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("why it differs from the plan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("completion report line")
        verbose_name_plural = _("completion report lines")
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "plan_item"], name="completion_line_once_per_item"),
            models.CheckConstraint(
                condition=models.Q(final_quantity__gte=0, final_cost__gte=0), name="completion_line_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.plan_item_id}"


class AcceptanceSignature(models.Model):
    """竣工验收 (art. 16): on each completion report the contractor, the designer (when one is at the
    table), the supervisor, the street office as the owner's representative and a council
    representative each sign once. Any of them but the contractor may refuse, listing the defects;
    the last agreement completes the project. (Signatures given before completion reports existed
    were put on a report of their own by migration 0022.)"""

    class Role(models.TextChoices):
        CONTRACTOR = "contractor", _("Contractor (施工单位)")
        DESIGNER = "designer", _("Designer (设计单位)")
        SUPERVISOR = "supervisor", _("Supervisor (监理)")
        STREET = "street", _("Street office (街道办)")
        COUNCIL = "council", _("Residents' council (老友议事会)")

    class Decision(models.TextChoices):
        AGREE = "agree", _("Agrees to accept")
        REFUSE = "refuse", _("Refuses, with defects to fix")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="acceptance_signatures", verbose_name=_("project")
    )
    report = models.ForeignKey(
        CompletionReport, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("completion report")
    )
    role = models.CharField(_("signs as"), max_length=10, choices=Role.choices)
    decision = models.CharField(_("decision"), max_length=6, choices=Decision.choices, default=Decision.AGREE)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    opinion = models.TextField(_("opinion"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("acceptance signature")
        verbose_name_plural = _("acceptance signatures")
        ordering = ["project", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "role"], name="one_signature_per_role_per_report"),
            models.CheckConstraint(
                condition=~models.Q(role="contractor", decision="refuse"), name="contractor_does_not_refuse"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_role_display()}"


class Defect(models.Model):
    """整改项: a defect a signer listed when refusing a completion report, with its deadline; the
    contractor marks it fixed (saying how), and the next report may be filed once none is open."""

    report = models.ForeignKey(
        CompletionReport, on_delete=models.CASCADE, related_name="defects", verbose_name=_("completion report")
    )
    signature = models.ForeignKey(
        AcceptanceSignature, on_delete=models.CASCADE, related_name="defects", verbose_name=_("raised by")
    )
    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("plan item")
    )
    description = models.CharField(_("what must be fixed"), max_length=500)
    due_on = models.DateField(_("fix by"))
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fix_note = models.TextField(_("how it was fixed"), max_length=1000, blank=True)
    # Set once the contractor and the signer were told the fix-by date passed (the beat task; once).
    overdue_notified_at = models.DateTimeField(_("told it is overdue at"), null=True, blank=True)

    class Meta:
        verbose_name = _("defect to fix")
        verbose_name_plural = _("defects to fix")
        ordering = ["report", "due_on", "id"]

    def __str__(self) -> str:
        return self.description


class Hearing(models.Model):
    """听证会 or a residents' meeting about a project: scheduled with its agenda (the estate's
    residents are told), then recorded once — who signed in (online check-ins and the paper sheet's
    count), the minutes and the positions heard. Public without names."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("Hearing (听证会)")
        MEETING = "meeting", _("Residents' meeting (居民会议)")

    class Subject(models.TextChoices):
        PLAN = "plan", _("A version of the plan")
        BUDGET = "budget", _("The budget")
        OTHER = "other", _("Another question")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="hearings", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HEARING)
    subject = models.CharField(_("about"), max_length=8, choices=Subject.choices, default=Subject.PLAN)
    plan_version = models.ForeignKey(
        PlanVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hearings",
        verbose_name=_("plan version"),
    )
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=2000)
    # Households of the estate when it was called: what the sign-in is read against.
    electorate = models.PositiveIntegerField(_("households in the estate"))
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)
    paper_signins = models.PositiveIntegerField(_("signed in on paper"), null=True, blank=True)
    signin_sheet = models.FileField(
        _("sign-in sheet"), storage=private_storage, upload_to=UploadPath("hearing-signins"), blank=True
    )
    signin_sheet_type = models.CharField(_("sign-in sheet file type"), max_length=50, blank=True)
    minutes = models.TextField(_("minutes"), max_length=5000, blank=True)
    positions = models.TextField(_("positions heard"), max_length=5000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()} · {self.held_at:%Y-%m-%d}"


class HearingCheckIn(models.Model):
    """A household signed in at the hearing, once: by a resident online (their own household), or
    by staff at the door from the estate's household list (`signed_in_by`, for owners without an
    account or a phone). What the sign-in count is read against: the estate's households."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("hearing"))
    resident = models.ForeignKey(
        "stakeholders.Resident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    household = models.ForeignKey(
        "stakeholders.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in at the desk by"),
    )
    at = models.DateTimeField(_("signed in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        constraints = [
            models.UniqueConstraint(fields=["hearing", "resident"], name="one_checkin_per_resident"),
            models.UniqueConstraint(fields=["hearing", "household"], name="one_checkin_per_household"),
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False) | models.Q(household__isnull=False),
                name="checkin_names_someone",
            ),
        ]


class ProxyAuthorization(models.Model):
    """委托投票: an owner authorises one person (a family member, another owner) to cast their ballot
    — in one vote, or in every vote of the estate until a date. The community committee records it
    from the signed authorisation (its scan stays private) and so verifies it; the owner or the
    committee may revoke it. Still one ballot per owner: whoever votes first, the other cannot."""

    estate = models.ForeignKey(
        "stakeholders.Estate", on_delete=models.CASCADE, related_name="+", verbose_name=_("estate")
    )
    owner = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.CASCADE, related_name="proxies_given", verbose_name=_("owner")
    )
    proxy = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.CASCADE, related_name="proxies_held", verbose_name=_("proxy")
    )
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, null=True, blank=True, related_name="proxies", verbose_name=_("for the vote")
    )
    valid_until = models.DateField(_("for every vote until"), null=True, blank=True)
    scan = models.FileField(_("signed authorisation"), storage=private_storage, upload_to=UploadPath("proxy-scans"))
    scan_type = models.CharField(_("file type"), max_length=50)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proxy authorisation")
        verbose_name_plural = _("proxy authorisations")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vote__isnull=False) | models.Q(valid_until__isnull=False), name="proxy_has_scope"
            ),
            models.CheckConstraint(condition=~models.Q(owner=models.F("proxy")), name="proxy_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.proxy}"


class PlanDesigner(models.Model):
    """A designer (设计单位) or community planner (社区规划师) the street office puts at the table of a
    project's plan: its staff attach drawings to plan versions and answer comments."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="designers", verbose_name=_("project"))
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan designer")
        verbose_name_plural = _("plan designers")
        ordering = ["project", "assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "organization"], name="designer_once_per_project")]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.organization}"


class PlanDrawing(models.Model):
    """A drawing with its explanation, attached to a plan version by its designer; public with the
    version (a draft's only for those who see the project)."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="drawings", verbose_name=_("plan version")
    )
    title = models.CharField(_("title"), max_length=200)
    explanation = models.TextField(_("explanation"), max_length=3000, blank=True)
    file = models.FileField(_("drawing"), storage=private_storage, upload_to=UploadPath("plan-drawings"))
    file_type = models.CharField(_("file type"), max_length=50)
    organization = models.ForeignKey(
        "stakeholders.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan drawing")
        verbose_name_plural = _("plan drawings")
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return self.title


class AnnualPlan(models.Model):
    """The city's renovation plan for one year (年度项目库): the housing bureau opens it, the street
    offices propose their accepted projects, the bureau confirms or declines each."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for proposals")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="plan_year")]

    def __str__(self) -> str:
        return str(self.year)


class PlanEntry(models.Model):
    """A project proposed for a year's plan by its street office, and the bureau's answer."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by the street office")
        CONFIRMED = "confirmed", _("Confirmed in the plan")
        DECLINED = "declined", _("Declined")

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="entries", verbose_name=_("plan"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_entries")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(_("why (street office)"), max_length=1000, blank=True)
    answer = models.TextField(_("the bureau's reason"), max_length=1000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
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
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        ordering = ["plan", "proposed_at", "id"]
        constraints = [
            # A project is in one year's plan at a time (a declined one may be proposed again).
            models.UniqueConstraint(
                fields=["project"], condition=~models.Q(status="declined"), name="plan_entry_one_live_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} · {self.project.code} ({self.get_status_display()})"


class ExcludedSpending(models.Model):
    """The negative list (负面清单): what renovation money may not be spent on, kept by the bureau.
    A plan item matches by its catalog item or by a word of its description."""

    name = models.CharField(_("what may not be paid for"), max_length=120, unique=True)
    reason = models.TextField(_("why (the rule)"), max_length=1000)
    keywords = models.CharField(
        _("words that mark it"),
        max_length=300,
        blank=True,
        help_text=_(
            "Separated by commas or 、 (e.g. 拆除重建、推倒重建). A plan item whose description has one is refused."
        ),
    )
    items = models.ManyToManyField(CatalogItem, blank=True, related_name="+", verbose_name=_("catalog items"))
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("negative-list entry")
        verbose_name_plural = _("negative list")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def words(self) -> list[str]:
        return [w.strip() for w in self.keywords.replace("、", ",").replace("，", ",").split(",") if w.strip()]

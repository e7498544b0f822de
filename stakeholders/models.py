"""Who and where: places (Street ⊃ Community ⊃ Estate ⊃ Building ⊃ Household), people (User,
Resident, Ownership) and organizations (Organization, Membership, Council)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from core.files import UploadPath, private_storage
from core.models import StoredPhoto

from .text import mask_name


class User(AbstractUser):
    """Everyone who signs in. Roles come from a Resident profile and/or Memberships."""

    # 关怀模式 (适老化): larger text, higher contrast, bigger tap targets, the simple home page.
    care_mode = models.BooleanField(_("care mode"), default=False)

    @property
    def display_name(self) -> str:
        """How others see this user: a resident's masked name (a resident's username is their
        phone number, which must never be shown — PIPL), a staff member's name or username."""
        try:
            return self.resident.masked_name
        except Resident.DoesNotExist:
            return self.get_full_name() or self.first_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self._password_changed = self.pk is not None

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if getattr(self, "_password_changed", False):
            # A new password (changed, or reset by e-mail) ends every API token made with the old one.
            self._password_changed = False
            Token.objects.filter(user=self).delete()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
        ]


# ---------------------------------------------------------------------------------------------
# Places


class Street(models.Model):
    """街道: the jurisdiction of one street office."""

    name = models.CharField(_("name"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True, help_text=_("城区, e.g. 青秀区"))
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["district", "name"]

    def __str__(self) -> str:
        return f"{self.district}{self.name}" if self.district else self.name


class Community(models.Model):
    """社区: served by one community (residents') committee."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_name_unique_in_street")]

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    """小区: the unit that is renovated, voted on and disclosed."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="estates", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=200)
    built_year = models.PositiveSmallIntegerField(
        _("year built"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="estate_name_unique_in_community")]

    def __str__(self) -> str:
        return self.name


class SitePlan(StoredPhoto):
    """总平面图: a picture of the estate's layout (buildings, paths, open ground) on which residents
    place their needs. Uploaded by the community committee or the street office, re-encoded without
    metadata; seen by the estate's residents, its council and offices (issue 18 item 8)."""

    PHOTO_FOLDERS = ("site-plans", "site-plan-thumbs")

    estate = models.OneToOneField(Estate, on_delete=models.CASCADE, related_name="site_plan", verbose_name=_("estate"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("site plan")
        verbose_name_plural = _("site plans")

    def __str__(self) -> str:
        return f"{self.estate}"


class Building(models.Model):
    """楼栋."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate"))
    number = models.CharField(_("building number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    has_elevator = models.BooleanField(_("has elevator"), default=False)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "number"]
        constraints = [models.UniqueConstraint(fields=["estate", "number"], name="building_number_unique_in_estate")]

    def __str__(self) -> str:
        return _("Building %(number)s") % {"number": self.number}


class Household(models.Model):
    """专有部分: one exclusively owned unit. Its registered area is what the Civil Code counts."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building")
    )
    unit = models.CharField(_("entrance (单元)"), max_length=10)
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room"), max_length=20)
    area_m2 = models.DecimalField(
        _("registered area (m²)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "unit", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_room_unique_in_building"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="household_area_positive"),
        ]

    def __str__(self) -> str:
        return _("Building %(building)s, entrance %(unit)s, room %(room)s") % {
            "building": self.building.number,
            "unit": self.unit,
            "room": self.room,
        }


# ---------------------------------------------------------------------------------------------
# People


class Resident(models.Model):
    """居民/业主 profile. Name, phone and Party membership are personal data (PIPL): they are shown to
    the resident and the staff who verify them, never on public pages or public exports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident", verbose_name=_("user")
    )
    name = models.CharField(_("real name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, null=True, blank=True, unique=True)
    # Confirmed by the community Party branch (社区党支部): what the petition rule and the councils'
    # counts use. A resident's own "I am a Party member" is a claim (`party_claim`) until decided.
    is_party_member = models.BooleanField(_("Party member (confirmed by the Party branch)"), default=False)
    party_claim = models.CharField(
        _("Party membership claim"),
        max_length=10,
        blank=True,
        choices=[
            ("pending", _("Waiting for the Party branch")),
            ("confirmed", _("Confirmed by the Party branch")),
            ("rejected", _("Not confirmed by the Party branch")),
        ],
    )
    party_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Party membership decided by"),
    )
    party_decided_at = models.DateTimeField(_("Party membership decided at"), null=True, blank=True)
    party_reason = models.CharField(_("reason the Party branch gave"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:

        return mask_name(self.name)


class OwnershipQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Ownership.Status.VERIFIED)

    def pending(self):
        return self.filter(status=Ownership.Status.PENDING)

    def open(self):
        """Claims that still stand: pending or verified (a rejected claim may be filed again)."""
        return self.filter(status__in=[Ownership.Status.PENDING, Ownership.Status.VERIFIED])


class Ownership(models.Model):
    """A resident's claim to own a household, verified by the community committee from a proof
    document (不动产权证 or purchase contract). One verified owner per household is its voting owner."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("resident")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("household")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    is_voting_owner = models.BooleanField(_("voting owner"), default=False)
    proof = models.FileField(_("proof document"), storage=private_storage, upload_to=UploadPath("ownership-proofs"))
    proof_name = models.CharField(_("proof file name"), max_length=200, blank=True)
    proof_content_type = models.CharField(_("proof file type"), max_length=50, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # The law's "one person per exclusive unit": at most one voting owner per household.
            models.UniqueConstraint(
                fields=["household"], condition=Q(is_voting_owner=True), name="one_voting_owner_per_household"
            ),
            models.CheckConstraint(
                condition=Q(is_voting_owner=False) | Q(status="verified"), name="voting_owner_is_verified"
            ),
            models.UniqueConstraint(
                fields=["resident", "household"],
                condition=Q(status__in=["pending", "verified"]),
                name="one_open_claim_per_resident_household",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="rejection_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "household"], name="ownership_status_household")]

    def __str__(self) -> str:
        return f"{self.resident} – {self.household}"


class ResidenceQuerySet(models.QuerySet):
    def standing(self):
        """Declared or confirmed: what counts for what everyone who lives there may do."""
        return self.filter(status__in=[Residence.Status.DECLARED, Residence.Status.CONFIRMED])


class Residence(models.Model):
    """居住登记: someone who lives in a household without owning it — a tenant (租户) or family of the
    owner living there. Declared by the resident and counted at once for what everyone who lives in
    the estate may do (file and support needs, sign in at hearings, object, complain); the community
    committee confirms it or, if it is not true, rejects it with a reason. It never gives a vote:
    votes are the owners' (Civil Code art. 278)."""

    class Relation(models.TextChoices):
        TENANT = "tenant", _("Tenant (租户)")
        FAMILY = "family", _("Family of the owner, living there")
        OTHER = "other", _("Lives there otherwise")

    class Status(models.TextChoices):
        DECLARED = "declared", _("Declared; the community committee may check it")
        CONFIRMED = "confirmed", _("Confirmed by the community committee")
        REJECTED = "rejected", _("Not confirmed")
        ENDED = "ended", _("Moved out")

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="residences", verbose_name=_("resident")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residences", verbose_name=_("household")
    )
    relation = models.CharField(_("lives there as"), max_length=8, choices=Relation.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DECLARED)
    proof = models.FileField(
        _("lease or residence permit"), storage=private_storage, upload_to=UploadPath("residence-proofs"), blank=True
    )
    proof_content_type = models.CharField(_("file type"), max_length=50, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "household"],
                condition=Q(status__in=["declared", "confirmed"]),
                name="one_standing_residence_per_household",
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="residence_rejection_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} – {self.household} ({self.relation})"


# ---------------------------------------------------------------------------------------------
# Organizations


class Organization(models.Model):
    """A body that acts in the portal. Permission grants go to its auth Group (django-guardian)."""

    class Kind(models.TextChoices):
        HOUSING_BUREAU = "housing_bureau", _("Housing bureau (住建局)")
        STREET_OFFICE = "street_office", _("Street office (街道办)")
        COMMUNITY_COMMITTEE = "community_committee", _("Community committee (社区居委会)")
        CONTRACTOR = "contractor", _("Contractor (施工单位)")
        SUPERVISOR = "supervisor", _("Supervisor (监理)")
        DESIGNER = "designer", _("Designer (设计单位)")
        COMMUNITY_PLANNER = "community_planner", _("Community planner (社区规划师)")
        PROPERTY_MANAGER = "property_manager", _("Property manager (物业)")
        UTILITY = "utility", _("Utility (专营单位)")
        # 规划、消防、园林、民政、发改、财政: approval matters reviewed in parallel (issue 22).
        DEPARTMENT = "department", _("Department (职能部门)")
        PARTY_BRANCH = "party_branch", _("Community Party branch (社区党支部)")
        # The city's discipline-inspection contact (纪检监察): integrity and fund-use reports go to it
        # and the housing bureau, never to the street office they may concern (issue 21 item 3).
        INSPECTION = "inspection", _("Discipline inspection (纪检监察)")
        # 第三方评估 (issue 22 item 6): engaged by the housing bureau per project or per plan year.
        EVALUATOR = "evaluator", _("Third-party evaluator (第三方评估机构)")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("street (jurisdiction)"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("community (jurisdiction)"),
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organization", verbose_name=_("permission group")
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Contractors' satisfaction rating, computed by feedback from residents' surveys after each
    # project and written here, so the award picker (projects) can sort by it (architecture §1).
    rating_overall = models.DecimalField(
        _("residents' rating (1–5)"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_responses = models.PositiveIntegerField(_("survey answers rated"), default=0, editable=False)
    rating_projects = models.PositiveIntegerField(_("projects rated"), default=0, editable=False)
    rating_details = models.JSONField(_("rating by question"), default=dict, blank=True, editable=False)
    rating_updated_at = models.DateTimeField(_("rating computed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organization_name_unique_per_kind"),
            # Jurisdiction: a street office has exactly a street, a committee exactly a community,
            # everyone else neither.
            models.CheckConstraint(
                condition=(
                    Q(kind="street_office", street__isnull=False, community__isnull=True)
                    | Q(kind__in=["community_committee", "party_branch"], community__isnull=False, street__isnull=True)
                    | (
                        ~Q(kind__in=["street_office", "community_committee", "party_branch"])
                        & Q(street__isnull=True, community__isnull=True)
                    )
                ),
                name="organization_jurisdiction_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["street"], condition=Q(kind="street_office"), name="one_street_office_per_street"
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(kind="community_committee"),
                name="one_committee_per_community",
            ),
            models.UniqueConstraint(
                fields=["community"], condition=Q(kind="party_branch"), name="one_party_branch_per_community"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def low_rated_projects(self) -> int:
        """Completed projects whose residents rated it below RATING_FLAG_BELOW (feedback writes it)."""
        return int((self.rating_details or {}).get("low_projects", 0))

    @property
    def flagged(self) -> bool:
        """Rated below the city's threshold on RATING_FLAG_PROJECTS or more projects (issue 21 item 2)."""
        return self.low_rated_projects >= settings.RATING_FLAG_PROJECTS


class OrganizationListing(models.Model):
    """The housing bureau's whitelist (白名单) and negative list (负面清单) of builders and supervisors,
    each entry with its reason and dates (issue 21 item 2). A negative-listed organization cannot be
    awarded while its entry runs; removing an entry keeps it, with why, as the record."""

    class Kind(models.TextChoices):
        WHITELIST = "whitelist", _("Whitelist (白名单)")
        NEGATIVE = "negative", _("Negative list (负面清单)")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="listings", verbose_name=_("organization")
    )
    kind = models.CharField(_("list"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    listed_on = models.DateField(_("listed on"))
    until = models.DateField(_("until"), null=True, blank=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("listed by")
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removal_reason = models.CharField(_("why removed"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("organization list entry")
        verbose_name_plural = _("organization list entries")
        ordering = ["-listed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_kind_display()}"

    def runs_on(self, day) -> bool:
        return self.removed_at is None and self.listed_on <= day and (self.until is None or self.until >= day)


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class Council(models.Model):
    """老友议事会: the estate's residents' council. Formed by an election the community records and
    the street office files (备案: `filed_on`, with the term's end); a council past `term_ends` is
    expired; one that became an owners' committee (业主委员会) is converted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Election waiting to be filed")
        FILED = "filed", _("Filed with the street office")
        RETURNED = "returned", _("Returned by the street office")
        EXPIRED = "expired", _("Past its term")
        CONVERTED = "converted", _("Became an owners' committee")

    estate = models.OneToOneField(Estate, on_delete=models.PROTECT, related_name="council", verbose_name=_("estate"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    term_ends = models.DateField(_("term ends"), null=True, blank=True)
    # The latest election's answer when it was returned and none is filed since.
    returned = models.BooleanField(_("latest election returned"), default=False)
    converted_on = models.DateField(_("became an owners' committee on"), null=True, blank=True)
    converted_reference = models.CharField(_("owners' committee filing reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("residents' council (老友议事会)")
        verbose_name_plural = _("residents' councils")
        ordering = ["estate"]

    def __str__(self) -> str:
        return _("Council of %(estate)s") % {"estate": self.estate}

    def seats_active(self):
        return self.members.filter(ended_on__isnull=True)

    def status_on(self, day) -> str:
        if self.converted_on:
            return self.Status.CONVERTED
        if self.filed_on and self.term_ends and self.term_ends < day:
            return self.Status.EXPIRED
        if self.filed_on:
            return self.Status.FILED
        return self.Status.RETURNED if self.returned else self.Status.PENDING


class CouncilElection(models.Model):
    """An election of the council's representatives (a full one, or a by-election for a seat that
    fell vacant), recorded by the community committee with the signed tally sheet, then filed or
    returned by the street office."""

    class Kind(models.TextChoices):
        FULL = "full", _("Election of the whole council")
        BY_ELECTION = "by_election", _("By-election")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Waiting to be filed")
        FILED = "filed", _("Filed")
        RETURNED = "returned", _("Returned")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="elections", verbose_name=_("council"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FULL)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    electorate = models.PositiveIntegerField(_("owners entitled to vote"))
    turnout = models.PositiveIntegerField(_("owners who voted"))
    term_ends = models.DateField(_("term ends"))
    tally_scan = models.FileField(
        _("signed tally sheet"), storage=private_storage, upload_to=UploadPath("council-tallies")
    )
    tally_scan_type = models.CharField(_("tally sheet file type"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed or returned by"),
    )
    decided_at = models.DateTimeField(_("filed or returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("council election")
        verbose_name_plural = _("council elections")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(turnout__lte=models.F("electorate")), name="turnout_in_electorate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} · {self.held_on:%Y-%m-%d} · {self.get_status_display()}"


class CouncilMeeting(models.Model):
    """A meeting of the council (老友议事会动态): scheduled with its agenda (residents are told),
    then recorded — how many attended, the minutes, the decisions. Public without names."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("council"))
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=2000)
    attendance = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), max_length=5000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=3000, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.council} · {self.held_at:%Y-%m-%d}"


class MeetingAttachment(models.Model):
    """A document of a council meeting (the sign-in sheet, a notice, a photo of the board): it may
    carry names, so it is shown to the estate's residents and staff, not on the public page (which
    says how many there are)."""

    meeting = models.ForeignKey(
        CouncilMeeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=UploadPath("council-meetings"))
    content_type = models.CharField(_("file type"), max_length=50)
    title = models.CharField(_("title"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.title


class DeliberationRules(models.Model):
    """The councils' deliberation rules (议事规则) as the housing bureau publishes them, one rule
    per line; every edit is a new version (the latest is in force; earlier ones stay readable)."""

    text = models.TextField(_("rules, one per line"), max_length=10000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deliberation rules")
        verbose_name_plural = _("deliberation rules")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.published_at:%Y-%m-%d}"

    @property
    def rules(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


class ElectionCandidate(models.Model):
    election = models.ForeignKey(
        CouncilElection, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election")
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("candidate"))
    votes = models.PositiveIntegerField(_("votes"))
    elected = models.BooleanField(_("elected"), default=False)
    role = models.CharField(_("role if elected"), max_length=10, default="member")

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "-votes", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "resident"], name="candidate_once_per_election")]


class CouncilMember(models.Model):
    error_messages = {
        "not_an_owner": _("Council members must be verified owners in this estate."),
    }

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members", verbose_name=_("council"))
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="council_seats", verbose_name=_("resident")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    election = models.ForeignKey(
        CouncilElection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("elected in"),
    )
    # The public check page of the printed certificate (its QR code): /disclosure/councils/certificates/<code>/
    certificate_code = models.CharField(_("certificate number"), max_length=16, unique=True, null=True, blank=True)
    ended_on = models.DateField(_("left the council on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why the seat ended"),
        max_length=12,
        blank=True,
        choices=[("resigned", _("Resigned")), ("new_term", _("A new council was filed"))],
    )

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "resident"], condition=models.Q(ended_on__isnull=True), name="council_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} ({self.get_role_display()})"

    def clean(self):
        # Representatives are drawn from the estate's verified owners (architecture §2).
        if self.council_id and self.resident_id:
            owns = Ownership.objects.verified().filter(
                resident_id=self.resident_id, household__building__estate_id=self.council.estate_id
            )
            if not owns.exists():
                raise ValidationError(
                    {"resident": ValidationError(self.error_messages["not_an_owner"], code="not_an_owner")}
                )


class Notification(models.Model):
    """An in-app notice for one user (the bell in the header). The text is rendered when shown, in
    the reader's language, from `kind` and `params` (see stakeholders.notifications)."""

    class Kind(models.TextChoices):
        SPONSOR_INVITED = "sponsor_invited", _("Petition invitation")
        VOTE_OPENED = "vote_opened", _("Vote opened")
        VOTE_CLOSED = "vote_closed", _("Vote result")
        PETITION_DECIDED = "petition_decided", _("Petition decision")
        NEED_TRIAGED = "need_triaged", _("Need answered")
        PLAN_PUBLISHED = "plan_published", _("Plan published for comment")
        COMPLAINT_FILED = "complaint_filed", _("New complaint to answer")
        COMPLAINT_UPDATED = "complaint_updated", _("Your complaint was answered")
        COMPLAINT_REPLY = "complaint_reply", _("The resident wrote on a complaint")
        COMPLAINT_ESCALATED = "complaint_escalated", _("Overdue complaint escalated")
        SURVEY_INVITED = "survey_invited", _("Satisfaction survey")
        SURVEY_REMINDER = "survey_reminder", _("Satisfaction survey reminder")
        OWNERSHIP_REVIEWED = "ownership_reviewed", _("Household claim reviewed")
        COUNCIL_MEETING = "council_meeting", _("Residents' council meeting")
        COUNCIL_FILED = "council_filed", _("Council election filed")
        COUNCIL_RETURNED = "council_returned", _("Council election returned")
        PARTY_DECIDED = "party_decided", _("Party membership decided")
        INSPECTION_POSTED = "inspection_posted", _("Inspection note to answer")
        INSPECTION_ANSWERED = "inspection_answered", _("Inspection note answered")
        INSPECTION_OVERDUE = "inspection_overdue", _("Inspection note not answered in time")
        PLAN_ANSWERED = "plan_answered", _("Your comment on the plan was answered")
        OBJECTION_FILED = "objection_filed", _("Objection to a budget notice")
        OBJECTION_ANSWERED = "objection_answered", _("Your objection was answered")
        HEARING_CALLED = "hearing_called", _("Hearing or residents' meeting")
        PROXY_RECORDED = "proxy_recorded", _("Proxy authorisation recorded")
        BALLOT_BY_PROXY = "ballot_by_proxy", _("Your ballot was cast by your proxy")
        WILLINGNESS_INVITED = "willingness_invited", _("Renovation willingness survey")
        PLAN_VOTE_OPENED = "plan_vote_opened", _("Plan vote opened, with your household's share")
        COMPLETION_FILED = "completion_filed", _("Completion report to sign")
        ACCEPTANCE_REFUSED = "acceptance_refused", _("Completion acceptance refused, with defects to fix")
        DEFECT_OVERDUE = "defect_overdue", _("A defect to fix is past its date")
        VOLUNTEER_CONFIRMED = "volunteer_confirmed", _("Volunteer work confirmed")
        VOLUNTEER_DECLINED = "volunteer_declined", _("Volunteer work not confirmed")
        MANAGER_TERM_ENDING = "manager_term_ending", _("A property firm's contract is ending: a renewal vote")
        INTEGRITY_FILED = "integrity_filed", _("An integrity report to handle")
        INTEGRITY_ANSWERED = "integrity_answered", _("Your integrity report was answered")
        INTEGRITY_OVERDUE = "integrity_overdue", _("An integrity report not handled in time")
        FLAGGED_AWARD_ASKED = "flagged_award_asked", _("A flagged organization to approve for an award")
        FLAGGED_AWARD_DECIDED = "flagged_award_done", _("The bureau decided on awarding a flagged organization")
        APPROVAL_OPENED = "approval_opened", _("An approval matter to review")
        APPROVAL_DECIDED = "approval_decided", _("A department decided an approval matter")
        APPROVAL_OVERDUE = "approval_overdue", _("An approval matter past its time limit")
        UTILITY_SHARE_ASKED = "utility_asked", _("A budget asks your utility to carry a share")
        UTILITY_SHARE_DECIDED = "utility_decided", _("A utility confirmed or disputed its share of a budget")
        PLAN_YEAR_DECIDED = "plan_year_decided", _("The bureau answered a proposal for the year's plan")
        EVALUATION_ENGAGED = "evaluation_engaged", _("The housing bureau engaged your organization to evaluate")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Set by senders that may run twice (a re-delivered Celery task): the same key never makes a
    # second notice (a unique constraint), so a retried job cannot notify anyone twice.
    key = models.CharField(_("idempotency key"), max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="notification_key_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"

    @property
    def text(self) -> str:
        """The notice in the reader's language (rendered now, not when it was sent)."""
        template = NOTIFICATION_TEXTS.get(self.kind)
        if template is None:
            return self.get_kind_display()
        params = {
            key: str(PARAM_LABELS[key].get(value, value)) if key in PARAM_LABELS else value
            for key, value in self.params.items()
        }
        try:
            return str(template) % params
        except (KeyError, TypeError, ValueError):
            return self.get_kind_display()


# Outcomes are stored as codes and translated when shown.
OUTCOME_LABELS = {
    "passed": _("passed"),
    "rejected": _("rejected"),
    "no_quorum": _("no quorum (too few owners took part)"),
    "accepted": _("accepted into the renovation plan"),
    "declined": _("declined"),
    "included": _("included in the plan"),
    "verified": _(
        "verified: you are the household's voting owner and take part in the owners' votes that open from now on"
    ),
    "verified_co_owner": _("verified as a co-owner (the household already has a voting owner)"),
    "claim_rejected": _("not accepted; the reason is on your home page"),
    "approved": _("approved"),
    "refused": _("refused"),
    "adopted": _("adopted"),
    "partly": _("partly adopted"),
    "not_adopted": _("not adopted"),
    "party_confirmed": _("confirmed: you count as a Party member for petitions"),
    "party_not_confirmed": _("not confirmed; the reason is on your home page"),
    "confirmed": _("confirmed"),
    "disputed": _("disputed"),
}

# Parameters stored as codes and translated when shown, by parameter name. Later apps add their own
# (feedback registers complaint statuses and categories in its AppConfig.ready).
PARAM_LABELS: dict[str, dict] = {"result": OUTCOME_LABELS, "decision": OUTCOME_LABELS, "response": OUTCOME_LABELS}


def register_param_labels(name: str, labels: dict) -> None:
    PARAM_LABELS.setdefault(name, {}).update(labels)


NOTIFICATION_TEXTS = {
    Notification.Kind.SPONSOR_INVITED: _("%(inviter)s invited you to sign the renovation petition of %(estate)s."),
    Notification.Kind.VOTE_OPENED: _("A vote is open: “%(title)s”. It closes on %(closes)s."),
    Notification.Kind.PLAN_VOTE_OPENED: _(
        "The owners vote on “%(title)s” until %(closes)s. Under this plan your household pays ¥%(share)s; how it "
        "is computed is on the plan page."
    ),
    Notification.Kind.VOTE_CLOSED: _("The vote “%(title)s” has closed: %(result)s."),
    Notification.Kind.PETITION_DECIDED: _("The street office decided on the petition of %(estate)s: %(decision)s."),
    Notification.Kind.NEED_TRIAGED: _("Your need “%(item)s” was answered: %(decision)s."),
    Notification.Kind.PLAN_PUBLISHED: _(
        "Version %(number)s of the renovation plan of %(estate)s is published for comment."
    ),
    Notification.Kind.COMPLAINT_FILED: _(
        "A resident of %(estate)s filed complaint no. %(number)s (%(category)s). Please acknowledge it by %(due)s."
    ),
    Notification.Kind.COMPLAINT_UPDATED: _(
        "There is news on your complaint about %(estate)s (%(category)s): it is “%(status)s”."
    ),
    Notification.Kind.COMPLAINT_REPLY: _(
        "The resident wrote on complaint no. %(number)s in %(estate)s (%(category)s): it is “%(status)s”."
    ),
    Notification.Kind.COMPLAINT_ESCALATED: _(
        "A complaint in %(estate)s is overdue (%(reason)s) and has been escalated to the street office."
    ),
    Notification.Kind.SURVEY_INVITED: _(
        "The renovation of %(estate)s is finished. How did it go? Please rate it by %(closes)s."
    ),
    Notification.Kind.SURVEY_REMINDER: _(
        "Reminder: the satisfaction survey on the renovation of %(estate)s closes on %(closes)s."
    ),
    Notification.Kind.OWNERSHIP_REVIEWED: _("Your claim to %(home)s in %(estate)s was %(decision)s."),
    Notification.Kind.COUNCIL_MEETING: _(
        "The residents' council of %(estate)s meets on %(when)s at %(place)s: %(agenda)s. Residents may attend."
    ),
    Notification.Kind.COUNCIL_FILED: _(
        "The street office filed the election of the residents' council of %(estate)s; the term runs until %(until)s."
    ),
    Notification.Kind.COUNCIL_RETURNED: _(
        "The street office returned the election of the residents' council of %(estate)s: %(reason)s"
    ),
    Notification.Kind.PARTY_DECIDED: _("The Party branch of %(community)s answered your Party membership: %(result)s."),
    Notification.Kind.INSPECTION_POSTED: _(
        "A council representative posted an inspection note on the works at %(estate)s. Answer it by %(due)s."
    ),
    Notification.Kind.INSPECTION_ANSWERED: _(
        "%(contractor)s answered your inspection note on the works at %(estate)s."
    ),
    Notification.Kind.PLAN_ANSWERED: _(
        "The drafters answered your comment on version %(number)s of the plan of %(estate)s: %(response)s."
    ),
    Notification.Kind.OBJECTION_FILED: _(
        "A resident objected to the budget notice of %(estate)s. Answer it: the award waits for every answer."
    ),
    Notification.Kind.OBJECTION_ANSWERED: _("The street office answered your objection to the budget of %(estate)s."),
    Notification.Kind.WILLINGNESS_INVITED: _(
        "Should %(estate)s be renovated, and what should be done? Your community asks every household: "
        "please answer by %(closes)s."
    ),
    Notification.Kind.HEARING_CALLED: _(
        "A hearing on the renovation of %(estate)s is called for %(when)s at %(place)s: %(agenda)s. Residents may "
        "attend and speak."
    ),
    Notification.Kind.PROXY_RECORDED: _(
        "The community committee of %(estate)s recorded that %(owner)s authorises %(proxy)s to vote for them."
    ),
    Notification.Kind.BALLOT_BY_PROXY: _("%(proxy)s cast your ballot in the vote “%(title)s” as your proxy."),
    Notification.Kind.INSPECTION_OVERDUE: _(
        "%(contractor)s did not answer an inspection note on the works at %(estate)s by %(due)s."
    ),
    Notification.Kind.COMPLETION_FILED: _(
        "The contractor filed completion report no. %(number)s for the works at %(estate)s: check it on site and "
        "sign the acceptance, or refuse it with the defects to fix."
    ),
    Notification.Kind.DEFECT_OVERDUE: _(
        "A defect of the punch list at %(estate)s was due to be fixed by %(due)s and is not marked fixed: “%(defect)s”."
    ),
    Notification.Kind.INTEGRITY_FILED: _(
        "Integrity report no. %(number)s (%(street)s) was filed or added to: read it on the inspection desk."
    ),
    Notification.Kind.INTEGRITY_ANSWERED: _(
        "The discipline-inspection office answered your integrity report no. %(number)s: read it with your "
        "tracking code."
    ),
    Notification.Kind.INTEGRITY_OVERDUE: _(
        "Integrity report no. %(number)s (%(street)s) was not taken on or answered in time."
    ),
    Notification.Kind.APPROVAL_OPENED: _(
        "An approval matter is in your queue: “%(matter)s” for the renovation of %(estate)s, due by %(due)s."
    ),
    Notification.Kind.APPROVAL_DECIDED: _("“%(matter)s” for the renovation of %(estate)s: %(review)s."),
    Notification.Kind.APPROVAL_OVERDUE: _(
        "%(department)s has not decided “%(matter)s” for the renovation of %(estate)s, due by %(due)s "
        "(%(days)s working days so far)."
    ),
    Notification.Kind.UTILITY_SHARE_ASKED: _(
        "The budget of the renovation of %(estate)s asks %(utility)s to carry ¥%(amount)s: confirm or dispute it."
    ),
    Notification.Kind.EVALUATION_ENGAGED: _(
        "The housing bureau engaged %(evaluator)s to evaluate %(scope)s: the records are on your evaluation desk."
    ),
    Notification.Kind.PLAN_YEAR_DECIDED: _(
        "The housing bureau %(decision)s the renovation of %(estate)s for the %(year)s plan (年度改造计划)."
    ),
    Notification.Kind.UTILITY_SHARE_DECIDED: _("%(utility)s %(decision)s its ¥%(amount)s in the budget of %(estate)s."),
    Notification.Kind.FLAGGED_AWARD_ASKED: _(
        "The street office asks to award %(organization)s, flagged for low ratings, the %(role)s of %(estate)s: "
        "read its reason and decide on the tender record."
    ),
    Notification.Kind.FLAGGED_AWARD_DECIDED: _(
        "The housing bureau %(decision)s awarding %(organization)s the %(role)s of %(estate)s."
    ),
    Notification.Kind.MANAGER_TERM_ENDING: _(
        "The contract of %(firm)s to manage %(estate)s ends on %(date)s: the owners' vote on renewing it (an "
        "ordinary matter) is due, called by the street office; without a renewal the community committee keeps "
        "the estate from then on."
    ),
    Notification.Kind.VOLUNTEER_CONFIRMED: _(
        "The council of %(estate)s confirmed your volunteer work of %(date)s: %(points)s points."
    ),
    Notification.Kind.VOLUNTEER_DECLINED: _(
        "The council of %(estate)s did not confirm your volunteer work of %(date)s: %(reason)s"
    ),
    Notification.Kind.ACCEPTANCE_REFUSED: _(
        "The %(role)s refused the completion acceptance of the works at %(estate)s. Defects to fix: %(count)s, "
        "the first by %(due)s."
    ),
}


class NotificationPreference(models.Model):
    """Which notices a user also wants by e-mail or SMS (in-app notices are always kept). Only
    the choices that differ from the defaults of stakeholders.notifications are stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    # "<channel>:<kind>" pairs, e.g. "sms:vote_closed", switched on or off against the default.
    enabled = models.JSONField(_("switched on"), default=list, blank=True)
    disabled = models.JSONField(_("switched off"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Delivery(models.Model):
    """One e-mail or SMS to send (an outbox row). Rows are written in the transaction that causes
    them and sent after it commits, each claimed once: a crashed or re-delivered sending task never
    sends a message twice (see stakeholders.notifications)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown (the sender stopped while sending)")

    key = models.CharField(_("idempotency key"), max_length=140, unique=True)
    batch = models.UUIDField(_("batch"), db_index=True)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("user"),
    )
    # Notices, and the one-time codes that prove a phone or e-mail (no notice: there is no user yet).
    KINDS = [*Notification.Kind.choices, ("verification_code", _("Verification code"))]
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS)
    # The address is personal data: shown in the admin only.
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    # A platform admin sent an `unknown` or `failed` message again (after checking the gateway).
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent again by"),
    )
    resent_at = models.DateTimeField(_("sent again at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail or SMS")
        verbose_name_plural = _("e-mails and SMS")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_kind_display()} · {self.get_status_display()}"


class VerificationCode(models.Model):
    """A one-time code sent to a phone or e-mail to prove it is the registrant's (stakeholders.
    registration). Only a keyed hash of the code is kept. A request for an address that already has
    an account sends no code — that message says so — but is stored the same way, so limits and
    answers are the same whether or not an account exists."""

    identifier = models.CharField(_("phone or e-mail"), max_length=254)
    digest = models.CharField(_("code (keyed hash)"), max_length=64, blank=True)
    for_existing_account = models.BooleanField(_("address already had an account"), default=False)
    requested_from = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["identifier", "-created_at"], name="code_by_address"),
            models.Index(fields=["requested_from", "-created_at"], name="code_by_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} · {'used' if self.used_at else 'issued'}"

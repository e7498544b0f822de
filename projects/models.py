"""Decisions: the renovation Project, its lifecycle and public timeline (ProjectEvent)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from stakeholders.models import Estate


class Project(models.Model):
    """One estate's renovation, from petition to long-term maintenance (DESIGN §3)."""

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

    code = models.SlugField(_("public code"), max_length=40, unique=True)
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="projects", verbose_name=_("estate"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PETITIONING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="project_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

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


# django-guardian with direct foreign keys (DESIGN §2): grants on projects are joins on an indexed
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

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="petition", verbose_name=_("project"))
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

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("petition"))
    resident = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("resident")
    )
    # The household the sponsor signs for: three sponsors must stand for three households.
    household = models.ForeignKey(
        "stakeholders.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        "stakeholders.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
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

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    AcceptanceSignature,
    Award,
    Ballot,
    CatalogItem,
    CompletionReport,
    Defect,
    Need,
    Petition,
    PlanItem,
    PlanVersion,
    Project,
    ProjectEvent,
    Sponsorship,
    Vote,
)


class ProjectEventInline(ReadOnlyInline):
    model = ProjectEvent
    fields = ["at", "actor", "from_status", "to_status", "note"]


@admin.register(Project)
class ProjectAdmin(GuardedModelAdmin):
    # Status changes go through services (the project page); the admin shows the timeline.
    list_display = ["code", "title", "estate", "status", "status_changed_at"]
    list_filter = ["status", "estate__community__street"]
    search_fields = ["code", "title", "estate__name"]
    list_select_related = ["estate"]
    readonly_fields = ["code", "estate", "status", "created_at", "status_changed_at"]
    inlines = [ProjectEventInline]

    def has_add_permission(self, request):
        return False


class SponsorshipInline(ReadOnlyInline):
    model = Sponsorship
    fields = ["resident", "household", "status", "invited_by", "responded_at"]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ["project", "status", "started_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["project__code", "project__estate__name"]
    list_select_related = ["project", "started_by"]
    inlines = [SponsorshipInline]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "matter", "status", "result", "electorate_owners", "electorate_area", "closes_at"]
    list_filter = ["status", "matter", "result", "purpose"]
    search_fields = ["code", "title", "project__estate__name"]
    list_select_related = ["project"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["vote", "choice", "channel", "area", "cast_at"]
    list_filter = ["channel", "choice"]
    search_fields = ["vote__code"]
    list_select_related = ["vote"]


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    """The catalog can be extended by admins (new item types); codes stay stable."""

    list_display = ["position", "code", "name_zh", "name_en", "klass"]
    list_display_links = ["code"]
    list_filter = ["klass"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # needs and plan items refer to it


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["project", "catalog_item", "status", "created_at"]
    list_filter = ["status", "catalog_item__klass"]
    search_fields = ["project__code", "text"]
    list_select_related = ["project", "catalog_item"]
    exclude = ["photo"]


class PlanItemInline(ReadOnlyInline):
    model = PlanItem
    fields = ["catalog_item", "description", "quantity", "unit", "estimated_cost"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["project__code", "project__estate__name"]
    list_select_related = ["project"]
    inlines = [PlanItemInline]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["project", "role", "organization", "contract_amount", "awarded_at", "ended_at"]
    list_filter = ["role"]
    search_fields = ["project__code", "organization__name"]
    list_select_related = ["project", "organization"]


@admin.register(CompletionReport)
class CompletionReportAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "status", "organization", "filed_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["project__code"]
    list_select_related = ["project", "organization"]


@admin.register(Defect)
class DefectAdmin(ReadOnlyAdmin):
    list_display = ["report", "description", "due_on", "fixed_at"]
    search_fields = ["report__project__code", "description"]
    list_select_related = ["report__project"]


@admin.register(AcceptanceSignature)
class AcceptanceSignatureAdmin(ReadOnlyAdmin):
    list_display = ["project", "report", "role", "decision", "signed_by", "signed_at"]
    list_filter = ["role", "decision"]
    search_fields = ["project__code"]
    list_select_related = ["project", "signed_by"]

"""Money and works in the admin: read-only (they change only through services; the ledger table
refuses UPDATE and DELETE in the database itself)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Budget,
    BudgetLine,
    Inspection,
    LedgerEntry,
    MaintenanceRecord,
    Milestone,
    ProgressPhoto,
    ProgressUpdate,
)


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ["source", "amount"]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["project", "total", "status", "published_at", "notice_ends_on"]
    list_filter = ["status"]
    search_fields = ["project__code", "project__estate__name"]
    list_select_related = ["project"]
    inlines = [BudgetLineInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["project", "seq", "date", "kind", "amount", "counterparty", "category", "recorded_by"]
    list_filter = ["kind", "date"]
    search_fields = ["project__code", "counterparty", "memo", "hash"]
    list_select_related = ["project", "recorded_by"]
    exclude = ["voucher"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["project", "title", "type", "status", "due_date", "date_met"]
    list_filter = ["type", "status"]
    search_fields = ["project__code", "title"]
    list_select_related = ["project"]


class ProgressPhotoInline(ReadOnlyInline):
    model = ProgressPhoto
    fields = ["width", "height", "thumb_width", "thumb_height"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["project", "plan_item", "percent", "project_percent", "organization", "posted_at"]
    search_fields = ["project__code", "text"]
    list_select_related = ["project", "plan_item", "organization"]
    inlines = [ProgressPhotoInline]


@admin.register(MaintenanceRecord)
class MaintenanceRecordAdmin(ReadOnlyAdmin):
    list_display = ["project", "done_on", "organization", "posted_at"]
    search_fields = ["project__code", "work"]
    list_select_related = ["project", "organization"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["project", "posted_at", "organization", "answer_due", "answered_at"]
    search_fields = ["project__code", "findings", "answer"]
    list_select_related = ["project", "organization"]

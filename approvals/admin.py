from django.contrib import admin

from .models import CalendarDay, Matter, Review, Submission


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "time_limit", "is_active"]
    list_filter = ["is_active"]
    filter_horizontal = ["items"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["project", "submitted_by", "submitted_at"]
    raw_id_fields = ["project", "plan_version", "submitted_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["matter", "submission", "round", "status", "opened_on", "due_on", "decided_on"]
    list_filter = ["status"]
    raw_id_fields = ["submission", "decided_by"]

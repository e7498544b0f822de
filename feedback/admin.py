from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Complaint, ComplaintUpdate, Invitation, Response, Survey


class ComplaintUpdateInline(ReadOnlyInline):
    model = ComplaintUpdate
    fields = ["at", "author", "organization", "from_status", "to_status", "text"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "project",
        "category",
        "route",
        "agency",
        "status",
        "filed_at",
        "acknowledge_due",
        "resolve_due",
        "escalated_at",
    ]
    list_filter = ["status", "category", "route", "escalation"]
    search_fields = ["project__code", "project__estate__name", "text"]
    list_select_related = ["project", "agency"]
    inlines = [ComplaintUpdateInline]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "status", "opened_at", "remind_at", "closes_at", "closed_at", "households"]
    list_filter = ["kind", "status"]
    search_fields = ["project__code", "project__estate__name"]
    list_select_related = ["project"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "survey", "household", "delivery", "sent_at", "reminded_at"]
    list_filter = ["delivery"]
    search_fields = ["survey__project__code"]
    list_select_related = ["survey__project", "household__building"]
    exclude = ["nonce"]  # the secret half of the household's link


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "survey",
        "overall",
        "quality",
        "schedule",
        "communication",
        "conduct",
        "transparency",
        "channel",
        "submitted_at",
    ]
    list_filter = ["channel", "survey__kind"]
    search_fields = ["survey__project__code"]
    list_select_related = ["survey__project"]

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Project, ProjectEvent


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


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

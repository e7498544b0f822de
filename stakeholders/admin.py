from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from . import permissions
from .models import (
    Building,
    Community,
    Council,
    CouncilMember,
    Delivery,
    Estate,
    Household,
    Membership,
    Notification,
    NotificationPreference,
    Organization,
    Ownership,
    Resident,
    Street,
    User,
)
from .services import deliveries_resend, membership_add, membership_remove, organization_create


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "is_superuser",
        "is_active",
        "last_login",
    ]
    inlines = [MembershipInline]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "code"]
    list_filter = ["district"]
    search_fields = ["name", "district", "code"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "code"]
    list_filter = ["street"]
    search_fields = ["name", "code"]
    list_select_related = ["street"]


@admin.register(Estate)
class EstateAdmin(GuardedModelAdmin):
    list_display = ["name", "community", "address", "built_year", "code"]
    list_filter = ["community__street", "built_year"]
    search_fields = ["name", "address", "code"]
    list_select_related = ["community"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "estate", "floors", "has_elevator"]
    list_filter = ["has_elevator", "floors"]
    search_fields = ["estate__name", "number"]
    list_select_related = ["estate"]
    autocomplete_fields = ["estate"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "estate_name", "floor", "area_m2"]
    list_filter = ["building__estate__community__street"]
    search_fields = ["building__estate__name", "room"]
    list_select_related = ["building__estate"]
    autocomplete_fields = ["building"]

    @admin.display(description=_("estate"), ordering="building__estate__name")
    def estate_name(self, obj):
        return obj.building.estate.name


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "is_party_member", "user", "created_at"]
    list_filter = ["is_party_member"]
    search_fields = ["name", "phone", "user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Ownership)
class OwnershipAdmin(admin.ModelAdmin):
    # Reviews go through the verification queue (services); the admin only reads claims.
    list_display = ["resident", "household", "status", "is_voting_owner", "submitted_at", "reviewed_by"]
    list_filter = ["status", "is_voting_owner", "household__building__estate__community__street"]
    search_fields = ["resident__name", "resident__phone", "household__building__estate__name"]
    list_select_related = ["resident", "household__building", "reviewed_by"]
    readonly_fields = [f.name for f in Ownership._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "street", "community", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["street", "community"]
    readonly_fields = ["group"]

    def save_model(self, request, obj, form, change):
        if not change:
            created = organization_create(
                kind=obj.kind, name=obj.name, street=obj.street, community=obj.community, credit_code=obj.credit_code
            )
            obj.pk, obj.group = created.pk, created.group
        else:
            super().save_model(request, obj, form, change)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj else [f for f in fields if f != "group"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # Through the service, so the user also joins the organization's permission group.

        saved = membership_add(organization=obj.organization, user=obj.user, role=obj.role)
        obj.pk = saved.pk

    def delete_model(self, request, obj):

        membership_remove(membership=obj)

    def delete_queryset(self, request, queryset):

        for membership in queryset.select_related("user", "organization__group"):
            membership_remove(membership=membership)


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    raw_id_fields = ["resident"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["estate", "registered_by", "registered_at"]
    search_fields = ["estate__name"]
    list_select_related = ["estate", "registered_by"]
    inlines = [CouncilMemberInline]
    raw_id_fields = ["estate"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "params", "url", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The e-mail/SMS outbox: what was sent, what failed, what is `unknown` (its sender died
    mid-call; check the gateway's records before sending it again by hand)."""

    list_display = ["created_at", "channel", "kind", "status", "attempts", "sent_at", "resent_at", "user"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["user__username", "key"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.may_resend_deliveries(request.user):
            actions.pop("resend", None)
        return actions

    @admin.action(description=_("Send again (check the gateway's records first: an unknown message may have arrived)"))
    def resend(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True))
        sent = deliveries_resend(ids=chosen, actor=request.user)
        self.message_user(
            request,
            _("%(sent)s of %(chosen)s messages will be sent again; pending, sending and sent ones are left alone.")
            % {"sent": sent, "chosen": len(chosen)},
            messages.SUCCESS if sent else messages.WARNING,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "updated_at"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "enabled", "disabled", "updated_at"]

    def has_add_permission(self, request):
        return False

from django.urls import reverse
from rest_framework import serializers

from projects.forms import money_error_messages
from projects.models import FundingSource
from projects.serializers import FundingSplitField

from .ledger import MANAGEMENT_CATEGORY_CHOICES
from .models import LedgerEntry, Milestone, ProgressUpdate


class LedgerEntryDocumentSerializer(serializers.Serializer):
    """An entry exactly as published (architecture §6)."""

    project = serializers.CharField()
    seq = serializers.IntegerField()
    date = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.CharField()
    counterparty = serializers.CharField()
    category = serializers.CharField()
    memo = serializers.CharField(allow_blank=True)
    reverses = serializers.IntegerField(allow_null=True)
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class LedgerInSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=[(LedgerEntry.Kind.INCOME, "income"), (LedgerEntry.Kind.EXPENSE, "expense")])
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=money_error_messages()
    )
    counterparty = serializers.CharField(max_length=200)
    source = serializers.ChoiceField(
        choices=FundingSource.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Income: the funding source",
    )
    plan_item = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Expense: the adopted plan item's id"
    )
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    voucher = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional, multipart: the invoice or receipt (PDF or photo); kept by the street office, not "
        "published",
    )


class ProgressSerializer(serializers.ModelSerializer):
    plan_item = serializers.CharField(
        source="plan_item.catalog_item.code", read_only=True, allow_null=True, default=None
    )
    organization = serializers.CharField(source="organization.name", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = ["id", "plan_item", "percent", "project_percent", "text", "organization", "posted_at", "photos"]

    def get_photos(self, update) -> list[str]:

        return [reverse("disclosure:photo", args=[p.pk, "full"]) for p in update.photos.all()]


class ProgressInSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    plan_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list, max_length=10)


class LedgerReverseInSerializer(serializers.Serializer):
    memo = serializers.CharField(max_length=500, help_text="Why the entry is reversed (published with the reversal)")


class MilestoneInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=Milestone.Type.choices, default=Milestone.Type.DELIVERY)
    due_date = serializers.DateField()
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MilestoneStatusInSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Milestone.Status.choices)
    date_met = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Required when met or partially met"
    )


class BudgetDraftInSerializer(serializers.Serializer):
    total = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=money_error_messages()
    )
    lines = FundingSplitField(help_text="Funding source → amount; the lines must add up to the total")


class BudgetSerializer(serializers.Serializer):
    project = serializers.CharField(source="project.code")
    total = serializers.DecimalField(max_digits=14, decimal_places=2, error_messages=money_error_messages())
    status = serializers.CharField()
    approved_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    notice_ends_on = serializers.DateField(allow_null=True)
    lines = serializers.SerializerMethodField()

    def get_lines(self, budget) -> dict[str, str]:
        return {line.source: f"{line.amount:.2f}" for line in budget.lines.all()}


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField()
    date_met = serializers.DateField(allow_null=True)
    description = serializers.CharField()


class PublishInSerializer(serializers.Serializer):
    notice_days = serializers.IntegerField(min_value=5, max_value=60, required=False, allow_null=True, default=None)


class ManagementEntryInSerializer(serializers.Serializer):
    """An entry of the management ledger (after acceptance): its category says in or out."""

    date = serializers.DateField()
    category = serializers.ChoiceField(
        choices=MANAGEMENT_CATEGORY_CHOICES,
        help_text="In: mgmt_parking, mgmt_advertising, mgmt_fees; out: mgmt_maintenance_fund, mgmt_upkeep",
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=money_error_messages()
    )
    counterparty = serializers.CharField(max_length=200)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

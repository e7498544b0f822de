from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from projects.forms import money_error_messages

from .models import (
    AcceptanceSignature,
    Ballot,
    CompletionLine,
    CompletionReport,
    Defect,
    FundingSource,
    Need,
    PlanManagement,
    Project,
    ProjectEvent,
    Vote,
)


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectEvent
        fields = ["at", "from_status", "to_status", "note"]


class ProjectSerializer(serializers.ModelSerializer):
    estate = serializers.CharField(source="estate.name", read_only=True)
    estate_code = serializers.CharField(source="estate.code", read_only=True)
    street = serializers.CharField(source="estate.community.street.name", read_only=True)

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "status",
            "estate",
            "estate_code",
            "street",
            "created_at",
            "status_changed_at",
            "completed_on",
        ]


class ProjectDetailSerializer(ProjectSerializer):
    timeline = EventSerializer(source="public_events", many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = ProjectSerializer.Meta.fields + ["timeline"]


class FiguresSerializer(serializers.Serializer):
    owners = serializers.IntegerField()
    area = serializers.CharField()


class VoteSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Vote
        fields = [
            "code",
            "project",
            "title",
            "purpose",
            "matter",
            "scope",
            "status",
            "opens_at",
            "closes_at",
            "opened_at",
            "closed_at",
            "electorate_owners",
            "electorate_area",
            "result",
        ]


class VoteDetailSerializer(VoteSerializer):
    turnout = FiguresSerializer(
        read_only=True, allow_null=True, help_text="While open: who has voted so far (owners, area)."
    )
    results = serializers.JSONField(
        read_only=True, allow_null=True, help_text="After close: the published result document (architecture §6)."
    )

    class Meta(VoteSerializer.Meta):
        fields = VoteSerializer.Meta.fields + ["turnout", "results"]


class BallotInSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Ballot.Choice.choices)


class BallotOutSerializer(serializers.Serializer):
    vote = serializers.CharField()
    receipt = serializers.CharField(help_text="Shown once: check it at /disclosure/votes/<code>/receipt.")
    choice = serializers.CharField()


class NeedSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="catalog_item.code", read_only=True)
    supports = serializers.IntegerField(source="support_count", read_only=True)

    class Meta:
        model = Need
        fields = ["id", "item", "text", "status", "decline_reason", "supports", "created_at"]


class NeedInSerializer(serializers.Serializer):
    item = serializers.SlugField(help_text="Catalog item code, e.g. roof")
    text = serializers.CharField(max_length=2000)
    photo = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Optional, multipart: JPEG, PNG or WebP; seen by the council, staff and the estate's owners",
    )


class SponsorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="Masked (张*)")
    status = serializers.CharField()


class PetitionSerializer(serializers.Serializer):
    project = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()
    sponsors = SponsorSerializer(many=True)
    complete = serializers.BooleanField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Codes: sponsors, households, party_member"
    )


class InviteInSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class SponsorAnswerInSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()


class ProjectTransitionInSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Project.Status.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField(source="catalog_item.code")
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField()
    estimated_cost = serializers.DecimalField(max_digits=14, decimal_places=2, error_messages=money_error_messages())


class PlanVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    items = PlanItemSerializer(many=True, source="item_list")


class TextInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class PaperBallotInSerializer(serializers.Serializer):
    voter = serializers.IntegerField(
        help_text="The voter's id in the vote's electorate (the paper-ballot desk lists them)"
    )
    choice = serializers.ChoiceField(choices=Ballot.Choice.choices)
    scan = serializers.FileField()


class DefectInSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    due_on = serializers.DateField(help_text="The date it must be fixed by (today to one year ahead)")
    plan_item = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A plan item's id")


class AcceptanceInSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=AcceptanceSignature.Role.choices)
    decision = serializers.ChoiceField(
        choices=AcceptanceSignature.Decision.choices, default=AcceptanceSignature.Decision.AGREE
    )
    opinion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    defects = DefectInSerializer(many=True, required=False, default=list, max_length=20)


class CompletionLineInSerializer(serializers.Serializer):
    plan_item = serializers.IntegerField(help_text="The adopted plan item's id")
    final_quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    final_cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=money_error_messages()
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CompletionReportInSerializer(serializers.Serializer):
    scope_done = serializers.CharField(max_length=4000)
    lines = CompletionLineInSerializer(many=True, max_length=500)
    exception = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CompletionLineOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompletionLine
        fields = ["plan_item", "final_quantity", "final_cost", "note"]


class DefectOutSerializer(serializers.ModelSerializer):
    raised_by = serializers.CharField(source="signature.role")

    class Meta:
        model = Defect
        fields = ["id", "description", "plan_item", "due_on", "raised_by", "fixed_at", "fix_note"]


class SignatureOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceSignature
        fields = ["role", "decision", "opinion", "signed_at"]


class CompletionReportOutSerializer(serializers.ModelSerializer):
    lines = CompletionLineOutSerializer(many=True)
    signatures = SignatureOutSerializer(many=True)
    defects = DefectOutSerializer(many=True)

    class Meta:
        model = CompletionReport
        fields = ["id", "number", "status", "scope_done", "gaps", "exception", "filed_at", "closed_at"]
        fields += ["lines", "signatures", "defects"]


# --- petition start, votes by hand, need triage, plan drafting, award ----------------------------------


class FundingSplitField(serializers.DictField):
    """Funding source → amount (plan items, budgets): only the known sources."""

    child = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=money_error_messages()
    )

    def to_internal_value(self, data):

        value = super().to_internal_value(data)
        unknown = sorted(set(value) - set(FundingSource.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown funding source: %(sources)s.") % {"sources": ", ".join(unknown)}, code="invalid_choice"
            )
        return value


class PetitionStartInSerializer(serializers.Serializer):
    estate = serializers.SlugField(
        help_text="The estate's code (one where you are a verified owner and no project is under way)"
    )
    reason = serializers.CharField(max_length=4000)


class VoteCreateInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="The question put to the owners")
    matter = serializers.ChoiceField(choices=Vote.Matter.choices)
    scope = serializers.ChoiceField(choices=Vote.Scope.choices, default=Vote.Scope.ESTATE)
    building = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="Building number, for a building or entrance vote",
    )
    unit = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text="Entrance (单元), for an entrance vote"
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()

    def validate(self, data):

        if data["closes_at"] <= data["opens_at"]:
            raise serializers.ValidationError({"closes_at": [_("The vote must close after it opens.")]}, code="invalid")
        return data


class NeedTriageInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("include", "include"), ("decline", "decline")])
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to decline; the owner sees it",
    )
    plan_item = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="An item of the current plan draft (optional)"
    )


class PlanSummaryInSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=4000, allow_blank=True)


class PlanItemInSerializer(serializers.Serializer):
    item = serializers.SlugField(help_text="Catalog item code, e.g. roof")
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    unit = serializers.CharField(max_length=20)
    estimated_cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=money_error_messages()
    )
    funding = FundingSplitField(help_text="Funding source → amount; the amounts must add up to the estimated cost")


class ManagementSerializer(serializers.Serializer):
    """A plan version's management section (建管一体): in and out."""

    operator = serializers.ChoiceField(choices=PlanManagement.Operator.choices)
    organization = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The property-management firm's id, if chosen"
    )
    service_level = serializers.CharField(max_length=300)
    fee_per_m2_month = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="CNY per m² per month", error_messages=money_error_messages()
    )
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=PlanManagement.Source.choices), allow_empty=False
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    contract_years = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=10,
        help_text="A property-management firm's contract term in years (a renewal vote at its end)",
    )


class AwardInSerializer(serializers.Serializer):
    contractor = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The contractor organization's id"
    )
    supervisor = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The supervisor organization's id"
    )
    contract_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        error_messages=money_error_messages(),
    )
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when replacing an organization",
    )
    winner_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when awarding a bidder ranked below first in the tender (public)",
    )


class AwardOutSerializer(serializers.Serializer):
    role = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    contract_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, error_messages=money_error_messages()
    )
    awarded_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    tender = serializers.IntegerField(
        source="bid.tender_id", allow_null=True, default=None, help_text="The tender it was awarded from"
    )


class PaperDeskVoterSerializer(serializers.Serializer):
    """One line of the paper-ballot desk: units, not names (staff only)."""

    id = serializers.IntegerField()
    label = serializers.CharField(help_text="The units this voter votes for")
    area = serializers.DecimalField(max_digits=12, decimal_places=2)
    has_account = serializers.BooleanField(help_text="Whether the owner can vote online")
    voted = serializers.CharField(allow_null=True, help_text="online, paper, or null")

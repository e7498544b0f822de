from rest_framework import serializers

from .models import Ballot, Need, Project, ProjectEvent, Vote


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
        fields = ["code", "title", "status", "estate", "estate_code", "street", "created_at", "status_changed_at", "completed_on"]


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
        fields = ["code", "project", "title", "purpose", "matter", "scope", "status", "opens_at", "closes_at", "opened_at",
                  "closed_at", "electorate_owners", "electorate_area", "result"]


class VoteDetailSerializer(VoteSerializer):
    turnout = FiguresSerializer(read_only=True, allow_null=True, help_text="While open: who has voted so far (owners, area).")
    results = serializers.JSONField(read_only=True, allow_null=True, help_text="After close: the published result document (DESIGN §6).")

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
    missing = serializers.ListField(child=serializers.CharField(), help_text="Codes: sponsors, households, party_member")


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
    estimated_cost = serializers.DecimalField(max_digits=14, decimal_places=2)


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
    voter = serializers.IntegerField(help_text="The voter's id in the vote's electorate (the paper-ballot desk lists them)")
    choice = serializers.ChoiceField(choices=Ballot.Choice.choices)
    scan = serializers.FileField()


class AcceptanceInSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[("supervisor", "supervisor"), ("street", "street"), ("council", "council")])
    opinion = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

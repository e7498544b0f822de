from rest_framework import serializers

from .models import Complaint, ComplaintUpdate, Invitation, Response


class ComplaintSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "project",
            "category",
            "route",
            "agency",
            "text",
            "location",
            "status",
            "filed_at",
            "acknowledge_due",
            "acknowledged_at",
            "resolve_due",
            "resolved_at",
            "closed_at",
            "escalated_at",
            "escalation",
            "reopened",
        ]


class UpdateSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", read_only=True, allow_null=True)

    class Meta:
        model = ComplaintUpdate
        fields = ["at", "organization", "from_status", "to_status", "text"]


class ComplaintDetailSerializer(ComplaintSerializer):
    updates = UpdateSerializer(many=True, read_only=True, source="update_list")

    class Meta(ComplaintSerializer.Meta):
        fields = ComplaintSerializer.Meta.fields + ["updates"]


class ComplaintInSerializer(serializers.Serializer):
    project = serializers.SlugField(help_text="Project code")
    category = serializers.ChoiceField(choices=Complaint.Category.choices)
    text = serializers.CharField(max_length=4000)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.ImageField(), required=False, default=list, max_length=10)


class TransitionInSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Complaint.Status.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class MessageInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class InvitationSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="survey.project.code", read_only=True)
    estate = serializers.CharField(source="survey.project.estate.name", read_only=True)
    closes_at = serializers.DateTimeField(source="survey.closes_at", read_only=True)
    kind = serializers.CharField(source="survey.kind", read_only=True)
    year = serializers.IntegerField(
        source="survey.year", read_only=True, help_text="A yearly follow-up's year after acceptance; else 0"
    )

    class Meta:
        model = Invitation
        fields = ["id", "project", "estate", "kind", "year", "closes_at"]


class AnswerInSerializer(serializers.Serializer):
    overall = serializers.IntegerField(min_value=1, max_value=5)
    quality = serializers.IntegerField(min_value=1, max_value=5)
    schedule = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    conduct = serializers.IntegerField(min_value=1, max_value=5)
    transparency = serializers.IntegerField(min_value=1, max_value=5)
    management = serializers.IntegerField(
        min_value=1,
        max_value=5,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required when the survey rates the estate's manager (its `manager` is set)",
    )
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def answers(self) -> dict:
        return {q: self.validated_data[q] for q in Response.QUESTIONS + ("management",)}


class PaperAnswerInSerializer(AnswerInSerializer):
    invitation = serializers.IntegerField(help_text="The household's invitation id (from the letters list)")


class LetterSerializer(serializers.Serializer):
    """One printed letter: the household and its personal answer link (a secret: staff only)."""

    invitation = serializers.IntegerField(source="pk")
    household = serializers.CharField()
    delivery = serializers.CharField()
    url = serializers.CharField(help_text="The household's signed answer link, for the printed letter and its QR code")


class LinkAnswerInSerializer(AnswerInSerializer):
    invitation = serializers.IntegerField(help_text="The invitation id in the link /feedback/answer/<id>/<token>/")
    token = serializers.CharField(max_length=200, help_text="The token in the link (its QR code)")

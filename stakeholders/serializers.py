from rest_framework import serializers

from .models import Estate, Notification


class EstateSerializer(serializers.ModelSerializer):
    street = serializers.CharField(source="community.street.name", read_only=True)
    community = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Estate
        fields = ["code", "name", "address", "built_year", "latitude", "longitude", "community", "street"]


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at"]


class ClaimReviewSerializer(serializers.Serializer):
    """A household claim in the committee's queue (the claimant's name: staff see it, as on the page)."""

    id = serializers.IntegerField()
    household = serializers.CharField()
    estate = serializers.CharField(source="household.building.estate.name")
    resident = serializers.CharField(source="resident.name")
    status = serializers.CharField()
    is_voting_owner = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)


class ClaimVerifyInSerializer(serializers.Serializer):
    co_owner = serializers.BooleanField(default=False, help_text="Verify as a co-owner without the household's vote")


class ClaimRejectInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="The resident reads it")


class NotificationChannelsSerializer(serializers.Serializer):
    """Per kind of notice, the channels it also comes by (in-app notices are always kept)."""

    channels = serializers.DictField(child=serializers.ListField(child=serializers.ChoiceField(choices=["email", "sms"])),
                                     help_text="Notice kind → channels, e.g. {\"vote_opened\": [\"sms\"]}")

    def validate_channels(self, value):
        from django.utils.translation import gettext as _

        unknown = sorted(set(value) - set(Notification.Kind.values))
        if unknown:
            raise serializers.ValidationError(_("Unknown kind of notice: %(kinds)s.") % {"kinds": ", ".join(unknown)}, code="invalid_choice")
        return value

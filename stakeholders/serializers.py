from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import Estate, Notification, User


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

    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=["email", "sms"])),
        help_text='Notice kind → channels, e.g. {"vote_opened": ["sms"]}',
    )

    def validate_channels(self, value):

        unknown = sorted(set(value) - set(Notification.Kind.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown kind of notice: %(kinds)s.") % {"kinds": ", ".join(unknown)}, code="invalid_choice"
            )
        return value


class RegisterCodeInSerializer(serializers.Serializer):
    identifier = serializers.CharField(
        max_length=254, help_text="Mainland mobile number or e-mail to register: the code is sent there"
    )


class RegisterCodeOutSerializer(serializers.Serializer):
    sent_to = serializers.CharField(help_text="The address, masked (138****0099)")
    minutes = serializers.IntegerField(help_text="How long the code is valid")


class RegisterInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="Real name, as on the property certificate (never public)")
    identifier = serializers.CharField(
        max_length=254, help_text="Mainland mobile number or e-mail: you sign in with it"
    )
    code = serializers.RegexField(
        r"^\s*\d{6}\s*$", max_length=12, help_text="The 6-digit code sent by POST /api/v1/auth/register/code/"
    )
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    is_party_member = serializers.BooleanField(
        default=False,
        help_text="A claim the community Party branch confirms; petitions count confirmed members only; never shown",
    )
    consent = serializers.BooleanField(help_text="Your community committee may check your ownership documents")

    def validate_consent(self, value):

        if not value:
            raise serializers.ValidationError(
                _("Tick this box to register: without it we cannot verify your ownership."), code="required"
            )
        return value

    def validate(self, data):

        try:
            password_validation.validate_password(
                data["password"], User(username=data["identifier"], first_name=data["name"])
            )
        except ValidationError as error:
            raise serializers.ValidationError(
                {
                    "password": [
                        serializers.ErrorDetail(m, code=e.code or "invalid")
                        for e in error.error_list
                        for m in e.messages
                    ]
                }
            ) from None
        return data


class TokenOutSerializer(serializers.Serializer):
    token = serializers.CharField()


class ClaimInSerializer(serializers.Serializer):
    estate = serializers.SlugField(help_text="The estate's code")
    building = serializers.CharField(max_length=20, help_text="Building number (楼栋)")
    unit = serializers.CharField(max_length=10, help_text="Entrance (单元)")
    room = serializers.CharField(max_length=20)
    proof = serializers.FileField(
        help_text="Property certificate or purchase contract: JPEG, PNG, WebP or PDF (kept private)"
    )

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

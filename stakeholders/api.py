"""API of people and places: public estates, the user's own notifications, tokens."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.authtoken.views import ObtainAuthToken

from . import selectors
from .serializers import EstateSerializer, NotificationSerializer


class EstateFilter(filters.FilterSet):
    street = filters.CharFilter(field_name="community__street__code", help_text="Street code")

    class Meta:
        model = selectors.Estate
        fields = ["street"]


class EstateList(generics.ListAPIView):
    """Every estate in the portal (public: no personal data)."""

    serializer_class = EstateSerializer
    filterset_class = EstateFilter

    def get_queryset(self):
        return selectors.public_estates().select_related("community__street")


class NotificationList(generics.ListAPIView):
    """The signed-in user's notices, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = selectors.Notification.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self):
        return selectors.notifications_of(self.request.user)


@extend_schema(summary="Get an API token", description="POST username (or phone) and password; use the token as `Authorization: Token <key>`.")
class TokenView(ObtainAuthToken):
    pass

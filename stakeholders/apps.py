"""Who and where: places, people, organizations, roles, sign-up and ownership verification."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("People and places")

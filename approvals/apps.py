"""The city's departments on one platform (issue 22): the approval matter catalog, one submission
reviewed in parallel by every department it concerns, and the working-day clock."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Parallel approvals")

    def ready(self):
        # A decision's notice names it in the reader's language.
        from stakeholders.models import register_param_labels

        from .models import Review

        register_param_labels("review", dict(Review.Status.choices))

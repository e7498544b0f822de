"""Residents' voice during and after the work: complaints and surveys."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Residents' feedback")

    def ready(self):
        # Notices about complaints carry status, category and escalation codes; they are shown in
        # the reader's language with this app's labels.
        from stakeholders.models import register_param_labels

        from .models import Complaint

        register_param_labels("status", dict(Complaint.Status.choices))
        register_param_labels("category", dict(Complaint.Category.choices))
        register_param_labels("reason", dict(Complaint.Escalation.choices))

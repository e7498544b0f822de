"""Forms of volunteer points (志愿者积分): log work, confirm or decline it, the agreed rate, an exchange."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import IsoDateInput, StyledFormMixin
from stakeholders.models import CouncilMeeting, Resident
from stakeholders.text import mask_phone

from .models import VolunteerLog

HOURS_ERRORS = {
    "required": _("Say how many hours, from 0.5 to 12."),
    "invalid": _("Hours are from 0.5 to 12, in half hours."),
    "min_value": _("Hours are from 0.5 to 12, in half hours."),
    "max_value": _("Hours are from 0.5 to 12, in half hours."),
    "max_digits": _("Hours are from 0.5 to 12, in half hours."),
    "max_decimal_places": _("Hours are from 0.5 to 12, in half hours."),
    "step_size": _("Hours are from 0.5 to 12, in half hours."),
}


def hours_field(label, *, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.5"),
        max_value=Decimal("12"),
        step_size=Decimal("0.5"),
        max_digits=3,
        decimal_places=1,
        error_messages=HOURS_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": "0.5", "max": "12"}),
    )


class VolunteerLogForm(StyledFormMixin, forms.Form):
    activity = forms.ChoiceField(
        label=_("What kind of work"),
        choices=[("", "—")] + VolunteerLog.Activity.choices,
        error_messages={"required": _("Choose what kind of volunteer work it was.")},
    )
    done_on = forms.DateField(label=_("Done on"), widget=IsoDateInput())
    hours = hours_field(_("Hours"))
    description = forms.CharField(
        label=_("What you did"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example “walked the site with the supervisor, noted the loose railing at building 2”."),
        error_messages={"required": _("Say what you did, so the council can confirm it.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._style()


class VolunteerDecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("confirm", _("Confirm")), ("decline", _("Do not confirm"))],
        error_messages={"required": _("Confirm the work or say why not.")},
    )
    hours = hours_field(_("Hours confirmed"), required=False)
    reason = forms.CharField(label=_("Why not (the resident is told)"), max_length=300, required=False)

    def __init__(self, *args, log=None, **kwargs):
        if log is not None:
            kwargs.setdefault("initial", {"hours": log.hours})
            kwargs.setdefault("prefix", f"log{log.pk}")
        super().__init__(*args, **kwargs)
        self._style()


class VolunteerRateForm(StyledFormMixin, forms.Form):
    yuan_per_point = forms.DecimalField(
        label=_("One point is worth (CNY)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("10"),
        max_digits=4,
        decimal_places=2,
        error_messages={
            "required": _("Say what one point is worth, from ¥0.01 to ¥10.00."),
            "invalid": _("One point is worth from ¥0.01 to ¥10.00."),
            "min_value": _("One point is worth from ¥0.01 to ¥10.00."),
            "max_value": _("One point is worth from ¥0.01 to ¥10.00."),
            "max_digits": _("One point is worth from ¥0.01 to ¥10.00."),
            "max_decimal_places": _("One point is worth from ¥0.01 to ¥10.00."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    meeting = forms.ModelChoiceField(
        label=_("Agreed at the council meeting of"),
        queryset=CouncilMeeting.objects.none(),
        empty_label=_("Choose the meeting"),
        error_messages={
            "required": _("Choose the council meeting at which the estate agreed the rate (its minutes recorded)."),
            "invalid_choice": _(
                "Choose the council meeting at which the estate agreed the rate (its minutes recorded)."
            ),
        },
    )

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = CouncilMeeting.objects.filter(pk__in=[m.pk for m in meetings])
        labels = {m.pk: f"{timezone.localtime(m.held_at):%Y-%m-%d} · {m.place}" for m in meetings}
        self.fields["meeting"].label_from_instance = lambda m: labels.get(m.pk) or str(m)
        self._style()


class PointsRedeemForm(StyledFormMixin, forms.Form):
    resident = forms.ModelChoiceField(
        label=_("Resident"),
        queryset=Resident.objects.none(),
        empty_label=_("Choose the resident"),
        error_messages={
            "required": _("Choose whose points are exchanged."),
            "invalid_choice": _("Choose a resident with points to exchange."),
        },
    )
    points = forms.IntegerField(
        label=_("Points to exchange"),
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "required": _("Say how many points to exchange."),
            "invalid": _("Points are a whole number."),
            "min_value": _("Exchange at least one point."),
            "max_value": _("This resident does not have that many points."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    date = forms.DateField(label=_("Date"), widget=IsoDateInput())
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, holders=(), **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate(), "submission_key": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = Resident.objects.filter(pk__in=[r.pk for r, _n in holders])
        labels = {
            r.pk: _("%(name)s · %(phone)s · %(n)s points")
            % {"name": r.name, "phone": mask_phone(r.phone or ""), "n": n}
            for r, n in holders
        }
        self.fields["resident"].label_from_instance = lambda r: labels.get(r.pk) or str(r)
        self._style()

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledFormMixin


class TransitionForm(StyledFormMixin, forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (shown on the project's timeline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PetitionForm(StyledFormMixin, forms.Form):
    estate = forms.TypedChoiceField(label=_("Estate (小区)"), coerce=int)
    reason = forms.CharField(
        label=_("Why does the estate need renovation?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: leaking roofs, old water pipes, no lighting in the stairwells. Neighbours and the street office will read it."),
    )

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].choices = [(e.pk, e.name) for e in estates]
        self._style()


class InviteForm(StyledFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Neighbour's mobile number"),
        max_length=20,
        help_text=_("They must be a verified owner in this estate. They will see the invitation on their home page and decide themselves."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class BallotForm(StyledFormMixin, forms.Form):
    choice = forms.ChoiceField(
        label=_("Your choice"),
        widget=forms.RadioSelect,
        choices=[("agree", _("Agree")), ("disagree", _("Disagree")), ("abstain", _("Abstain"))],
        error_messages={"required": _("Choose agree, disagree or abstain.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

"""The form a street office calls a vote with by hand: what it decides decides its majority."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import IsoDateTimeInput, StyledFormMixin

from .models import SPECIAL_DECISIONS, Vote


class VoteForm(StyledFormMixin, forms.Form):
    """A vote the street office calls by hand (e.g. an elevator for one entrance)."""

    title = forms.CharField(label=_("Question put to the owners"), max_length=200)
    decides = forms.ChoiceField(
        label=_("What it decides (Civil Code art. 278)"),
        widget=forms.RadioSelect,
        choices=Vote.Decides.choices,
        error_messages={"required": _("Say what the vote decides: the law sets the majority it needs.")},
    )
    matter = forms.ChoiceField(
        label=_("Kind of matter (only for another matter)"),
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Adding an elevator, rebuilding, raising funds and changing common parts are special by law."),
    )
    scope = forms.ChoiceField(label=_("Who votes"))
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int, empty_value=None)
    unit = forms.CharField(label=_("Entrance (单元)"), required=False, max_length=10)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=IsoDateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=IsoDateTimeInput())

    def __init__(self, *args, buildings=(), **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = Vote.Matter.choices
        self.fields["scope"].choices = Vote.Scope.choices
        self.fields["building"].choices = [("", "—")] + [(b.pk, str(b)) for b in buildings]
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("decides") in SPECIAL_DECISIONS:
            data["matter"] = Vote.Matter.SPECIAL  # by law: no one chooses ordinary for it
        elif data.get("decides") == Vote.Decides.RENEWAL:
            data["matter"], data["scope"] = Vote.Matter.ORDINARY, Vote.Scope.ESTATE  # art. 278 (4)
        elif data.get("decides") and not data.get("matter"):
            self.add_error("matter", _("Choose whether it is an ordinary or a special matter."))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The vote must close after it opens."))
        return data

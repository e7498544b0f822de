"""The petition form: the estate's renovation, or an elevator for one entrance (加装电梯)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledFormMixin

from .models import Project


class PetitionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What the petition asks for"),
        choices=Project.Kind.choices,
        initial=Project.Kind.RENOVATION,
        widget=forms.RadioSelect,
        required=False,
    )
    estate = forms.TypedChoiceField(label=_("Estate (小区)"), coerce=int, required=False)
    entrance = forms.ChoiceField(
        label=_("Entrance (for an elevator)"),
        required=False,
        help_text=_("Your own entrance: its owners sponsor and vote on the elevator, a special matter by law."),
    )
    reason = forms.CharField(
        label=_("Why does the estate need renovation?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For example: leaking roofs, old water pipes, no lighting in the stairwells. Neighbours and the "
            "street office will read it."
        ),
    )

    def __init__(self, *args, estates, entrances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].choices = [(e.pk, e.name) for e in estates]
        self.entrances = {f"{b.pk}:{u}": (estate, b, u) for estate, b, u in entrances}
        self.fields["entrance"].choices = [("", "—")] + [
            (key, _("%(estate)s, building %(n)s, entrance %(u)s") % {"estate": e.name, "n": b.number, "u": u})
            for key, (e, b, u) in self.entrances.items()
        ]
        if not entrances:
            del self.fields["kind"], self.fields["entrance"]
        elif not estates:  # the estate's renovation is under way (or not theirs to start): an elevator only
            del self.fields["estate"]
            self.fields["kind"].choices = [(Project.Kind.ELEVATOR, Project.Kind.ELEVATOR.label)]
            self.fields["kind"].initial = Project.Kind.ELEVATOR
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("kind") == Project.Kind.ELEVATOR:
            if data.get("entrance") not in self.entrances:
                self.add_error("entrance", _("Choose the entrance the elevator is for."))
        elif "estate" in self.fields and data.get("estate") in (None, ""):
            self.add_error("estate", _("Choose the estate."))
        return data

    def chosen(self) -> dict:
        """petition_start's arguments beyond the resident and the reason."""
        if self.cleaned_data.get("kind") == Project.Kind.ELEVATOR or "estate" not in self.fields:
            estate, building, unit = self.entrances[self.cleaned_data["entrance"]]
            return {"estate": estate, "kind": Project.Kind.ELEVATOR, "building": building, "entrance": unit}
        return {"estate_id": self.cleaned_data["estate"], "kind": Project.Kind.RENOVATION}

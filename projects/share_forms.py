"""The sharing fields of a plan item's form (issue 19): who shares the residents' part (the estate,
a building, an entrance) and how (area, floor coefficients × area, equally), in plain words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanItem
from .shares import parse_coefficients


class SharingForm(forms.Form):
    share_scope = forms.ChoiceField(
        label=_("Who shares the residents' part"),
        choices=PlanItem.ShareScope.choices,
        initial=PlanItem.ShareScope.ESTATE,
        widget=forms.RadioSelect,
        required=False,
    )
    share_building = forms.ModelChoiceField(
        label=_("Building (for one building or one entrance)"), queryset=None, required=False, empty_label="—"
    )
    share_entrance = forms.ChoiceField(label=_("Entrance (单元)"), choices=(), required=False)
    share_method = forms.ChoiceField(
        label=_("How it is shared"),
        choices=PlanItem.ShareMethod.choices,
        initial=PlanItem.ShareMethod.AREA,
        widget=forms.RadioSelect,
        required=False,
    )
    share_coefficients = forms.CharField(
        label=_("Floor coefficients (floor method)"),
        required=False,
        max_length=500,
        help_text=_("Floor and coefficient, e.g. 1:0, 2:0.4, 3:0.7, 4:1, 5:1.2 — as the owners agreed."),
    )

    def _add_sharing(self, buildings, units):
        """`buildings`: the estate's (a queryset); `units`: a callable giving its entrances."""
        self.fields["share_building"].queryset = buildings
        self.fields["share_building"].label_from_instance = lambda b: _("Building %(n)s") % {"n": b.number}
        # A callable: the estate's entrances are read only when the form is shown (not for readers).
        self.fields["share_entrance"].choices = lambda: (
            [("", "—")] + [(u, _("Entrance %(unit)s") % {"unit": u}) for u in units()]
        )

    def clean_share_scope(self):
        return self.cleaned_data.get("share_scope") or PlanItem.ShareScope.ESTATE

    def clean_share_method(self):
        return self.cleaned_data.get("share_method") or PlanItem.ShareMethod.AREA

    def clean_share_coefficients(self):
        text = self.cleaned_data.get("share_coefficients", "")
        try:
            return parse_coefficients(text) or None
        except ValueError as bad:
            raise forms.ValidationError(
                _("“%(part)s” is not a floor and a coefficient (e.g. 3:0.8, two decimals at most)."),
                code="bad_coefficient",
                params={"part": str(bad)[:40]},
            ) from None

    def sharing(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name) for name in ("share_scope", "share_building", "share_entrance", "share_method")
        } | {
            "share_coefficients": data.get("share_coefficients"),
        }

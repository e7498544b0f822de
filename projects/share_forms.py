"""The sharing fields of a plan item's form (issue 19): who shares the residents' part (the estate,
a building, an entrance) and how (area, floor coefficients × area, equally, or as the owners
agreed household by household), in plain words."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanItem
from .shares import parse_coefficients, parse_weights


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
    share_agreement = forms.CharField(
        label=_("What the owners agreed (agreed method)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The owners' decision in words, e.g. “本单元业主协商：一楼不出资，其余每户相同”. It is shown with the "
            "plan and adopted with this version's vote."
        ),
    )
    share_weights = forms.CharField(
        label=_("Each household's weight (agreed method)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One household a line, building-entrance-room and weight, e.g. 1-1-101: 0 (within one entrance the "
            "room is enough: 101: 0). 其余: 1 gives every household not named its weight. The public sees weights "
            "by building, entrance and floor, never rooms."
        ),
    )

    compensation_per_household = forms.DecimalField(
        label=_("Ground-floor compensation per household (CNY, optional)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "底层住户补偿: what each household of the floors below receives, as the owners agreed. Enter the "
            "fund (this × those households) as the item's “ground-floor compensation fund” line above: it is "
            "shared like the residents' part."
        ),
    )
    compensation_floors = forms.CharField(
        label=_("Floors compensated"), required=False, max_length=50, help_text=_("e.g. 1, or 1, 2")
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

    def clean_share_weights(self):
        try:
            return parse_weights(self.cleaned_data.get("share_weights", "")) or None
        except ValueError as bad:
            raise forms.ValidationError(
                _("“%(part)s” is not a household and a weight (e.g. 1-1-301: 1.2, two decimals at most)."),
                code="bad_weight",
                params={"part": str(bad)[:40]},
            ) from None

    def clean_compensation_floors(self):
        text = (self.cleaned_data.get("compensation_floors") or "").replace("，", ",").replace("、", ",")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not all(p.lstrip("-").isdigit() and abs(int(p)) < 200 for p in parts):
            raise forms.ValidationError(_("Write the floors as numbers, e.g. 1, or 1, 2."), code="bad_floors")
        return sorted({int(p) for p in parts}) or None

    def sharing(self) -> dict:
        names = ("share_scope", "share_building", "share_entrance", "share_method", "share_coefficients")
        names += ("compensation_per_household", "compensation_floors", "share_agreement", "share_weights")
        return {name: self.cleaned_data.get(name) for name in names}

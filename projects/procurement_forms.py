"""The procurement record's forms (issue 21 item 1): the notice, a bid, a committee seat, a bid's
scores, the evaluation's day, the end of a failed tender, and the flagged award's request and decision."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import IsoDateInput, StyledForm, StyledFormMixin

from .forms import money_field
from .models import Award, Tender, points_text

DEFAULT_CRITERIA = "投标报价 40\n施工组织设计 30\n企业信誉与类似业绩 20\n项目管理机构 10"
CRITERION_LINE = re.compile(r"^(?P<name>.+?)[\s:：]+(?P<points>\d+(?:\.\d{1,2})?)$")


class TenderForm(StyledForm):
    role = forms.ChoiceField(
        label=_("For"),
        choices=[c for c in Award.Role.choices if c[0] != Award.Role.MANAGER],
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(label=_("Procurement method"), choices=Tender.Method.choices, widget=forms.RadioSelect)
    requirements = forms.CharField(
        label=_("Scope and the bidders' qualifications"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As in the notice: what is bought, the qualification grade asked for, the time limit."),
    )
    published_on = forms.DateField(label=_("Notice published on"), widget=IsoDateInput())
    bids_due = forms.DateField(
        label=_("Bids due on"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("At least 20 days after the notice. Not for a direct award."),
    )
    ceiling = money_field(_("Maximum bid price (最高投标限价, CNY)"), required=False, positive=True)
    criteria = forms.CharField(
        label=_("Evaluation criteria and points"),
        required=False,
        max_length=2000,
        initial=DEFAULT_CRITERIA,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, the name and the points, adding up to 100. Not for a direct award."),
    )
    direct_reason = forms.ChoiceField(
        label=_("Legal reason for a direct award"),
        required=False,
        choices=[("", "—")] + Tender.DirectReason.choices,
    )
    direct_details = forms.CharField(
        label=_("The reason in detail"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Public with the award."),
    )

    def clean_criteria(self) -> list[tuple[str, Decimal]]:
        parsed = []
        for number, line in enumerate((self.cleaned_data.get("criteria") or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = CRITERION_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Line %(n)s: write the name, a space and the points, for example “投标报价 40”."),
                    code="criteria_line",
                    params={"n": number},
                )
            try:
                points = Decimal(match["points"])
            except InvalidOperation:  # the pattern admits digits only; kept for the type checker
                raise forms.ValidationError(_("Points are a number."), code="criteria_line") from None
            parsed.append((match["name"].strip()[:100], points))
        return parsed


class BidForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Bidder"), queryset=None, empty_label=_("— choose —"))
    amount = money_field(_("Bid price (CNY)"), positive=True)

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = bidders
        self._style()


class RejectForm(StyledForm):
    reason = forms.CharField(label=_("Why the bid is rejected"), max_length=500)


class SeatForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization sending members"), queryset=None, empty_label=_("— choose —")
    )
    members = forms.IntegerField(label=_("Members"), min_value=0, max_value=50, initial=1)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()}）"
        self._style()


class ScoreForm(StyledFormMixin, forms.Form):
    """One number per criterion (c<criterion id>), 0 to the criterion's points."""

    def __init__(self, *args, criteria, bid=None, **kwargs):
        initial = {f"c{s.criterion_id}": s.points for s in bid.scores.all()} if bid is not None else {}
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name}（0–{points_text(criterion.points)}）",
                min_value=Decimal("0"),
                max_value=criterion.points,
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
                error_messages={
                    "required": _("Give the points."),
                    "invalid": _("Points are a number, for example 35.5."),
                    "min_value": _("Points cannot be negative."),
                    "max_value": _("At most %(limit_value)s points."),
                    "max_digits": _("At most %(max)s points.") % {"max": points_text(criterion.points)},
                    "max_whole_digits": _("At most %(max)s points.") % {"max": points_text(criterion.points)},
                    "max_decimal_places": _("Points have at most two decimals."),
                },
            )
        self._style()

    def points(self) -> dict[int, Decimal]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class EvaluateForm(StyledForm):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=IsoDateInput())


class FailForm(StyledForm):
    reason = forms.CharField(
        label=_("Why it ends without an award"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FlagAskForm(StyledForm):
    reason = forms.CharField(
        label=_("Why this organization all the same"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Public beside the award. The housing bureau decides."),
    )


class FlagDecideForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("The bureau's decision"),
        choices=[("approve", _("Approve the award")), ("refuse", _("Refuse it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required to refuse)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

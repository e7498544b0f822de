"""The completion acceptance in forms (issue 20 item 2): the contractor's completion report (one
row per plan item), a signer's decision with the punch list, and the contractor's fix note."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import IsoDateInput, StyledFormMixin

from .models import AcceptanceSignature
from .services.acceptance import MAX_COST, MAX_QUANTITY

DEFECT_ROWS = 5


class CompletionReportForm(StyledFormMixin, forms.Form):
    scope_done = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The scope as built, in plain words: what the residents will find finished."),
        error_messages={"required": _("Say what was done: the scope as built.")},
    )
    exception = forms.CharField(
        label=_("Why acceptance should go ahead anyway"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when something above is unfinished. The reason is published on the project page."),
    )
    document = forms.FileField(
        label=_("Completion document (PDF or photo, optional)"),
        required=False,
        help_text=_("Seen by those who work on the project, not published."),
    )

    def __init__(self, *args, items=(), previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        earlier = {line.plan_item_id: line for line in previous.lines.all()} if previous is not None else {}
        self.item_rows = []
        for item in items:
            before = earlier.get(item.pk)
            prefix = f"item_{item.pk}"
            self.fields[f"{prefix}_quantity"] = forms.DecimalField(
                label=_("Final quantity (%(unit)s)") % {"unit": item.unit},
                min_value=Decimal("0"),
                max_value=MAX_QUANTITY,
                decimal_places=2,
                initial=before.final_quantity if before else item.quantity,
                error_messages={"required": _("Give the final quantity.")},
            )
            self.fields[f"{prefix}_cost"] = forms.DecimalField(
                label=_("Final cost (CNY)"),
                min_value=Decimal("0"),
                max_value=MAX_COST,
                decimal_places=2,
                initial=before.final_cost if before else item.estimated_cost,
                error_messages={"required": _("Give the final cost.")},
            )
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=_("Why it differs from the plan (optional)"),
                required=False,
                max_length=300,
                initial=before.note if before else "",
            )
            self.item_rows.append((item, [self[f"{prefix}_{part}"] for part in ("quantity", "cost", "note")]))
        if previous is not None and not self.is_bound:
            self.initial.setdefault("scope_done", previous.scope_done)
        self._style()

    def lines(self, items) -> dict:
        data = self.cleaned_data
        return {
            item.pk: (
                data.get(f"item_{item.pk}_quantity"),
                data.get(f"item_{item.pk}_cost"),
                data.get(f"item_{item.pk}_note"),
            )
            for item in items
        }


class AcceptanceForm(StyledFormMixin, forms.Form):
    """One signer's decision on the filed report. Refusing needs the defects, each with its date."""

    role = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=AcceptanceSignature.Decision.choices,
        initial=AcceptanceSignature.Decision.AGREE,
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("Acceptance opinion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: works checked on site against the plan; no outstanding defects."),
    )

    def __init__(self, *args, items=(), refuse=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not refuse:  # the contractor confirms its own report
            self.fields["decision"].choices = [
                (AcceptanceSignature.Decision.AGREE, AcceptanceSignature.Decision.AGREE.label)
            ]
            self.fields["decision"].widget = forms.HiddenInput()
        self.defect_rows = []
        if refuse:
            choices = [("", _("The whole works"))] + [(str(item.pk), item.description) for item in items]
            self.items = {str(item.pk): item for item in items}
            for index in range(DEFECT_ROWS):
                prefix = f"defect_{index}"
                self.fields[f"{prefix}_description"] = forms.CharField(
                    label=_("Defect %(n)s: what must be fixed") % {"n": index + 1}, required=False, max_length=500
                )
                self.fields[f"{prefix}_due_on"] = forms.DateField(
                    label=_("Fix by"), required=False, widget=IsoDateInput()
                )
                self.fields[f"{prefix}_plan_item"] = forms.ChoiceField(
                    label=_("Which item"), required=False, choices=choices
                )
                self.defect_rows.append([self[f"{prefix}_{part}"] for part in ("description", "due_on", "plan_item")])
            # The extra rows stay folded unless something was typed in them.
            self.more_rows_used = self.is_bound and any(
                (self.data.get(f"defect_{i}_{part}") or "").strip()
                for i in range(1, DEFECT_ROWS)
                for part in ("description", "due_on")
            )
        self._style()

    def defects(self) -> list[tuple]:
        data = self.cleaned_data
        return [
            (
                data.get(f"defect_{i}_description", ""),
                data.get(f"defect_{i}_due_on"),
                self.items.get(data.get(f"defect_{i}_plan_item") or ""),
            )
            for i in range(len(self.defect_rows))
        ]


class DefectFixForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("How it was fixed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say how the defect was fixed.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

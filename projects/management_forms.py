"""After the build (issue 20), in forms: the plan version's management section, and each plan item's
maintainer and warranty."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import StyledFormMixin
from stakeholders.models import Organization

from .models import PlanItem, PlanManagement


class ManagementForm(StyledFormMixin, forms.Form):
    operator = forms.ChoiceField(
        label=_("Who manages the estate after the works"),
        choices=PlanManagement.Operator.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who will manage the estate after the works.")},
    )
    organization = forms.ModelChoiceField(
        label=_("Property-management firm (if already chosen)"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Not chosen yet (by tender or the owners' choice)"),
    )
    service_level = forms.CharField(
        label=_("Service level"),
        max_length=300,
        help_text=_("What the owners get, e.g. cleaning daily, security 24 hours, repairs within 24 hours."),
        error_messages={"required": _("Say what service the owners get (e.g. cleaning daily, security 24 hours).")},
    )
    fee_per_m2_month = forms.DecimalField(
        label=_("Fee (CNY per m² per month)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("0 where the owners manage the estate themselves without a fee."),
        error_messages={"required": _("Give the fee per m² per month (0 if there is none).")},
    )
    sources = forms.MultipleChoiceField(
        label=_("Maintenance money comes from"),
        choices=PlanManagement.Source.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Say where maintenance money comes from: choose at least one source.")},
    )
    contract_years = forms.IntegerField(
        label=_("The firm's contract term (years)"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_(
            "For a property-management firm: at its end the owners vote whether to renew the contract (续聘). "
            "Empty: %(n)s years."
        )
        % {"n": settings.MANAGER_DEFAULT_TERM_YEARS},
        error_messages={
            "invalid": _("The firm's contract runs for 1 to 10 whole years."),
            "min_value": _("The firm's contract runs for 1 to 10 whole years."),
            "max_value": _("The firm's contract runs for 1 to 10 whole years."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(
        label=_("More on the arrangement (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the contract term, how the fee is collected, what the community takes on."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            kind=Organization.Kind.PROPERTY_MANAGER, is_active=True
        ).order_by("name")
        self._style()


class AfterBuildFieldsMixin(forms.Form):
    """A plan item's maintainer (who looks after it once built) and warranty."""

    maintainer = forms.ChoiceField(
        label=_("Who maintains it after the works"),
        choices=PlanItem.Maintainer.choices,
        initial=PlanItem.Maintainer.MANAGER,
        required=False,
    )
    maintainer_organization = forms.ModelChoiceField(
        label=_("The utility (for its pipes and lines)"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label="—",
    )
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        required=False,
        min_value=1,
        max_value=1200,
        help_text=_(
            "Empty: the regulation's minimum for the kind of work (roof waterproofing and exterior walls 60, "
            "pipes, lines, equipment and decoration 24)."
        ),
    )

    def _add_after_build(self):
        self.fields["maintainer_organization"].queryset = Organization.objects.filter(
            kind=Organization.Kind.UTILITY, is_active=True
        ).order_by("name")

    def clean_maintainer(self):
        return self.cleaned_data.get("maintainer") or PlanItem.Maintainer.MANAGER

    def after_build(self) -> dict:
        return {
            name: self.cleaned_data.get(name) for name in ("maintainer", "maintainer_organization", "warranty_months")
        }

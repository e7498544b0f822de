"""Forms of money and works: budget, ledger entries and reversals, progress, milestones."""

import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms import FundingFieldsMixin, MoneyField, money_field
from projects.models import FundingSource, PlanItem
from stakeholders.forms import IsoDateInput, MultipleFileField, StyledForm, StyledFormMixin
from stakeholders.models import Organization, OrganizationListing

from .ledger import MANAGEMENT_EXPENSE, MANAGEMENT_INCOME, MANAGEMENT_LABELS
from .models import LedgerEntry, Milestone, SharePayment


class ReceiptForm(StyledFormMixin, forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=20,
        help_text=_("The code shown once when you voted (or written on your paper ballot's copy)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


# --- the street office's budget and ledger desk, the contractor's progress desk ------------------


class BudgetForm(FundingFieldsMixin, StyledFormMixin, forms.Form):
    total = money_field(_("Total budget (CNY)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_funding_fields()
        self._style()


class PublishForm(StyledFormMixin, forms.Form):
    notice_days = forms.IntegerField(
        label=_("Public notice period (days)"),
        min_value=5,
        max_value=60,
        help_text=_("How long the budget is on public notice (公示) before work may be contracted."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"notice_days": settings.BUDGET_NOTICE_DAYS})
        super().__init__(*args, **kwargs)
        self._style()


class ManagementEntryForm(StyledFormMixin, forms.Form):
    """An entry of the estate's management ledger (after acceptance): what came in or went out."""

    part = forms.CharField(widget=forms.HiddenInput, initial="management")
    category = forms.ChoiceField(
        label=_("What it is"),
        choices=[
            (_("Coming in"), [(code, MANAGEMENT_LABELS[code]) for code in MANAGEMENT_INCOME]),
            (_("Going out"), [(code, MANAGEMENT_LABELS[code]) for code in MANAGEMENT_EXPENSE]),
        ],
        error_messages={"required": _("Choose what the money is.")},
    )
    date = forms.DateField(label=_("Date"), widget=IsoDateInput())
    amount = MoneyField(label=_("Amount (CNY)"), positive=True)
    counterparty = forms.CharField(
        label=_("Paid by / paid to"),
        max_length=200,
        help_text=_(
            "An organization, or a description such as “property fees, March (42 households)”. Never a "
            "resident's name: the ledger is public."
        ),
    )
    memo = forms.CharField(label=_("Memo (public)"), max_length=500, required=False)
    voucher = forms.FileField(
        label=_("Voucher (invoice or receipt)"),
        required=False,
        help_text=_("PDF or photo. Kept with the ledger; not published."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"date": timezone.localdate(), "submission_key": uuid.uuid4().hex, "part": "management"}
        )
        super().__init__(*args, **kwargs)
        self._style()


class LedgerEntryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        widget=forms.RadioSelect,
        choices=[
            (LedgerEntry.Kind.INCOME, LedgerEntry.Kind.INCOME.label),
            (LedgerEntry.Kind.EXPENSE, LedgerEntry.Kind.EXPENSE.label),
        ],
        error_messages={"required": _("Choose income or expense.")},
    )
    date = forms.DateField(label=_("Date"), widget=IsoDateInput())
    amount = MoneyField(label=_("Amount (CNY)"), positive=True)
    counterparty = forms.CharField(
        label=_("Paid by / paid to"),
        max_length=200,
        help_text=_(
            "An organization, or a description such as “residents' contributions (46 households)”. Never a "
            "resident's name: the ledger is public."
        ),
    )
    source = forms.ChoiceField(
        label=_("Funding source (income)"), required=False, choices=[("", "—")] + list(FundingSource.choices)
    )
    plan_item = forms.ModelChoiceField(label=_("Plan item (expense)"), required=False, queryset=None, empty_label="—")
    memo = forms.CharField(label=_("Memo (public)"), max_length=500, required=False)
    voucher = forms.FileField(
        label=_("Voucher (invoice or receipt)"),
        required=False,
        help_text=_("PDF or photo. Kept by the street office; not published."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )
    # A fresh token in every form shown: the same form sent twice records one entry (services).
    submission_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # A residents' income batch names the household payments it brings in (issue 19).
    payments = forms.ModelMultipleChoiceField(
        label=_("Household payments in this batch (居民自筹, or compensation paid out)"),
        required=False,
        queryset=SharePayment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The batch's amount must equal the payments ticked: payments received as residents' income, "
            "compensation paid out as an expense of its item."
        ),
    )

    def __init__(self, *args, items=(), payments=None, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate(), "submission_key": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)
        if payments is not None:
            self.fields["payments"].queryset = payments
            self.fields["payments"].label_from_instance = lambda p: (
                (
                    _("%(h)s · compensation paid ¥%(a)s · receipt %(r)s")
                    if p.kind == "payout"
                    else _("%(h)s · ¥%(a)s · receipt %(r)s")
                )
                % {
                    "h": p.household,
                    "a": f"{p.amount:,.2f}",
                    "r": p.receipt_no,
                }
            )
        self.fields["plan_item"].queryset = PlanItem.objects.filter(pk__in=[i.pk for i in items])
        labels = {i.pk: f"{i.catalog_item.name} · {i.description}" for i in items}
        self.fields["plan_item"].label_from_instance = lambda item: labels.get(item.pk, str(item))
        self._style()


class ReverseForm(StyledFormMixin, forms.Form):
    memo = forms.CharField(label=_("Why is this entry reversed?"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProgressForm(StyledFormMixin, forms.Form):
    plan_item = forms.ModelChoiceField(
        label=_("Plan item"),
        required=False,
        queryset=None,
        empty_label=_("The whole project"),
    )
    percent = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "max_value": _("The percent complete is a whole number from 0 to 100."),
            "min_value": _("The percent complete is a whole number from 0 to 100."),
        },
    )
    text = forms.CharField(
        label=_("What was done"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = PlanItem.objects.filter(pk__in=[i.pk for i in items])
        labels = {i.pk: f"{i.catalog_item.name} · {i.description}" for i in items}
        self.fields["plan_item"].label_from_instance = lambda item: labels.get(item.pk, str(item))
        self.fields["photos"].help_text = _(
            "JPEG, PNG or WebP, up to %(n)s per post. Location and camera data are removed before publication."
        ) % {"n": settings.PROGRESS_PHOTOS_MAX}
        self._style()


class MilestoneForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=Milestone.Type.choices, initial=Milestone.Type.DELIVERY)
    due_date = forms.DateField(label=_("Planned date"), widget=IsoDateInput())
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class MilestoneStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    date_met = forms.DateField(label=_("Date met"), required=False, widget=IsoDateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class InspectionForm(StyledFormMixin, forms.Form):
    """A council representative's inspection note (施工检查记录)."""

    plan_item = forms.ModelChoiceField(
        label=_("Plan item"), required=False, queryset=None, empty_label=_("The works as a whole")
    )
    location = forms.CharField(label=_("Where"), required=False, max_length=200)
    findings = forms.CharField(
        label=_("What you found"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what you found.")},
    )
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = PlanItem.objects.filter(pk__in=[i.pk for i in items])
        labels = {i.pk: f"{i.catalog_item.name} · {i.description}" for i in items}
        self.fields["plan_item"].label_from_instance = lambda item: labels.get(item.pk, str(item))
        self.fields["photos"].help_text = _(
            "JPEG, PNG or WebP, up to %(n)s. Location and camera data are removed; the note and photos are "
            "public, without your name: do not photograph people's faces or house numbers."
        ) % {"n": settings.INSPECTION_PHOTOS_MAX}
        self._style()


class InspectionAnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Your answer (public)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your answer: what you did or will do about it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ObjectionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(  # required by the service, which says what to write for which notice
        label=_("Your objection (public, without your name)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ObjectionAnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("The street office's answer (public)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the answer: what the street office found and will do.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class SharePaymentForm(StyledFormMixin, forms.Form):
    """A household's payment of its share, as the paper receipt or the transfer shows it."""

    amount = MoneyField(label=_("Amount (CNY)"), positive=True)
    paid_on = forms.DateField(label=_("Date paid"), widget=IsoDateInput())
    channel = forms.ChoiceField(label=_("Paid by"), choices=[("", "—")] + list(SharePayment.Channel.choices))
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PayoutForm(SharePaymentForm):
    """The ground-floor compensation paid to a household, as the receipt it signed shows it."""

    paid_on = forms.DateField(label=_("Date paid out"), widget=IsoDateInput())
    channel = forms.ChoiceField(label=_("Paid out by"), choices=[("", "—")] + list(SharePayment.Channel.choices))
    receipt_no = forms.CharField(
        label=_("Number of the receipt the household signed"), max_length=40, help_text=_("e.g. BC-001")
    )


class ExemptionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exemption"),
        max_length=300,
        help_text=_("e.g. the council's decision of 2027-03-02 on a hardship case (低保户)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class MaintenanceForm(StyledFormMixin, forms.Form):
    """A repair or upkeep done after acceptance (维修养护记录), by the estate's manager."""

    plan_item = forms.ModelChoiceField(
        label=_("Renovated item"), required=False, queryset=None, empty_label=_("The estate as a whole")
    )
    done_on = forms.DateField(label=_("Done on"), widget=IsoDateInput())
    work = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what was repaired or looked after.")},
    )
    photos = MultipleFileField(label=_("Photos"), required=False)
    ledger_entry = forms.ModelChoiceField(
        label=_("Paid by (management ledger)"),
        required=False,
        queryset=LedgerEntry.objects.none(),
        empty_label=_("Nothing, or not recorded yet"),
        help_text=_("The upkeep or maintenance-fund entry that paid for this work, if any."),
        error_messages={
            "invalid_choice": _(
                "Choose an upkeep or maintenance-fund expense of this estate's management ledger (or none)."
            )
        },
    )

    def __init__(self, *args, items=(), entries=(), **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["ledger_entry"].queryset = LedgerEntry.objects.filter(pk__in=[e.pk for e in entries])
        entry_labels = {
            e.pk: _("No. %(seq)s · %(date)s · ¥%(amount)s · %(memo)s")
            % {"seq": e.seq, "date": e.date.isoformat(), "amount": f"{e.amount:,.2f}", "memo": e.memo or e.counterparty}
            for e in entries
        }
        self.fields["ledger_entry"].label_from_instance = lambda e: entry_labels.get(e.pk) or str(e)
        self.fields["plan_item"].queryset = PlanItem.objects.filter(pk__in=[i.pk for i in items])
        labels = {i.pk: f"{i.catalog_item.name} · {i.description}" for i in items}
        self.fields["plan_item"].label_from_instance = lambda item: labels.get(item.pk, str(item))
        self.fields["photos"].help_text = _(
            "JPEG, PNG or WebP, up to %(n)s. Location and camera data are removed; the record is public with "
            "your organization's name: do not photograph people's faces or house numbers."
        ) % {"n": settings.PROGRESS_PHOTOS_MAX}
        self._style()


class ListingForm(StyledFormMixin, forms.Form):
    """The housing bureau lists a builder or supervisor (白名单 / 负面清单), with the reason and dates."""

    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(kind__in=("contractor", "supervisor"), is_active=True).order_by(
            "kind", "name"
        ),
        empty_label=_("Choose the builder or supervisor"),
        error_messages={
            "required": _("Choose the builder or supervisor."),
            "invalid_choice": _("Choose the builder or supervisor."),
        },
    )
    kind = forms.ChoiceField(
        label=_("List"),
        widget=forms.RadioSelect,
        choices=OrganizationListing.Kind.choices,
        error_messages={"required": _("Choose the list: the whitelist or the negative list.")},
    )
    reason = forms.CharField(
        label=_("Reason (published)"),
        max_length=500,
        error_messages={"required": _("Give the reason: it is published with the entry.")},
    )
    listed_on = forms.DateField(label=_("From"), widget=IsoDateInput())
    until = forms.DateField(label=_("Until (empty: until removed)"), required=False, widget=IsoDateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"listed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._style()


class UtilityShareForm(StyledForm):
    """The street office names a utility's share of the budget's utility line."""

    organization = forms.ModelChoiceField(
        label=_("Utility"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose a utility"),
        error_messages={"required": _("Choose the utility.")},
    )
    amount = MoneyField(label=_("Its share (CNY)"), positive=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            kind=Organization.Kind.UTILITY, is_active=True
        ).order_by("name")


class UtilityDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("confirm", _("Confirm: we carry this amount")), ("dispute", _("Dispute it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose confirm or dispute.")},
    )
    text = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to dispute: what the utility will carry instead, and why."),
    )

from decimal import Decimal

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import IsoDateInput, IsoDateTimeInput, StyledFormMixin
from stakeholders.models import Building, Organization

from .management_forms import AfterBuildFieldsMixin, ManagementForm  # noqa: F401  (ManagementForm: re-exported)
from .models import Ballot, FundingSource, Hearing, PlanComment, PlanVersion, points_text
from .petition_forms import PetitionForm  # noqa: F401  (re-exported)
from .share_forms import SharingForm
from .vote_forms import VoteForm  # noqa: F401  (re-exported)


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


class InviteForm(StyledFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Neighbour's mobile number"),
        max_length=20,
        help_text=_(
            "They must be a verified owner in this estate. They will see the invitation on their home page and "
            "decide themselves."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class BallotForm(StyledFormMixin, forms.Form):
    choice = forms.ChoiceField(
        label=_("Your choice"),
        widget=forms.RadioSelect,
        choices=Ballot.Choice.choices,
        error_messages={"required": _("Choose agree, disagree or abstain.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class NeedForm(StyledFormMixin, forms.Form):
    catalog_item = forms.ModelChoiceField(label=_("What is needed"), queryset=None, empty_label=_("Choose an item"))
    text = forms.CharField(  # required by the service, which says what to write ("other" needs words)
        label=_("Details: what, where, how bad"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: building 2, entrance 1 — the stairwell lights have been broken for a year."),
    )
    building = forms.ModelChoiceField(
        label=_("Building (optional)"), required=False, queryset=None, empty_label=_("The whole estate")
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Only the council, staff and residents of this estate see it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    # Set by tapping the site plan (static/js/portal.js); percent of its width and height.
    plan_x = forms.DecimalField(required=False, min_value=0, max_value=100, decimal_places=2, widget=forms.HiddenInput)
    plan_y = forms.DecimalField(required=False, min_value=0, max_value=100, decimal_places=2, widget=forms.HiddenInput)

    def __init__(self, *args, catalog, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalog_item"].queryset = catalog
        self.fields["catalog_item"].label_from_instance = lambda item: f"{item.get_klass_display()} · {item.name}"
        self.fields["building"].queryset = buildings if buildings is not None else Building.objects.none()
        self.fields["building"].label_from_instance = lambda b: _("Building %(n)s") % {"n": b.number}
        self._style()

    def point(self):
        x, y = self.cleaned_data.get("plan_x"), self.cleaned_data.get("plan_y")
        return (x, y) if x is not None and y is not None else None

    def clean(self):
        cleaned = super().clean()
        half = (cleaned.get("plan_x") is None) != (cleaned.get("plan_y") is None)
        if half or "plan_x" in self.errors or "plan_y" in self.errors:
            self.errors.pop("plan_x", None), self.errors.pop("plan_y", None)
            self.add_error("plan_x", _("Tap the site plan again: the point is not on it."))
        return cleaned


class TriageForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("include", _("Include in the plan")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    plan_item = forms.TypedChoiceField(label=_("Plan item (optional)"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(
        label=_("Reason (required to decline; the owner sees it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].choices = [("", _("Link later, when the item is added"))] + [
            (item.pk, item.description) for item in plan_items
        ]
        self._style()


MONEY_DIGITS = 14  # as the models store money: Decimal(14, 2), up to 999,999,999,999.99 yuan


def money_limit(max_digits: int = MONEY_DIGITS) -> str:
    """The largest amount a money field takes, as people read it ("999,999,999,999.99")."""
    whole = max_digits - 2
    return f"{Decimal('9' * whole + '.99'):,.2f}"


def money_error_messages(*, max_digits: int = MONEY_DIGITS, positive: bool = False) -> dict:
    """What a money field says, in plain words (Django's stock "确认总共不超过 14 个数字" is not)."""

    limit = {"limit": money_limit(max_digits)}
    # Interpolated when shown, in the reader's language (not once, at import).
    too_big = lazy(lambda: gettext("The amount cannot be more than %(limit)s yuan.") % limit, str)()
    return {
        "invalid": _("Enter an amount in yuan, for example 1280.50."),
        "max_digits": too_big,
        "max_whole_digits": too_big,
        "max_value": too_big,
        "max_decimal_places": _("An amount has at most two decimals (fen), for example 1280.50."),
        "min_value": _("The amount must be more than 0 yuan.") if positive else _("The amount cannot be negative."),
        "required": _("Enter the amount in yuan."),
    }


class MoneyField(forms.DecimalField):
    """An amount in yuan: two decimals, never negative (or more than 0), messages in plain words."""

    def __init__(self, *, positive: bool = False, max_digits: int = MONEY_DIGITS, **kwargs):
        messages = money_error_messages(max_digits=max_digits, positive=positive)
        messages.update(kwargs.pop("error_messages", {}))
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
        super().__init__(
            max_digits=max_digits,
            decimal_places=2,
            min_value=Decimal("0.01") if positive else Decimal("0"),
            error_messages=messages,
            **kwargs,
        )


def money_field(label, required=True, positive=False):
    return MoneyField(label=label, required=required, positive=positive)


class FundingFieldsMixin:
    """One optional money field per funding source (fund_<source>), for a split that must add up."""

    def _add_funding_fields(self):

        for source in FundingSource:
            self.fields[f"fund_{source.value}"] = money_field(source.label, required=False)

    def funding_fields(self):
        return [self[name] for name in self.fields if name.startswith("fund_")]

    def funding(self) -> dict:
        return {name[5:]: value for name, value in self.cleaned_data.items() if name.startswith("fund_") and value}


class PlanItemForm(SharingForm, AfterBuildFieldsMixin, FundingFieldsMixin, StyledFormMixin, forms.Form):
    catalog_item = forms.ModelChoiceField(label=_("Catalog item"), queryset=None, empty_label=_("Choose an item"))
    description = forms.CharField(label=_("What will be done"), max_length=300)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    unit = forms.CharField(label=_("Unit of measure"), max_length=20, help_text=_("m², m, pieces, buildings…"))
    estimated_cost = money_field(_("Estimated cost (CNY)"))

    def __init__(self, *args, catalog, buildings, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalog_item"].queryset = catalog
        self.fields["catalog_item"].label_from_instance = lambda item: f"{item.get_klass_display()} · {item.name}"
        self._add_funding_fields()
        self._add_sharing(buildings, units)
        self._add_after_build()
        self._style()


class SummaryForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary of this version"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed since the last version, and why (answers to residents' comments)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CommentAnswerForm(StyledFormMixin, forms.Form):
    """The drafters' answer to one comment (each form prefixed with the comment's id)."""

    response = forms.ChoiceField(
        label=_("Answer"),
        choices=PlanComment.Response.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the comment is adopted, partly adopted or not adopted.")},
    )
    reason = forms.CharField(
        label=_("Why (public)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why: the resident and everyone else will read it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PaperBallotForm(StyledFormMixin, forms.Form):
    voter = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.ChoiceField(
        label=_("Choice on the signed ballot"),
        widget=forms.RadioSelect,
        choices=Ballot.Choice.choices,
        error_messages={"required": _("Choose agree, disagree or abstain.")},
    )
    scan = forms.FileField(
        label=_("Scan or photo of the signed ballot"),
        help_text=_("JPEG, PNG, WebP or PDF; kept private, seen only by staff."),
        error_messages={"required": _("Attach a scan or photo of the signed paper ballot.")},
    )
    by_proxy = forms.BooleanField(label=_("Signed by the owner's proxy"), required=False)

    def __init__(self, *args, proxy=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proxy is None:  # only where an authorisation of this owner holds for the vote
            del self.fields["by_proxy"]
        else:
            self.fields["by_proxy"].help_text = _("Authorised: %(name)s. The owner is told the ballot was cast.") % {
                "name": proxy.proxy.masked_name
            }
        self._style()


class AwardForm(StyledFormMixin, forms.Form):
    contractor = forms.ModelChoiceField(
        label=_("Contractor (施工单位)"), queryset=None, required=False, empty_label=_("— keep as is —")
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor (监理)"), queryset=None, required=False, empty_label=_("— keep as is —")
    )
    contract_amount = money_field(_("Contract amount (CNY)"), required=False)
    reason = forms.CharField(
        label=_("Reason for a replacement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when replacing an organization already awarded; shown on the public timeline."),
    )

    winner_reason = forms.CharField(
        label=_("Why not the first-ranked bidder"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when awarding a bidder ranked below first (it declined, or could not sign); public."),
    )

    def __init__(self, *args, contractors, supervisors, current_roles=(), ranked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].queryset = contractors
        self.fields["supervisor"].queryset = supervisors
        ranked = ranked or {}

        def label(organization):  # "No. 1 · name · ¥1,280,000.00 · 87.5 points", in rank order
            bid = ranked.get(organization.pk)
            if bid is None:
                return organization.name
            parts = [gettext("No. %(rank)s") % {"rank": bid.rank}, organization.name, f"¥{bid.amount:,.2f}"]
            if bid.total is not None:
                parts.append(gettext("%(points)s points") % {"points": points_text(bid.total)})
            return " · ".join(parts)

        for role in ("contractor", "supervisor"):
            field = self.fields[role]
            field.label_from_instance = label
            if ranked:
                rank = Case(*[When(pk=pk, then=Value(b.rank)) for pk, b in ranked.items()], output_field=IntegerField())
                field.queryset = field.queryset.order_by(rank, "name")
            else:
                field.queryset = field.queryset.order_by("name")
        for role in ("contractor", "supervisor"):
            if role not in current_roles:
                self.fields[role].empty_label = _("— choose —")
        self._style()


class HearingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Hearing.Kind.choices, widget=forms.RadioSelect)
    subject = forms.ChoiceField(label=_("About"), choices=Hearing.Subject.choices, widget=forms.RadioSelect)
    plan_version = forms.ModelChoiceField(
        label=_("Plan version (if it is about the plan)"), required=False, queryset=None, empty_label="—"
    )
    held_at = forms.DateTimeField(label=_("Date and time"), widget=IsoDateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Public, and sent to every resident of the estate."),
    )

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_version"].queryset = versions if versions is not None else PlanVersion.objects.none()
        self.fields["plan_version"].label_from_instance = lambda v: str(v.round_label)
        self._style()


class HearingRecordForm(StyledFormMixin, forms.Form):
    paper_signins = forms.IntegerField(
        label=_("Signed in on the paper sheet"),
        min_value=0,
        max_value=100_000,
        help_text=_("Online sign-ins are counted by the portal and added."),
    )
    signin_sheet = forms.FileField(
        label=_("The sign-in sheet (photo or PDF, optional)"),
        required=False,
        help_text=_("Kept private: it carries names."),
    )
    minutes = forms.CharField(label=_("Minutes"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    positions = forms.CharField(
        label=_("Positions heard"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For, against, and what was asked — public, without names."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProxyForm(StyledFormMixin, forms.Form):
    """The community committee records an owner's signed proxy authorisation."""

    owner = forms.ModelChoiceField(label=_("Owner who authorises"), queryset=None, empty_label=_("Choose the owner"))
    proxy_phone = forms.CharField(
        label=_("The proxy's mobile phone"),
        max_length=20,
        help_text=_("The proxy must have registered in the portal (a family member, another owner)."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    vote = forms.ModelChoiceField(
        label=_("For this vote"), required=False, queryset=None, empty_label=_("— every vote until the date below —")
    )
    valid_until = forms.DateField(label=_("Or for every vote until"), required=False, widget=IsoDateInput())
    scan = forms.FileField(label=_("The signed authorisation (photo or PDF)"), required=False)

    def __init__(self, *args, owners, votes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda r: f"{r.name} · {r.phone or ''}"
        self.fields["vote"].queryset = votes
        self._style()


class DesignerForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Designer or community planner"), queryset=None, empty_label=_("Choose an organization")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            kind__in=["designer", "community_planner"], is_active=True
        ).order_by("name")
        self._style()


class DrawingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    explanation = forms.CharField(
        label=_("Explanation"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("Drawing (PDF, JPEG or PNG)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

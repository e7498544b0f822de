"""Forms for sign-up, sign-in, household claims and their review. Each field's error shows next
to it (templates/django/forms/field.html) and a re-rendered form keeps what was typed."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core import params
from core.files import check_upload

from . import selectors, services
from .models import Building, Delivery, Estate, Household, Notification, Residence, User
from .notifications import CHANNELS, wanted_channels


class IsoDateInput(forms.DateInput):
    """<input type=date> needs YYYY-MM-DD whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class IsoDateTimeInput(forms.DateTimeInput):
    """<input type=datetime-local> needs YYYY-MM-DDTHH:MM whatever the language's format."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one field (the input's `multiple`); cleans to a list of files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class StyledFormMixin:
    """Bootstrap classes and ARIA state on every widget; one place for every form in the portal."""

    def _style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            widget.attrs["class"] = " ".join(classes if css in classes else [*classes, css])
            # `_errors`, not `errors`: styling must not validate a form still being set up (its
            # querysets and choices may come after); full_clean styles it again once validated.
            if self.is_bound and self._errors and name in self._errors and "is-invalid" not in classes:
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"

    def full_clean(self):
        super().full_clean()
        self._style()

    def add_error(self, field, error):
        super().add_error(field, error)
        if hasattr(self, "cleaned_data"):
            self._style()


class StyledForm(StyledFormMixin, forms.Form):
    """A form with nothing to set up but its fields: styled as soon as it is built."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class SignInForm(StyledFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Mobile number, e-mail or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_login"] = _(
            "The account or password is not right. Check both (the password is case-sensitive), or reset your password."
        )
        self._style()


IDENTIFIER_WIDGET = {"autocomplete": "username", "inputmode": "email", "autocapitalize": "none"}


class SignUpStartForm(StyledFormMixin, forms.Form):
    """Registration, step 1: the phone or e-mail to prove (a code is sent to it)."""

    identifier = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        help_text=_("You sign in with it. We send a 6-digit code to it to check that it is yours."),
        widget=forms.TextInput(attrs=IDENTIFIER_WIDGET),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_identifier(self):
        return services.parse_identifier(self.cleaned_data["identifier"])[1]  # format only: nothing about accounts


class SignUpForm(StyledFormMixin, forms.Form):
    """Registration, step 2: the code that was sent, and the account's name and password."""

    error_messages = {
        "password_mismatch": _("The two passwords differ. Type the same password twice."),
    }

    code = forms.RegexField(
        label=_("Code from the message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label=_("Real name"),
        max_length=50,
        help_text=_("As on your property certificate. Only you and the staff who verify your claim see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    is_party_member = forms.BooleanField(
        label=_("I am a member of the Communist Party of China"),
        required=False,
        help_text=_(
            "Your community's Party branch confirms it. Petitions need at least one confirmed Party member "
            "among their sponsors. This is never shown publicly."
        ),
    )
    consent = forms.BooleanField(
        label=_("I agree that my community committee may check my ownership documents to verify my claims."),
        error_messages={"required": _("Tick this box to register: without it we cannot verify your ownership.")},
    )

    def __init__(self, *args, identifier: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.identifier = identifier
        self._style()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error(
                "password2", ValidationError(self.error_messages["password_mismatch"], code="password_mismatch")
            )
        elif p1:
            probe = User(username=self.identifier, first_name=cleaned.get("name") or "")
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ClaimForm(StyledFormMixin, forms.Form):
    """Estate → building → entrance → room, then the proof. The later lists are filled from the
    earlier choices (htmx re-renders the form as each is picked; without JS, "Next" does)."""

    error_messages = {
        "mismatch": _("This room is not in the chosen building and entrance. Pick the room again."),
        "proof_required": _("Upload your property certificate or purchase contract: owners are verified from it."),
    }

    estate = forms.ModelChoiceField(label=_("Estate (小区)"), queryset=Estate.objects.none(), empty_label=_("Choose…"))
    building = forms.ModelChoiceField(
        label=_("Building (楼栋)"), queryset=Building.objects.none(), empty_label=_("Choose…")
    )
    unit = forms.ChoiceField(label=_("Entrance (单元)"), choices=())
    household = forms.ModelChoiceField(label=_("Room"), queryset=Household.objects.none(), empty_label=_("Choose…"))
    relation = forms.ChoiceField(
        label=_("You live here as"),
        widget=forms.RadioSelect,
        choices=[("owner", _("Owner (业主)"))] + Residence.Relation.choices,
        initial="owner",
        required=False,  # an owner's claim unless said otherwise
        help_text=_(
            "Owners prove ownership and vote. Tenants and family living there are counted at once for needs, "
            "hearings and complaints; they do not vote."
        ),
    )
    proof = forms.FileField(
        label=_("Proof"),
        required=False,
        help_text=_(
            "Owners: a photo or scan of the property certificate (不动产权证) or purchase contract. Tenants: the "
            "lease or residence permit, if you have one (optional). JPEG, PNG, WebP or PDF, up to %(limit)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    def __init__(self, *args, selection: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else (selection or {})
        self.fields["estate"].queryset = selectors.claimable_estates()
        self.fields["proof"].help_text = self.fields["proof"].help_text % {
            "limit": filesizeformat(settings.PROOF_MAX_BYTES)
        }
        # Each choice only counts if it belongs to the one before: changing the estate drops a
        # building of another estate, and so on.
        self.selection: dict[str, object] = {}
        estate_id = _int(source.get("estate"))
        if estate_id:
            self.selection["estate"] = estate_id
            buildings = selectors.buildings_of(estate_id)
            self.fields["building"].queryset = buildings
            building_id = _int(source.get("building"))
            if building_id and any(b.pk == building_id for b in buildings):
                self.selection["building"] = building_id
                units = selectors.units_of(building_id)
                self.fields["unit"].choices = [("", _("Choose…"))] + [
                    (u, _("Entrance %(unit)s") % {"unit": u}) for u in units
                ]
                unit = (source.get("unit") or "").strip()
                if unit in units:
                    self.selection["unit"] = unit
                    rooms = selectors.households_of(building_id, unit)
                    self.fields["household"].queryset = rooms
                    self.fields["household"].label_from_instance = _room_label
                    household_id = _int(source.get("household"))
                    if household_id and not self.is_bound and rooms.filter(pk=household_id).exists():
                        self.selection["household"] = household_id
        if not self.is_bound:
            self.initial.update(self.selection)
        self._style()

    @property
    def stage(self) -> str:
        """Which choice comes next: drives which fields the template shows."""
        for name in ("estate", "building", "unit"):
            if name not in self.selection:
                return name
        return "household"

    def clean_relation(self):
        return self.cleaned_data.get("relation") or "owner"

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        if proof:
            check_upload(proof)
        return proof

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("relation") == "owner" and not cleaned.get("proof") and "proof" not in self.errors:
            self.add_error("proof", ValidationError(self.error_messages["proof_required"], code="proof_required"))
        household, building, estate = cleaned.get("household"), cleaned.get("building"), cleaned.get("estate")
        if household and building and estate:
            if (
                household.building_id != building.pk
                or building.estate_id != estate.pk
                or household.unit != cleaned.get("unit")
            ):
                self.add_error("household", ValidationError(self.error_messages["mismatch"], code="mismatch"))
        return cleaned


def _room_label(household: Household) -> str:
    return _("Room %(room)s (floor %(floor)s, %(area)s m²)") % {
        "room": household.room,
        "floor": household.floor,
        "area": household.area_m2,
    }


def _int(value) -> int | None:
    return params.bounded_int(value)


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the resident sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": services.ERRORS["reason_required"]},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class VerifyForm(StyledFormMixin, forms.Form):
    co_owner = forms.BooleanField(
        label=_("Verify as co-owner without a vote (the household already has a voting owner)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class NotificationPreferencesForm(StyledFormMixin, forms.Form):
    """One checkbox per notice kind and channel (e-mail, SMS); in-app notices are always kept.

    A channel the account has no address for (no e-mail, no mobile number) is shown unticked and
    cannot be changed here; its stored choice is kept for when the address is added."""

    def __init__(self, *args, user=None, preference=None, available=None, **kwargs):

        super().__init__(*args, **kwargs)
        available = set(CHANNELS if available is None else available)
        channel_labels = dict(Delivery.Channel.choices)
        self.rows, self.kept = [], {}
        for kind, label in Notification.Kind.choices:
            chosen = wanted_channels(kind, preference)
            names = []
            for channel in CHANNELS:
                name = f"{channel}__{kind}"
                usable = channel in available
                self.fields[name] = forms.BooleanField(
                    label=f"{label}：{channel_labels[channel]}",
                    required=False,
                    initial=usable and channel in chosen,
                    disabled=not usable,
                )
                if not usable:
                    self.kept[name] = channel in chosen
                names.append(name)
            self.rows.append((label, [self[name] for name in names]))
        self._style()

    def channels(self) -> dict[str, set[str]]:
        chosen: dict[str, set[str]] = {}
        for name, on in self.cleaned_data.items():
            channel, kind = name.split("__", 1)
            if self.kept.get(name, on):
                chosen.setdefault(kind, set()).add(channel)
        return chosen


class SitePlanForm(StyledFormMixin, forms.Form):
    site_plan = forms.FileField(
        label=_("Site plan (总平面图)"),
        help_text=_("A photo or image of the estate's layout: JPEG, PNG or WebP. Residents place their needs on it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choose the picture of the site plan.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

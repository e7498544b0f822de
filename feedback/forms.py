from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stakeholders.forms import MultipleFileField, StyledFormMixin
from stakeholders.models import Building

from .lifecycle import FALLBACK_REASONS, ROUTES
from .models import Complaint, Response

ROUTE_HINTS = {
    Complaint.Route.WORKS: _("goes to the contractor and the supervisor"),
    Complaint.Route.STREET: _("goes to the street office only — never to the contractor"),
    Complaint.Route.COMMUNITY: _("goes to the community committee"),
}


class ComplaintForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the complaint is about.")},
    )
    text = forms.CharField(
        label=_("What is wrong"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw, when, and what you would like done. Your name is never shown publicly."),
        error_messages={"required": _("Say what is wrong, so the people who answer know what to look at.")},
    )
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False, empty_label=_("Not about one building")
    )
    location = forms.CharField(
        label=_("Where exactly (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: entrance 2, at the bicycle shed."),
    )
    photos = MultipleFileField(label=_("Photos (optional)"), required=False)

    def __init__(self, *args, estate=None, routes=None, **kwargs):
        super().__init__(*args, **kwargs)
        routes = routes or {}

        def hint(code):
            intended = ROUTES[code]
            actual = routes.get(intended, intended)
            if actual == intended:
                return ROUTE_HINTS[intended]
            return f"{ROUTE_HINTS[actual]}（{FALLBACK_REASONS[intended]}）"

        self.fields["category"].choices = [
            (code, f"{label} — {hint(code)}") for code, label in Complaint.Category.choices
        ]
        if estate is not None:
            self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by("number")
        self.fields["building"].label_from_instance = lambda b: str(b)
        self.fields["photos"].help_text = _(
            "JPEG, PNG or WebP, up to %(n)s. Location and camera data are removed; only the people who answer see them."
        ) % {"n": settings.COMPLAINT_PHOTOS_MAX}
        self._style()

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > settings.COMPLAINT_PHOTOS_MAX:
            raise forms.ValidationError(
                _("Attach at most %(max)s photos."),
                code="too_many_photos",
                params={"max": settings.COMPLAINT_PHOTOS_MAX},
            )
        return photos


class ComplaintActionForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(choices=Complaint.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Message"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ComplaintMessageForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Write a message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write a message.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


SCORES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyAnswerForm(StyledFormMixin, forms.Form):
    """The six 1–5 questions and the free text (labels from the Response model)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in Response.QUESTIONS:
            self.fields[question] = forms.TypedChoiceField(
                label=Response._meta.get_field(question).verbose_name,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score from 1 to 5.")},
            )
        self.fields["text"] = forms.CharField(
            label=Response._meta.get_field("text").verbose_name,
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Only the street office and the housing bureau read this; it is never published."),
        )
        self.prepare()
        self._style()  # (reads self.errors on a bound form: every field must be ready by now)

    def prepare(self) -> None:
        """Subclasses finish their own fields here."""

    def answers(self) -> dict:
        return {q: self.cleaned_data[q] for q in Response.QUESTIONS}

    def score_fields(self):
        return [self[q] for q in Response.QUESTIONS]


class PaperResponseForm(SurveyAnswerForm):
    invitation = forms.ModelChoiceField(
        label=_("Household"),
        queryset=None,
        empty_label=_("Choose the household on the paper form"),
        error_messages={
            "required": _("Choose the household whose answer this is."),
            "invalid_choice": _("This household has already answered, or is not in this survey."),
        },
    )

    def __init__(self, *args, invitations=None, **kwargs):
        self._invitations = invitations
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        self.fields["invitation"].queryset = self._invitations
        self.fields["invitation"].label_from_instance = lambda inv: str(inv.household)
        self.order_fields(["invitation"])

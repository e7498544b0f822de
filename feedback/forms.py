from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects.models import PlanItem
from stakeholders.forms import MultipleFileField, StyledFormMixin
from stakeholders.models import Building

from .lifecycle import CONFIDENTIAL_CATEGORIES, FALLBACK_REASONS, ROUTES
from .models import Complaint, Response, WillingnessAnswer

ROUTE_HINTS = {
    Complaint.Route.WORKS: _("goes to the contractor and the supervisor"),
    Complaint.Route.STREET: _("goes to the street office only — never to the contractor"),
    Complaint.Route.COMMUNITY: _("goes to the community committee"),
    Complaint.Route.MAINTAINER: _("goes to whoever maintains the facility"),
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
    # After acceptance (issue 20): which renovated item, if any — inside its warranty the contractor
    # repairs it; after, whoever maintains it. Only offered once the works are accepted.
    plan_item = forms.ModelChoiceField(
        label=_("Is it about something renovated? (optional)"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("Not about one renovated item"),
        help_text=_(
            "Inside its warranty the contractor must repair it; after it, whoever maintains it. The date is "
            "shown with each item."
        ),
    )

    def __init__(self, *args, estate=None, routes=None, items=None, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items:
            self.fields["plan_item"].queryset = PlanItem.objects.filter(pk__in=[i.pk for i in items])
            ends = {i.pk: i.warranty_until for i in items}
            self.fields["plan_item"].label_from_instance = lambda item: (
                _("%(item)s (warranty until %(until)s)")
                % {"item": item.description, "until": ends.get(item.pk).isoformat() if ends.get(item.pk) else "—"}
            )
        else:
            del self.fields["plan_item"]
        routes = routes or {}

        def hint(code):
            intended = ROUTES[code]
            actual = routes.get(intended, intended)
            if actual == intended:
                return ROUTE_HINTS[intended]
            return f"{ROUTE_HINTS[actual]}（{FALLBACK_REASONS[intended]}）"

        # Money and misconduct go to the discipline-inspection office instead (issue 21 item 3): the
        # form links to its own page (feedback/integrity/new/).
        self.fields["category"].choices = [
            (code, f"{label} — {hint(code)}")
            for code, label in Complaint.Category.choices
            if code not in CONFIDENTIAL_CATEGORIES and (categories is None or code in categories)
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

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = survey.questions if survey is not None else Response.QUESTIONS
        for question in self.questions:
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
        return {q: self.cleaned_data[q] for q in self.questions}

    def score_fields(self):
        return [self[q] for q in self.questions]


class PaperHouseholdMixin:
    """A paper answer's household, chosen from the survey's unanswered invitations (`invitations`);
    `household_label(invitation)` is what the clerk reads in the list."""

    def __init__(self, *args, invitations=None, **kwargs):
        self._invitations = invitations
        super().__init__(*args, **kwargs)

    @staticmethod
    def household_label(invitation) -> str:
        return str(invitation.household)

    def prepare(self) -> None:
        self.fields["invitation"] = forms.ModelChoiceField(
            label=_("Household"),
            queryset=self._invitations,
            empty_label=_("Choose the household on the paper form"),
            error_messages={
                "required": _("Choose the household whose answer this is."),
                "invalid_choice": _("This household has already answered, or is not in this survey."),
            },
        )
        self.fields["invitation"].label_from_instance = self.household_label
        self.order_fields(["invitation"])


class PaperResponseForm(PaperHouseholdMixin, SurveyAnswerForm):
    pass


# --- willingness surveys (意愿调查) ---------------------------------------------------------------------


class WillingnessOpenForm(StyledFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("What residents will see, e.g. “2027 renovation: do you want it, and what should be done?”"),
        error_messages={"required": _("Give the survey a title residents will recognise.")},
    )
    estates = forms.TypedMultipleChoiceField(
        label=_("Estates to ask"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every household of each estate is asked; one answer per household."),
        error_messages={"required": _("Choose at least one estate."), "invalid_choice": _("Choose from the list.")},
    )
    items = forms.TypedMultipleChoiceField(
        label=_("Renovation items to ask about"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the State Council guidance's catalog; residents tick the ones that matter to them."),
        error_messages={
            "required": _("Choose at least one renovation item to ask about."),
            "invalid_choice": _("Choose from the list."),
        },
    )
    closes_on = forms.DateField(
        label=_("Last day to answer"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the last day to answer."), "invalid": _("Enter a date like 2027-03-31.")},
    )

    def __init__(self, *args, estates=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estates"].choices = [(e.pk, f"{e.name} · {e.community.name}") for e in estates]
        self.fields["items"].choices = [(i.pk, f"{i.name} · {i.get_klass_display()}") for i in items]
        self._style()


WILLING_CHOICES = WillingnessAnswer.Willing.choices
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class WillingnessAnswerForm(StyledFormMixin, forms.Form):
    """The template's questions (labels from the WillingnessAnswer model) over the survey's items."""

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        label = WillingnessAnswer._meta.get_field
        self.fields["willing"] = forms.ChoiceField(
            label=label("willing").verbose_name,
            choices=WILLING_CHOICES,
            widget=forms.RadioSelect,
            error_messages={"required": _("Say whether you want your estate renovated.")},
        )
        self.fields["items"] = forms.TypedMultipleChoiceField(
            label=label("items").verbose_name,
            required=False,
            coerce=int,
            choices=[(i.pk, i.name) for i in survey.items.all()],
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Tick every item your household needs; none is fine too."),
            error_messages={"invalid_choice": _("Choose the items from the list.")},
        )
        self.fields["take_part"] = forms.ChoiceField(
            label=label("take_part").verbose_name,
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": _("Say whether you would take part.")},
        )
        self.fields["contribute"] = forms.ChoiceField(
            label=label("contribute").verbose_name,
            choices=WillingnessAnswer.Contribute.choices,
            widget=forms.RadioSelect,
            help_text=_("The law lets owners share part of the cost; nothing is decided by this answer."),
            error_messages={"required": _("Say whether you would contribute to the cost.")},
        )
        self.fields["text"] = forms.CharField(
            label=label("text").verbose_name,
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Read by the street office, the community committee and the housing bureau; never published."),
        )
        self.prepare()
        self._style()

    def prepare(self) -> None:
        """Subclasses finish their own fields here."""

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "willing": data["willing"],
            "items": data["items"],
            "take_part": data["take_part"] == "yes",
            "contribute": data["contribute"],
        }


class WillingnessPaperForm(PaperHouseholdMixin, WillingnessAnswerForm):
    @staticmethod
    def household_label(invitation) -> str:
        return f"{invitation.estate.name} · {invitation.household}"

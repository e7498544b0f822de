"""Forms of the council's desk: recording an election (with its candidates), returning it, and
recording that a council became the owners' committee."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import DOCUMENT_TYPES

from . import council_selectors, councils
from .forms import IsoDateInput, IsoDateTimeInput, MultipleFileField, StyledFormMixin
from .models import CouncilElection

CANDIDATE_ROWS = 9


class ElectionForm(StyledFormMixin, forms.Form):
    """One row per candidate (up to nine): who, their votes, elected or not; then the chair."""

    kind = forms.ChoiceField(label=_("Kind of election"), choices=CouncilElection.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=IsoDateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    turnout = forms.IntegerField(label=_("Owners who voted"), min_value=0, max_value=100_000)
    term_ends = forms.DateField(label=_("Term ends"), widget=IsoDateInput(), help_text=_("Usually three years."))
    tally_scan = forms.FileField(
        label=_("Signed tally sheet (photo or PDF)"),
        help_text=_("Kept private: the street office checks it before filing."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_TYPES)}),
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        owners = council_selectors.candidates_for(estate)
        self.rows = []
        for i in range(1, CANDIDATE_ROWS + 1):
            self.fields[f"candidate_{i}"] = forms.ModelChoiceField(
                label=_("Candidate %(n)s") % {"n": i}, queryset=owners, required=False, empty_label="—"
            )
            self.fields[f"votes_{i}"] = forms.IntegerField(
                label=_("Votes received"), min_value=0, max_value=100_000, required=False
            )
            self.fields[f"elected_{i}"] = forms.BooleanField(label=_("Elected"), required=False)
            self.rows.append((f"candidate_{i}", f"votes_{i}", f"elected_{i}"))
        self.fields["chair"] = forms.ModelChoiceField(
            label=_("Chair (one of the elected)"),
            queryset=owners,
            required=False,
            empty_label="—",
            help_text=_("Needed for the election of the whole council."),
        )
        # Ten lists of the same owners: read them once (validation still checks each against the queryset).
        listed = [("", "—"), *((o.pk, str(o)) for o in owners)]
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.widget.choices = listed
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("held_on", today)
            self.initial.setdefault("term_ends", today + timedelta(days=3 * 365))
        self._style()

    def bound_rows(self):
        return [[self[name] for name in row] for row in self.rows]

    def clean(self):
        cleaned = super().clean()
        chair = cleaned.get("chair")
        candidates = []
        for who, votes, elected in self.rows:
            resident = cleaned.get(who)
            if resident is None:
                continue
            if cleaned.get(votes) is None:
                self.add_error(votes, _("Enter the votes of this candidate."))
                continue
            candidates.append(
                councils.Candidate(
                    resident=resident,
                    votes=cleaned[votes],
                    elected=bool(cleaned.get(elected)),
                    chair=chair is not None and chair.pk == resident.pk,
                )
            )
        cleaned["candidates"] = candidates
        return cleaned


class ReturnElectionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the community committee sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": councils.ERRORS["reason_required"]},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ConvertCouncilForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Owners' committee filed on"), widget=IsoDateInput())
    reference = forms.CharField(label=_("Filing reference"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class MeetingForm(StyledFormMixin, forms.Form):
    held_at = forms.DateTimeField(label=_("Date and time"), widget=IsoDateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Public, and sent to every verified owner of the estate."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class MeetingRecordForm(StyledFormMixin, forms.Form):
    attendance = forms.IntegerField(label=_("How many attended"), min_value=0, max_value=100_000)
    minutes = forms.CharField(label=_("Minutes"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Public. Write no names."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Up to 3: the sign-in sheet, a notice, a photo (PDF, JPEG, PNG). Residents of the estate and staff "
            "open them; the public page only says how many."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RulesForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("The rules, one per line"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Write the rules, one per line.")},
    )
    note = forms.CharField(label=_("What changed (shown with this version)"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

"""Request forms: the common fields and marking, plus the fields each kind needs (obligations §2.1–§2.6),
kept in `details`."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.enums import Clearance

from .enums import ReviewKind
from .models import ReviewRequest

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _text(label, required=True, help_text=""):
    return forms.CharField(label=label, required=required, max_length=500, help_text=help_text)


def _area(label, required=True, help_text=""):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


# The fields each kind asks for, in the order of the seeds' lists of what the requester attaches.
KIND_FIELDS = {
    ReviewKind.PUBLICATION: lambda: {
        "venue": _text(_("Journal, conference or medium")),
        "authors": _text(_("Authors")),
        "abstract": _area(_("Abstract")),
    },
    ReviewKind.PATENT: lambda: {
        "patent_type": forms.ChoiceField(
            label=_("Patent type"),
            choices=[("ordinary", _("Ordinary patent")), ("secret", _("Secrecy patent"))],
        ),
        "inventors": _text(_("Inventors")),
        "classification_record": _text(
            _("Classification record of the result"), help_text=_("The 定密 record of the result, or 不涉密.")
        ),
        "claims": _area(_("Main claims")),
    },
    ReviewKind.EXCHANGE: lambda: {
        "event": _text(_("Event")),
        "organiser": _text(_("Organiser")),
        "country": _text(_("Country or region")),
        "end_date": _date(_("End date")),
        "materials": _area(_("Materials and devices to be carried or presented")),
        "contacts": _area(_("People to be met, if known"), required=False),
    },
    ReviewKind.EXHIBITION: lambda: {
        "exhibition": _text(_("Exhibition")),
        "organiser": _text(_("Organiser")),
        "place": _text(_("Place")),
        "end_date": _date(_("End date")),
        "classified_exhibition": forms.BooleanField(label=_("Classified exhibition"), required=False),
        "exhibits": _area(_("Exhibits"), help_text=_("One exhibit per line; attach photos and documents below.")),
        "staff": _area(_("Staff handling the exhibition")),
    },
    ReviewKind.VISIT: lambda: {
        "visitors": _area(_("Visitors"), help_text=_("Name, organisation and nationality, one per line.")),
        "organisation": _text(_("Visiting organisation")),
        "purpose": forms.ChoiceField(
            label=_("Purpose"),
            choices=[
                ("training", _("Training")),
                ("study", _("Study")),
                ("visit", _("Visit")),
                ("inspection", _("Inspection")),
                ("negotiation", _("Negotiation")),
            ],
        ),
        "end_date": _date(_("End date")),
        "route": _area(_("Route and areas")),
        "content": _area(_("What will be shown or discussed")),
        "escort": _text(_("Escort (responsible person)")),
    },
    ReviewKind.DISCLOSURE: lambda: {
        "recipient": _text(_("Recipient")),
        "basis": forms.ChoiceField(
            label=_("Purpose and legal basis"),
            choices=[
                ("cooperation", _("Cooperation")),
                ("joint_venture", _("Joint venture")),
                ("restructuring", _("Restructuring")),
                ("transfer", _("Transfer of results")),
                ("other", _("Other")),
            ],
        ),
        "materials": _area(
            _("Materials to be provided"), help_text=_("One per line, with its classification and category.")
        ),
        "nda_reference": _text(_("NDA or contract clause"), required=False),
        "nda_expiry": _date(_("NDA expiry"), required=False),
    },
}

# Requests that cannot be submitted without a file: the manuscript, the draft application, the exhibits.
ATTACHMENT_REQUIRED = {ReviewKind.PUBLICATION, ReviewKind.PATENT, ReviewKind.EXHIBITION}

PLANNED_DATE_LABEL = {
    ReviewKind.PUBLICATION: _("Planned publication date"),
    ReviewKind.PATENT: _("Planned filing date"),
    ReviewKind.EXCHANGE: _("Start date"),
    ReviewKind.EXHIBITION: _("Start date"),
    ReviewKind.VISIT: _("Start date"),
    ReviewKind.DISCLOSURE: _("Planned date"),
}


def kind_field_labels(kind):
    return {name: field.label for name, field in KIND_FIELDS[kind]().items()}


class RequestForm(forms.ModelForm):
    """The form for one kind; the kind's own fields are added at construction and saved into `details`."""

    class Meta:
        model = ReviewRequest
        fields = [
            "title",
            "summary",
            "project",
            "planned_date",
            "self_assessment",
            "assessment_reasons",
            "clearance",
            "secrecy_term",
            "classification_basis",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "assessment_reasons": forms.Textarea(attrs={"rows": 3}),
            "planned_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, kind, user_clearance, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = ReviewKind(kind)
        self.detail_names = []
        for name, field in KIND_FIELDS[self.kind]().items():
            self.fields[name] = field
            self.detail_names.append(name)
            stored = (self.instance.details or {}).get(name)
            if stored is not None:
                self.initial[name] = stored
        self.fields["planned_date"].label = PLANNED_DATE_LABEL[self.kind]
        self.fields["planned_date"].required = True
        self.fields["assessment_reasons"].required = True
        # The requester cannot mark a request above their own clearance: they would lose sight of it.
        self.fields["clearance"].choices = [(v, label) for v, label in Clearance.choices if v <= user_clearance]
        if self.instance._state.adding:
            # model_to_dict has put the model's empty defaults in `initial` already: overwrite them.
            self.initial["clearance"] = min(Clearance.SECRET, user_clearance)
            self.initial["secrecy_term"] = self.initial.get("secrecy_term") or "5年"
            self.initial["classification_basis"] = self.initial.get("classification_basis") or "保密审查申请材料"

    def clean(self):
        data = super().clean()
        self.instance.details = {
            name: (value.isoformat() if isinstance(value, datetime.date) else value)
            for name in self.detail_names
            if (value := data.get(name)) not in (None, "")
        }
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    label = forms.CharField(label=_("Description"), max_length=120, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class DecisionForm(forms.Form):
    ACTIONS = [
        ("approve", _("Approve")),
        ("request_changes", _("Request changes")),
        ("reject", _("Reject")),
        ("comment", _("Comment only")),
    ]
    task_state = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. 删除第3节; 展品不得展示内部结构."),
    )
    no_leak_confirmed = forms.BooleanField(label=_("I confirm that no secret will be disclosed"), required=False)
    otp_token = forms.CharField(
        label=_("Authenticator code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Approving or rejecting is a signature: enter a current code."),
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("approve", "reject") and not data.get("otp_token"):
            self.add_error("otp_token", _("Enter your authenticator code to sign this decision."))
        if action in ("request_changes", "reject", "comment") and not data.get("comment"):
            self.add_error("comment", _("Say why."))
        return data


class MarkingForm(forms.ModelForm):
    class Meta:
        model = ReviewRequest
        fields = ["clearance", "secrecy_term", "classification_basis"]

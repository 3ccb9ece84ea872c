from django import forms
from django.utils.translation import gettext_lazy as _

from portal.enums import Clearance
from portal.forms import TokenForm
from records.enums import BorrowingKind, DecisionKind


class SignForm(TokenForm):
    confirm = forms.BooleanField(label=_("I have read and agree (本人已阅读并同意)"))


class PurposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BorrowingKind.choices, initial=BorrowingKind.BORROW)
    purpose = forms.CharField(label=_("Purpose"), max_length=255)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (k, DecisionKind(k).label) for k in (DecisionKind.EXTEND, DecisionKind.CHANGE, DecisionKind.DECLASSIFY)
        ],
    )
    clearance = forms.TypedChoiceField(
        label=_("Classification"), choices=Clearance.choices, coerce=int, required=False, empty_value=None
    )
    secrecy_until = forms.DateField(
        label=_("Secret until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    secrecy_term = forms.CharField(label=_("Secrecy term"), max_length=32, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=255)


class DepartureForm(forms.Form):
    user_id = forms.IntegerField(label=_("Leaver (user id)"))
    leave_on = forms.DateField(label=_("Leave date"), widget=forms.DateInput(attrs={"type": "date"}))


class NonCompeteForm(forms.Form):
    user_id = forms.IntegerField(label=_("Person (user id)"))
    region = forms.CharField(label=_("Scope and region"), max_length=255)
    contract_end_on = forms.DateField(label=_("Contract ends"), widget=forms.DateInput(attrs={"type": "date"}))
    agreed_until = forms.DateField(
        label=_("Restriction agreed until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    monthly_compensation = forms.DecimalField(label=_("Agreed monthly compensation"), required=False, min_value=0)
    average_monthly_wage = forms.DecimalField(label=_("Average monthly wage of the last 12 months"), min_value=0)
    payment_method = forms.CharField(label=_("Payment method"), max_length=120)
    breach_liability = forms.CharField(label=_("Liability for breach"), max_length=255)

"""Reader-facing pages of the records app: my agreements and 档案, and the 保密办 registers. Thin: parse, call one
selector or service, render. Every response is private and never cached: it describes a person or classified items."""

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from portal import access
from portal.enums import Clearance
from portal.services.audit import never_cache_private, read_record
from records import exports, selectors
from records.enums import DecisionKind, DepartureItemKind
from records.forms import DecisionForm, DepartureForm, NonCompeteForm, SignForm
from records.models import Agreement, Borrowing, Departure, DepartureItem
from records.services import agreements as agreement_services
from records.services import borrowing as borrowing_services
from records.services import departures as departure_services
from records.services import register as register_services
from records.services.agreements import is_office


def private(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        # A session that outlives the leave date (the account is disabled by an hourly job) gets nothing here.
        if selectors.has_left(request.user):
            return access.deny(request)
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied:
            return access.deny(request)
        return never_cache_private(response)

    return wrapped


def office_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _errors(request, error):
    messages.error(request, " ".join(error.messages))


# --- my records ---------------------------------------------------------------------------------------------------


@private
def index(request):
    user = request.user
    return render(
        request,
        "records/index.html",
        {
            "open_agreements": selectors.agreements_open_for(user=user),
            "signed_agreements": selectors.agreements_signed_for(user=user),
            "borrowings": [b for b in selectors.borrowings_for(person=user, viewer=user, request=request) if b.is_open],
            "departure": selectors.departure_open_for(user=user),
            "reviews": register_services.open_reviews_for(user).count(),
            "is_office": is_office(user),
            "today": timezone.localdate(),
        },
    )


@private
def agreement_detail(request, agreement_id):
    agreement = Agreement.objects.select_related("template", "version", "user").filter(pk=agreement_id).first()
    if agreement is None or not (agreement.user_id == request.user.pk or is_office(request.user)):
        raise PermissionDenied
    form = SignForm(request.POST or None)
    if request.method == "POST":
        if agreement.user_id != request.user.pk:
            raise PermissionDenied
        token = request.POST.get("otp_token", "")
        try:
            agreement_services.agreement_sign(
                request=request,
                agreement_id=agreement.pk,
                token=token,
                confirmed=request.POST.get("confirm") == "on",
                version_id=request.POST.get("version"),
            )
        except ValidationError as error:
            _errors(request, error)
            return redirect("records:agreement", agreement_id=agreement.pk)
        messages.success(request, _("Signed. The agreement is kept in your secrecy dossier."))
        return redirect("records:me")
    text = agreement.text_snapshot if agreement.is_signed else agreement.template.body
    version = agreement.version if agreement.is_signed else agreement.template.current_version
    return render(
        request, "records/agreement.html", {"agreement": agreement, "text": text, "version": version, "form": form}
    )


@private
def agreement_pdf(request, agreement_id):
    agreement = (
        Agreement.objects.select_related("template", "version", "user__security_profile")
        .filter(pk=agreement_id, signed_at__isnull=False)
        .first()
    )
    if agreement is None or not (agreement.user_id == request.user.pk or is_office(request.user)):
        raise PermissionDenied
    response = HttpResponse(exports.agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}.pdf"'
    return response


def _dossier(request, person, *, pdf):
    sections = selectors.dossier_sections(person=person, viewer=request.user, request=request)
    if person.pk != request.user.pk:
        log(
            instance=person.security_profile,
            action="records.dossier_view",
            user=request.user,
            data={"user_id": person.pk},
        )
    if pdf:
        response = HttpResponse(exports.dossier_pdf(person=person, sections=sections), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="dossier-{person.pk}.pdf"'
        return response
    return render(
        request, "records/dossier.html", {"person": person, "sections": sections, "own": person == request.user}
    )


@private
def my_dossier(request, pdf=False):
    return _dossier(request, request.user, pdf=pdf)


@private
@office_only
def person_dossier(request, user_id, pdf=False):
    person = get_object_or_404(get_user_model(), pk=user_id)
    return _dossier(request, person, pdf=pdf)


@private
@require_POST
def borrowing_return(request, borrowing_id):
    borrowing = Borrowing.objects.filter(pk=borrowing_id).first()
    if borrowing is None:
        raise PermissionDenied
    try:
        borrowing_services.borrowing_return(actor=request.user, borrowing=borrowing)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Return recorded."))
    return redirect(
        "records:borrowings" if is_office(request.user) and borrowing.user_id != request.user.pk else "records:index"
    )


# --- 保密办 -------------------------------------------------------------------------------------------------------


@private
@office_only
def office(request):
    return render(
        request,
        "records/office.html",
        {
            "unsigned": selectors.agreements_unsigned()[:200],
            "conflicts": agreement_services.template_conflicts(),
            "noncompete": selectors.noncompete_rows(),
            "noncompete_form": NonCompeteForm(),
            "today": timezone.localdate(),
        },
    )


@private
@office_only
@require_POST
def noncompete_create(request):
    form = NonCompeteForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        person = get_user_model().objects.filter(pk=data.pop("user_id")).first()
        if person is None:
            messages.error(request, _("No such person."))
        else:
            try:
                term = agreement_services.noncompete_record(actor=request.user, user=person, **data)
            except ValidationError as error:
                _errors(request, error)
            else:
                for _code, message in agreement_services.noncompete_findings(term):
                    messages.warning(request, message)
                messages.success(request, _("Non-compete terms recorded."))
    else:
        messages.error(request, _("Check the non-compete form."))
    return redirect("records:office")


REGISTER_PAGE_SIZE = 100


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _register_filters(request):
    clearance = _int(request.GET.get("clearance"))
    return {
        "clearance": clearance if clearance in Clearance.values else None,
        "content_type_id": _int(request.GET.get("type")),
        "expiring_days": (_int(request.GET.get("days")) or 30) if request.GET.get("expiring") else None,
    }


@private
@office_only
def register(request):
    filters = _register_filters(request)
    if request.GET.get("format") == "xlsx":
        rows = selectors.register_rows(user=request.user, request=request, **filters)
        log(
            instance=request.user.security_profile,
            action="records.register_export",
            user=request.user,
            data={"rows": len(rows)},
        )
        response = HttpResponse(
            exports.register_workbook(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="classification-register.xlsx"'
        return response
    queryset = selectors.register_queryset(user=request.user, request=request, **filters)
    page = Paginator(queryset if queryset is not None else [], REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/register.html",
        {
            "rows": selectors.register_rows_for(page.object_list),
            "page": page,
            "total": page.paginator.count,
            "types": selectors.register_types(),
            "clearances": [c for c in Clearance if c > Clearance.INTERNAL],
            "filters": filters,
            "query": query.urlencode(),
        },
    )


@private
def register_item(request, content_type_id, object_id):
    """One item's marking and 定密 history; its 定密责任人 or a superior decides here."""
    obj = register_services.item_get(content_type_id, object_id)
    if obj is None or not access.can_view(request.user, obj, request):
        raise PermissionDenied
    may_decide = register_services.can_decide(request.user, obj, request)
    if not (may_decide or is_office(request.user)):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                register_services.marking_decide(
                    actor=request.user,
                    obj=obj,
                    kind=data["kind"],
                    reason=data["reason"],
                    clearance=data["clearance"] if data["kind"] == DecisionKind.CHANGE else None,
                    secrecy_until=data["secrecy_until"],
                    secrecy_term=data["secrecy_term"] or None,
                    request=request,
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("records:register_item", content_type_id=content_type_id, object_id=object_id)
    read_record(request=request, obj=obj)
    decisions, logs = selectors.item_history(obj)
    return render(
        request,
        "records/register_item.html",
        {
            "item": obj,
            "title": str(obj),
            "decisions": decisions,
            "logs": logs,
            "form": form,
            "may_decide": may_decide,
            "review": selectors.term_review_open(obj),
        },
    )


@private
@office_only
def borrowings(request):
    return render(
        request,
        "records/borrowings.html",
        {
            "rows": selectors.borrowing_register(
                user=request.user, request=request, open_only=bool(request.GET.get("open"))
            ),
            "today": timezone.localdate(),
        },
    )


@private
@office_only
def departures(request):
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = get_user_model().objects.filter(pk=form.cleaned_data["user_id"]).first()
        if person is None:
            messages.error(request, _("No such person."))
        else:
            try:
                departure = departure_services.departure_start(
                    actor=request.user, user=person, leave_on=form.cleaned_data["leave_on"]
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                return redirect("records:departure", departure_id=departure.pk)
    return render(request, "records/departures.html", {"departures": selectors.departures_list(), "form": form})


@private
def departure_detail(request, departure_id):
    departure = Departure.objects.select_related("user").filter(pk=departure_id).first()
    if departure is None or not (departure.user_id == request.user.pk or is_office(request.user)):
        raise PermissionDenied
    items = list(departure.items.select_related("borrowing__document", "done_by"))
    readable = {
        b.pk
        for b in selectors.borrowings_for(person=departure.user, viewer=request.user, request=request)
        if b.readable
    }
    for item in items:
        item.shown_title = item.borrowing.document.title if item.borrowing_id and item.borrowing_id in readable else ""
    return render(
        request,
        "records/departure.html",
        {
            "departure": departure,
            "items": items,
            "is_office": is_office(request.user),
            "is_leaver": departure.user_id == request.user.pk,
            "complete": all(item.done_at for item in items),
            "exit_kind": DepartureItemKind.EXIT_NOTICE,
            "token_form": SignForm(),
        },
    )


@private
@require_POST
def departure_action(request, departure_id):
    departure = Departure.objects.filter(pk=departure_id).first()
    if departure is None:
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "exit_ack":
            departure_services.departure_exit_ack(
                request=request, departure=departure, token=request.POST.get("otp_token")
            )
        elif action == "item":
            item = DepartureItem.objects.filter(pk=_int(request.POST.get("item")), departure=departure).first()
            if item is None:
                raise PermissionDenied
            departure_services.departure_item_complete(actor=request.user, item=item, note=request.POST.get("note", ""))
        elif action == "close":
            departure_services.departure_close(actor=request.user, departure=departure)
            messages.success(request, _("Handover closed."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        _errors(request, error)
    return redirect("records:departure", departure_id=departure.pk)

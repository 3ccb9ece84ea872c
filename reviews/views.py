"""Front end of 保密审查 under /reviews/. Every view that touches a request finds it with
selectors.request_get_for (access + participant rule); everything answers never-cache."""

import mimetypes
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal import access
from portal.models import Department, SecurityProfile
from portal.services.audit import never_cache_private, read_record

from . import exports, selectors, services
from .enums import ReviewKind, ReviewStatus
from .forms import AttachmentForm, DecisionForm, MarkingForm, RequestForm, kind_field_labels
from .models import ReviewAttachment, ReviewRequest


def private(view):
    """Login + OTP are enforced by the middleware; here: no cache keeps any reviews page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if access.viewer_for(request.user, request) is None:
            return access.deny(request)
        response = view(request, *args, **kwargs)
        return never_cache_private(response)

    return wrapper


def post_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapper


def _user_clearance(user):
    return SecurityProfile.objects.filter(user_id=user.pk).values_list("clearance", flat=True).first() or 0


def _error_text(error):
    return " ".join(error.messages)


@private
def index(request):
    return render(
        request,
        "reviews/index.html",
        {
            "requests": selectors.request_list_for(user=request.user, request=request).select_related("department"),
            "kinds": ReviewKind.choices,
            "queue_count": len(selectors.queue_for(user=request.user, request=request)),
            "is_office": selectors.is_office(request.user),
        },
    )


@private
def create(request, kind):
    if kind not in ReviewKind.values:
        return access.deny(request, status=404)
    form_kwargs = {"kind": kind, "user_clearance": _user_clearance(request.user)}
    if request.method == "POST":
        form = RequestForm(request.POST, instance=ReviewRequest(kind=kind), **form_kwargs)
        if form.is_valid():
            review_request = services.request_save(user=request.user, review_request=form.instance, is_new=True)
            messages.success(request, _("Draft saved. Attach the files, then submit it for review."))
            return redirect("reviews:detail", review_request.pk)
    else:
        form = RequestForm(instance=ReviewRequest(kind=kind), **form_kwargs)
    return render(request, "reviews/request_form.html", {"form": form, "kind_label": ReviewKind(kind).label})


@private
def edit(request, pk):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None or review_request.requester_id != request.user.pk:
        return access.deny(request)
    if not review_request.is_editable:
        messages.error(request, _("This request is under review and cannot be changed now."))
        return redirect("reviews:detail", pk)
    form_kwargs = {"kind": review_request.kind, "user_clearance": _user_clearance(request.user)}
    if request.method == "POST":
        form = RequestForm(request.POST, instance=review_request, **form_kwargs)
        if form.is_valid():
            try:
                services.request_save(user=request.user, review_request=form.instance, is_new=False)
            except services.ReviewError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Changes saved. Submit the request again to send it for approval."))
            return redirect("reviews:detail", pk)
    else:
        form = RequestForm(instance=review_request, **form_kwargs)
    return render(
        request,
        "reviews/request_form.html",
        {"form": form, "kind_label": review_request.get_kind_display(), "review_request": review_request},
    )


@private
def detail(request, pk):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None:
        return access.deny(request)
    task_state = selectors.current_task_state(review_request)
    can_decide = selectors.user_can_decide(request.user, review_request, task_state)
    read_record(request=request, obj=review_request)
    labels = kind_field_labels(review_request.kind)
    details = [(labels[name], value) for name, value in (review_request.details or {}).items() if name in labels]
    is_requester = review_request.requester_id == request.user.pk
    return render(
        request,
        "reviews/request_detail.html",
        {
            "review_request": review_request,
            "details": details,
            "attachments": review_request.attachments.all(),
            "decisions": selectors.decisions_of(review_request),
            "steps": selectors.chain_steps(review_request),
            "task_state": task_state,
            "holders": selectors.step_approvers(review_request, task_state),
            "can_decide": can_decide,
            "decision_form": DecisionForm(initial={"task_state": task_state.pk if task_state else None}),
            "is_requester": is_requester,
            "can_edit": is_requester and review_request.is_editable,
            "attachment_form": AttachmentForm(),
            "marking_form": MarkingForm(instance=review_request)
            if selectors.is_office(request.user) or (is_requester and review_request.is_editable)
            else None,
        },
    )


@private
@post_only
def attachment_upload(request, pk):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None:
        return access.deny(request)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reviews:detail", pk)
    try:
        services.attachment_add(
            user=request.user,
            review_request=review_request,
            upload=form.cleaned_data["file"],
            label=form.cleaned_data["label"],
        )
    except PermissionDenied:
        return access.deny(request)
    except services.ReviewError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("File attached."))
    return redirect("reviews:detail", pk)


@private
@post_only
def submit(request, pk):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None:
        return access.deny(request)
    try:
        services.request_submit(user=request.user, review_request=review_request)
    except PermissionDenied:
        return access.deny(request)
    except services.ReviewError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Submitted for review."))
    return redirect("reviews:detail", pk)


@private
@post_only
def decide(request, pk):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reviews:detail", pk)
    data = form.cleaned_data
    try:
        services.decision_take(
            request=request,
            review_request_id=pk,
            task_state_id=data.get("task_state"),
            action=data["action"],
            comment=data["comment"],
            conditions=data["conditions"],
            no_leak_confirmed=data["no_leak_confirmed"],
            token=data["otp_token"],
        )
    except PermissionDenied:
        return access.deny(request)
    except services.ReviewConflict as error:
        messages.warning(request, _error_text(error))
        return redirect("reviews:detail", pk)
    except services.ReviewError as error:
        messages.error(request, _error_text(error))
        return redirect("reviews:detail", pk)
    messages.success(request, _("Recorded."))
    return redirect("reviews:detail", pk)


@private
@post_only
def marking(request, pk):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None:
        return access.deny(request)
    form = MarkingForm(request.POST, instance=ReviewRequest.objects.get(pk=review_request.pk))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reviews:detail", pk)
    try:
        services.marking_set(
            user=request.user,
            review_request=review_request,
            clearance=form.cleaned_data["clearance"],
            secrecy_term=form.cleaned_data["secrecy_term"],
            classification_basis=form.cleaned_data["classification_basis"],
        )
    except PermissionDenied:
        return access.deny(request)
    except services.ReviewError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Classification saved."))
    return redirect("reviews:detail", pk)


@private
def attachment(request, pk, attachment_id):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None:
        return access.deny(request)
    item = ReviewAttachment.objects.filter(pk=attachment_id, request_id=review_request.pk).first()
    if item is None:
        return access.deny(request)
    content_type = mimetypes.guess_type(item.original_name)[0] or "application/octet-stream"
    suffix = item.file.name.rsplit(".", 1)[-1] if "." in item.file.name else "bin"
    # The download name is neutral: an original file name can carry a classified title.
    response = FileResponse(
        item.file.open("rb"), content_type=content_type, as_attachment=True, filename=f"attachment-{item.pk}.{suffix}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    read_record(request=request, obj=review_request, action="download")
    return response


@private
def pdf(request, pk):
    review_request = selectors.request_get_for(user=request.user, pk=pk, request=request)
    if review_request is None:
        return access.deny(request)
    content = exports.approval_form_pdf(
        review_request, selectors.decisions_of(review_request), review_request.attachments.all()
    )
    read_record(request=request, obj=review_request, action="export")
    log(instance=review_request, action="reviews.pdf", user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{review_request.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


QUEUE_PAGE_SIZE = 50
REGISTER_PAGE_SIZE = 100


@private
def queue(request):
    page = Paginator(selectors.queue_for(user=request.user, request=request), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reviews/queue.html", {"queue": page.object_list, "page_obj": page})


@private
def register(request):
    if not selectors.is_office(request.user):
        return access.deny(request)
    params = request.GET
    rows = selectors.register_list(
        user=request.user,
        request=request,
        kind=params.get("kind", "") if params.get("kind") in ReviewKind.values else "",
        status=params.get("status", "") if params.get("status") in ReviewStatus.values else "",
        department=params.get("department", "") if params.get("department", "").isdigit() else "",
        date_from=_date_param(params.get("from")),
        date_to=_date_param(params.get("to")),
    )
    overdue_ids = selectors.overdue_request_ids()
    if params.get("overdue") == "1":
        rows = rows.filter(pk__in=overdue_ids)
    stats = selectors.turnaround_by_step(rows)
    if params.get("export") == "xlsx":
        requests = list(rows)
        steps = selectors.current_step_names([rr.pk for rr in requests])
        table = [(rr, steps.get(rr.pk, ""), rr.pk in overdue_ids) for rr in requests]
        # The export is logged on the exporting user (request.user is a lazy wrapper Wagtail can't type).
        exporter = get_user_model().objects.get(pk=request.user.pk)
        log(instance=exporter, action="reviews.register_export", user=exporter, data={"rows": len(table)})
        response = HttpResponse(
            exports.register_workbook(table, stats),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="reviews-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(params.get("page"))
    steps = selectors.current_step_names([rr.pk for rr in page.object_list])
    table = [(rr, steps.get(rr.pk, ""), rr.pk in overdue_ids) for rr in page.object_list]
    return render(
        request,
        "reviews/register.html",
        {
            "page_obj": page,
            "table": table,
            "stats": stats,
            "kinds": ReviewKind.choices,
            "statuses": ReviewStatus.choices,
            "departments": Department.objects.all(),
            "params": params,
            "query": _without(params, "page", "export"),
        },
    )


def _without(params, *names):
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


def _date_param(value):
    from django.utils.dateparse import parse_date

    try:
        return parse_date(value or "")
    except ValueError:
        return None

"""Taker-facing views: my training, the quiz (start, resume, autosave, submit, result), certificates and their check.

Every view re-checks the course or contest page with portal.access; responses are personal and never cached.
"""

import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from portal import access
from portal.services.audit import never_cache_private, read_record
from training import exports, selectors
from training.enums import AttemptStatus
from training.models import AttemptItem, Certificate, ContestPage, CoursePage
from training.services import quiz
from training.services.certificates import certificate_lookup

CERTIFICATE_ADMIN_PERMISSION = "training.view_certificate"
ANSWER_FIELD = re.compile(r"q(\d{1,18})(?:-text)?")


def _private(response):
    return never_cache_private(response)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _own_attempt(request, attempt_id):
    """(attempt, page) if the attempt is the user's and its page is still visible to them, else (None, None).
    The page comes as its specific class without another query (its own fields load only if read)."""
    attempt = quiz.attempt_for(attempt_id=attempt_id, user=request.user)
    if attempt is None:
        return None, None
    if not access.can_view(request.user, attempt.page, request):
        return None, None
    return attempt, attempt.page.specific_deferred


@require_GET
def my_training(request):
    context = {
        "assignments": selectors.assignments_for(user=request.user, request=request),
        "record": selectors.person_record(person=request.user, user=request.user, request=request),
        "certificates": Certificate.objects.filter(
            access.access_q(access.viewer_for(request.user, request), prefix="course__"), user=request.user
        ).select_related("course"),
        "courses": selectors.courses_for(user=request.user, request=request),
        "today": timezone.localdate(),
    }
    return _private(render(request, "training/my_training.html", context))


@require_POST
def quiz_start(request, page_id):
    # Only a published course or contest is served: one taken offline can't be started by its id.
    page = CoursePage.objects.live().filter(pk=page_id).first() or ContestPage.objects.live().filter(pk=page_id).first()
    if page is None or not access.can_view(request.user, page, request):
        return access.deny(request)
    try:
        attempt = quiz.attempt_start(user=request.user, page=page, request=request)
    except PermissionDenied:
        return access.deny(request)
    except quiz.QuizError as error:
        from django.contrib import messages

        messages.error(request, str(error))
        return redirect(page.url)
    return redirect("training:attempt", attempt_id=attempt.pk)


@require_GET
def attempt_view(request, attempt_id):
    attempt, page = _own_attempt(request, attempt_id)
    if attempt is None:
        return access.deny(request)
    if not attempt.is_open or attempt.expired():
        if attempt.is_open:
            quiz.attempt_grade(attempt_id=attempt.pk, user=request.user)
        return redirect("training:result", attempt_id=attempt.pk)
    items = _items_visible(request, attempt, "question_version")
    read_record(request=request, obj=page, action="quiz")
    context = {"attempt": attempt, "page": page, "items": items}
    return _private(render(request, "training/attempt.html", context))


def _items_visible(request, attempt, *related):
    """The attempt's questions the reader may still see: a question reclassified above them since is left out."""
    viewer = access.viewer_for(request.user, request)
    return list(
        AttemptItem.objects.filter(access.access_q(viewer, prefix="question_version__question__"), attempt=attempt)
        .select_related(*related)
        .order_by("position")
    )


def _posted_answer(request, version_id):
    return request.POST.getlist(f"q{version_id}"), request.POST.get(f"q{version_id}-text")


@require_POST
def answer_save(request, attempt_id):
    """Autosave of one answer: {question, choice[], text}. JSON in, JSON out."""
    try:
        seconds_left = quiz.answer_autosave(
            attempt_id=attempt_id,
            viewer=access.viewer_for(request.user, request),
            question_version_id=_int(request.POST.get("question")),
            choice=request.POST.getlist("choice"),
            text=request.POST.get("text"),
        )
    except quiz.AttemptNotFound as error:
        return _private(JsonResponse({"error": str(error)}, status=403))
    except quiz.AttemptClosed as error:
        return _private(JsonResponse({"error": str(error)}, status=409))
    except quiz.QuizError as error:
        return _private(JsonResponse({"error": str(error)}, status=400))
    return _private(JsonResponse({"saved": True, "seconds_left": seconds_left}))


@require_POST
def attempt_submit(request, attempt_id):
    attempt, _page = _own_attempt(request, attempt_id)
    if attempt is None:
        return access.deny(request)
    # The posted field names give the question ids; one not in the attempt is refused when it is saved.
    version_ids = {_int(ANSWER_FIELD.fullmatch(name)[1]) for name in request.POST if ANSWER_FIELD.fullmatch(name)}
    answers = {vid: _posted_answer(request, vid) for vid in sorted(version_ids)}
    quiz.attempt_grade(attempt_id=attempt.pk, user=request.user, answers=answers)
    return redirect("training:result", attempt_id=attempt.pk)


@require_GET
def attempt_result(request, attempt_id):
    attempt, page = _own_attempt(request, attempt_id)
    if attempt is None:
        return access.deny(request)
    if attempt.status == AttemptStatus.OPEN:
        if not attempt.expired():
            return redirect("training:attempt", attempt_id=attempt.pk)
        attempt, _graded = quiz.attempt_grade(attempt_id=attempt.pk, user=request.user)
    # A contest's results are published after it closes.
    hidden = page.is_contest and not page.is_closed()
    items = [] if hidden else _items_visible(request, attempt, "question_version__source_regulation")
    read_record(request=request, obj=page, action="quiz_result")
    context = {
        "attempt": attempt,
        "page": page,
        "hidden": hidden,
        "wrong": [item for item in items if item.points is None or item.points < 1],
        "items": items,
        "certificate": Certificate.objects.filter(attempt=attempt).first(),
    }
    return _private(render(request, "training/result.html", context))


@require_GET
def certificate_pdf(request, certificate_id):
    certificate = Certificate.objects.select_related("user__security_profile", "course").filter(pk=certificate_id)
    certificate = certificate.first()
    if certificate is None or not (
        certificate.user_id == request.user.pk or request.user.has_perm(CERTIFICATE_ADMIN_PERMISSION)
    ):
        return access.deny(request)
    if not access.can_view(request.user, certificate.course, request):
        return access.deny(request)
    read_record(request=request, obj=certificate.course, action="certificate")
    response = HttpResponse(exports.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
    return _private(response)


@require_GET
def certificate_verify(request):
    code = (request.GET.get("code") or "").strip()[:40]
    certificate = certificate_lookup(code) if code else None
    context = {
        "code": code,
        "certificate": certificate,
        # The course title only for a reader who may see the course; validity and the person for everyone.
        "course_visible": certificate is not None and access.can_view(request.user, certificate.course, request),
    }
    return _private(render(request, "training/verify.html", context))


@require_GET
def record_view(request):
    record = selectors.person_record(person=request.user, user=request.user, request=request)
    return _private(render(request, "training/record.html", {"record": record, "person": request.user}))


@require_GET
def department_view(request):
    today = timezone.localdate()
    context = {
        "rows": selectors.department_overdue_for(user=request.user, request=request),
        "short": selectors.department_study_hours_shortfall_for(user=request.user, year=today.year),
        "today": today,
    }
    return _private(render(request, "training/department.html", context))

"""Quiz attempts, served and graded on the server.

An attempt draws question versions at random from the bank (only questions the taker may see), shuffles their
options and stores both. Answers are saved one at a time until the deadline; nothing is accepted after it. Grading
happens once: a conditional UPDATE moves the attempt from open to graded, so a double submit, a replay or a submit
racing the deadline sweep grades it exactly once. A late submit is graded as the server held it at the deadline.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal import access
from training.enums import AttemptStatus, QuestionKind
from training.grading import grade
from training.models import Assignment, Attempt, AttemptItem, QuestionVersion
from training.services.certificates import certificate_issue
from training.services.summary import summary_apply, summary_row
from training.services.viewers import may_view, viewer_of

_random = random.SystemRandom()


class QuizError(Exception):
    """A refusal the taker sees (attempt limit, closed contest, empty bank, deadline passed)."""


def attempt_limit(page):
    return 1 if page.is_contest else page.quiz_attempt_limit


def _drawable_versions(*, page, user, request=None):
    viewer = viewer_of(user, request)
    # The page's categories as a subquery of the draw, not a query of their own.
    field = type(page)._meta.get_field("quiz_categories")
    category_ids = field.remote_field.through.objects.filter(**{field.m2m_field_name(): page.pk}).values(
        field.m2m_reverse_field_name()
    )
    return list(
        QuestionVersion.objects.filter(
            access.access_q(viewer, prefix="question__"),
            # Never above the page's own marking: a 内部 course page must not show a 机密 question.
            question__effective_clearance__lte=page.effective_clearance,
            question__active=True,
            question__category_id__in=category_ids,
            question__current_version_id=F("pk"),
        ).values_list("pk", "kind", "options")
    )


@transaction.atomic
def attempt_start(*, user, page, request=None, now=None):
    """Resume the open attempt on `page`, or start a new one within the attempt limit."""
    now = now or timezone.now()
    page = page.specific
    if not may_view(user, page, request):
        raise PermissionDenied
    attempts = list(Attempt.objects.filter(user=user, page=page))  # a few rows: the open one and the count
    current = next((attempt for attempt in attempts if attempt.status == AttemptStatus.OPEN), None)
    if current is not None:
        if not current.expired(now):
            return current
        attempt_grade(attempt_id=current.pk, user=user, now=now)
    if not page.quiz_is_open(now):
        raise QuizError(_("This contest is not open."))
    taken = len(attempts)
    if taken >= attempt_limit(page):
        raise QuizError(_("You have used all your attempts."))
    drawable = _drawable_versions(page=page, user=user, request=request)
    if not drawable:
        raise QuizError(_("This quiz has no questions yet."))
    drawn = _random.sample(drawable, min(page.quiz_question_count, len(drawable)))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                page=page,
                number=taken + 1,
                started_at=now,
                deadline=now + timedelta(minutes=page.quiz_time_limit_minutes),
                pass_mark=page.quiz_pass_mark,
                max_points=len(drawn),
            )
    except IntegrityError as error:  # the same person started twice at once: the other request won
        raise QuizError(_("An attempt was just started; reload the page.")) from error
    items = []
    for position, (version_id, kind, options) in enumerate(drawn, start=1):
        order = list(range(len(options)))
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            _random.shuffle(order)
        items.append(
            AttemptItem(attempt=attempt, position=position, question_version_id=version_id, option_order=order)
        )
    AttemptItem.objects.bulk_create(items)
    return attempt


def attempt_for(*, attempt_id, user):
    """The user's own attempt, or None: nobody reads or answers another person's attempt."""
    return Attempt.objects.select_related("page").filter(pk=attempt_id, user=user).first()


def _response_from(item, *, choice=None, text=None, kind=None):
    """The posted answer in original option indexes (choices arrive as display positions)."""
    kind = kind or item.question_version.kind
    if kind == QuestionKind.FILL_IN:
        return (text or "").strip()[:200]
    positions = []
    for value in choice or []:
        try:
            position = int(value)
        except (TypeError, ValueError) as error:
            raise QuizError(_("Invalid answer.")) from error
        if not 0 <= position < len(item.option_order):
            raise QuizError(_("Invalid answer."))
        positions.append(position)
    if kind != QuestionKind.MULTIPLE and len(positions) > 1:
        raise QuizError(_("Choose one option."))
    return sorted({item.option_order[p] for p in positions})


def answer_save(*, attempt, question_version_id, choice=None, text=None, now=None):
    """Autosave one answer. Refused after the deadline, on a graded attempt, or for a question not in the attempt."""
    now = now or timezone.now()
    if not attempt.is_open or attempt.expired(now):
        raise QuizError(_("The time is up: answers are no longer accepted."))
    item = (
        AttemptItem.objects.select_related("question_version")
        .filter(attempt=attempt, question_version_id=question_version_id)
        .first()
    )
    if item is None:
        raise QuizError(_("This question is not part of your attempt."))
    response = _response_from(item, choice=choice, text=text)
    # The status and deadline are part of the UPDATE: a save racing the grading never lands after it.
    saved = AttemptItem.objects.filter(
        pk=item.pk, attempt__status=AttemptStatus.OPEN, attempt__deadline__gte=now
    ).update(response=response, answered_at=now)
    if not saved:
        raise QuizError(_("The time is up: answers are no longer accepted."))
    return item


class AttemptNotFound(QuizError):
    """Not the user's attempt, or its page is no longer visible to them."""


class AttemptClosed(QuizError):
    """The attempt is graded or past its deadline."""


def answer_autosave(*, attempt_id, viewer, question_version_id, choice=None, text=None, now=None):
    """The quiz page's autosave: one SELECT finds the item through the attempt's owner and the page's marking (the
    access filter is part of the query), one UPDATE stores the answer if the attempt is still open. Returns the
    seconds left."""
    now = now or timezone.now()
    if viewer is None:
        raise AttemptNotFound(_("Not found."))
    row = (
        AttemptItem.objects.filter(
            access.access_q(viewer, prefix="attempt__page__"),
            attempt_id=attempt_id,
            attempt__user_id=viewer.user_id,
            question_version_id=question_version_id,
        )
        .values_list("pk", "option_order", "question_version__kind", "attempt__status", "attempt__deadline")
        .first()
    )
    if row is None:
        attempts = Attempt.objects.filter(
            access.access_q(viewer, prefix="page__"), pk=attempt_id, user_id=viewer.user_id
        )
        if not attempts.exists():
            raise AttemptNotFound(_("Not found."))
        if not attempts.filter(status=AttemptStatus.OPEN, deadline__gte=now).exists():
            raise AttemptClosed(_("The time is up: answers are no longer accepted."))
        raise QuizError(_("This question is not part of your attempt."))
    item_id, option_order, kind, status, deadline = row
    if status != AttemptStatus.OPEN or now > deadline:
        raise AttemptClosed(_("The time is up: answers are no longer accepted."))
    response = _response_from(AttemptItem(option_order=option_order), choice=choice, text=text, kind=kind)
    with transaction.atomic():
        # Lock the attempt row as grading does (which holds it FOR UPDATE): a save racing the grading either lands
        # before it and is graded, or waits, sees the attempt graded and is refused. Without the lock, PostgreSQL
        # could store the answer after grading had read the items.
        still_open = (
            Attempt.objects.select_for_update(no_key=True)
            .filter(pk=attempt_id, status=AttemptStatus.OPEN, deadline__gte=now)
            .values_list("pk", flat=True)
        )
        saved = bool(list(still_open)) and AttemptItem.objects.filter(pk=item_id).update(
            response=response, answered_at=now
        )
    if not saved:
        raise AttemptClosed(_("The time is up: answers are no longer accepted."))
    return max(0, int((deadline - now).total_seconds()))


@transaction.atomic
def attempt_grade(*, attempt_id, user, answers=None, now=None):
    """Grade the attempt once. `answers` ({question_version_id: (choice, text)}) count only before the deadline."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("page").get(pk=attempt_id, user=user)
    if attempt.status != AttemptStatus.OPEN:
        return attempt, False
    in_time = not attempt.expired(now)
    if answers and in_time:
        for version_id, (choice, text) in answers.items():
            try:
                answer_save(attempt=attempt, question_version_id=version_id, choice=choice, text=text, now=now)
            except QuizError:
                continue  # a forged or malformed answer is ignored; the rest still count
    submitted_at = now if in_time else attempt.deadline
    # The state transition is the guard: only the request whose UPDATE moves open → graded goes on.
    claimed = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.OPEN).update(
        status=AttemptStatus.GRADED, submitted_at=submitted_at, late=not in_time
    )
    if not claimed:
        attempt.refresh_from_db()
        return attempt, False
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("question_version"))
    total = Decimal(0)
    for item in items:
        counted = item.response if item.answered_at and item.answered_at <= attempt.deadline else None
        item.points = grade(item.question_version.kind, item.question_version.answer, counted)
        total += item.points
    AttemptItem.objects.bulk_update(items, ["points"])
    score = (total * 100 / attempt.max_points).quantize(Decimal("0.1")) if attempt.max_points else Decimal(0)
    attempt.status, attempt.submitted_at, attempt.late = AttemptStatus.GRADED, submitted_at, not in_time
    attempt.points, attempt.score = total, score
    attempt.passed = score >= attempt.pass_mark
    Attempt.objects.filter(pk=attempt.pk).update(points=total, score=score, passed=attempt.passed)
    page = attempt.page.specific
    if not page.is_contest:
        _assignments_record(attempt, page)
        if attempt.passed:
            certificate_issue(attempt=attempt, course=page)
    log(
        instance=page,
        action="training.attempt_graded",
        user=user,
        data={"attempt": attempt.pk, "score": str(score), "passed": attempt.passed, "late": not in_time},
    )
    return attempt, True


def _assignments_record(attempt, course):
    seconds = int(attempt.duration.total_seconds())
    for assignment in Assignment.objects.select_for_update().filter(
        user_id=attempt.user_id, course=course, passed_at__isnull=True
    ):
        before = summary_row(assignment)
        assignment.attempted_at = assignment.attempted_at or attempt.submitted_at
        if assignment.best_score is None or attempt.score > assignment.best_score:
            assignment.best_score = attempt.score
            assignment.time_spent_seconds = seconds
        if attempt.passed:
            assignment.passed_at = attempt.submitted_at
            assignment.best_score = attempt.score
            assignment.time_spent_seconds = seconds
        assignment.save(update_fields=["attempted_at", "best_score", "time_spent_seconds", "passed_at"])
        summary_apply(removed=[before], added=[summary_row(assignment)])


def attempts_expired_grade(*, now=None):
    """Grade every open attempt whose deadline has passed (nightly and before reports)."""
    now = now or timezone.now()
    graded = 0
    for attempt_id, user_id in Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lt=now).values_list(
        "pk", "user_id"
    ):
        _attempt, done = attempt_grade(attempt_id=attempt_id, user=get_user_model()(pk=user_id), now=now)
        graded += done
    return graded

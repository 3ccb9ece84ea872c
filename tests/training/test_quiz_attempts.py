"""The quiz is served and graded on the server: random draw, shuffled options, autosave, resume, deadline, one
grading per attempt, attempt limit, and the attacks on each."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from training.enums import AttemptStatus, QuestionKind
from training.models import Assignment, Attempt, AttemptItem
from training.services.quiz import QuizError, answer_save, attempt_grade, attempt_start

from .conftest import right_choice


@pytest.fixture
def quiz(make_question, make_course):
    for n in range(6):
        make_question(QuestionKind.SINGLE, answer=[n % 4])
    return make_course(questions=4, attempts=2, pass_mark=75)


def _answer_all(client, attempt, *, right=True):
    for item in attempt.items.select_related("question_version"):
        choice = right_choice(item) if right else [(right_choice(item)[0] + 1) % 4]
        response = client.post(
            reverse("training:answer", args=[attempt.pk]),
            {"question": item.question_version_id, "choice": choice},
        )
        assert response.status_code == 200, response.content


def test_an_attempt_draws_from_the_bank_and_stores_the_shuffle_on_the_server(user_with, verified_client, quiz):
    """O58 保密宣传教育制度 第六条二: questions are drawn per attempt and the option order is held by the server, so
    the page shows options in the stored order and the correct index never reaches the browser."""
    user = user_with(0)
    client = verified_client(user)
    response = client.post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user, page=quiz)
    assert response.status_code == 302 and response["Location"] == reverse("training:attempt", args=[attempt.pk])
    items = list(attempt.items.select_related("question_version"))
    assert len(items) == 4 and len({i.question_version_id for i in items}) == 4
    for item in items:
        assert sorted(item.option_order) == [0, 1, 2, 3]
    page = client.get(reverse("training:attempt", args=[attempt.pk]))
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    html = page.content.decode()
    for item in items:
        shown = [html.index(text) for _pos, text in item.shown_options()]
        assert shown == sorted(shown)  # rendered in the attempt's stored order
    assert "answer" not in html.lower().replace("answer-url", "").replace("your answer", "").replace("/answer/", "")


def test_answers_are_saved_as_you_go_and_the_attempt_resumes_after_a_reload(user_with, verified_client, quiz):
    """O58: an attempt survives a browser crash: saved answers come back checked, the same attempt resumes."""
    user = user_with(0)
    client = verified_client(user)
    client.post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user)
    item = attempt.items.select_related("question_version").first()
    client.post(reverse("training:answer", args=[attempt.pk]), {"question": item.question_version_id, "choice": [2]})

    fresh = verified_client(user)  # a new browser session after the crash
    again = fresh.post(reverse("training:start", args=[quiz.pk]))
    assert again["Location"] == reverse("training:attempt", args=[attempt.pk])
    assert Attempt.objects.filter(user=user).count() == 1
    html = fresh.get(reverse("training:attempt", args=[attempt.pk])).content.decode()
    assert f'name="q{item.question_version_id}" value="2" checked' in html
    item.refresh_from_db()
    assert item.response == [item.option_order[2]]


def test_an_answer_to_a_question_not_in_the_attempt_is_rejected(user_with, verified_client, quiz, make_question):
    """Forged answers: a question version of the bank that was not drawn, another attempt's question, or an option
    position that does not exist are refused and change nothing."""
    user = user_with(0)
    client = verified_client(user)
    client.post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user)
    drawn = set(attempt.items.values_list("question_version_id", flat=True))
    outsider = make_question(QuestionKind.SINGLE, answer=[0]).current_version
    assert outsider.pk not in drawn
    url = reverse("training:answer", args=[attempt.pk])
    response = client.post(url, {"question": outsider.pk, "choice": [0]})
    assert response.status_code == 400
    first = min(drawn)
    assert client.post(url, {"question": first, "choice": [9]}).status_code == 400
    assert client.post(url, {"question": "x", "choice": [0]}).status_code == 400
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()
    # The submit form can't smuggle it in either.
    client.post(reverse("training:submit", args=[attempt.pk]), {f"q{outsider.pk}": "0"})
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.points == 0


def test_another_persons_attempt_cannot_be_read_answered_or_submitted(user_with, verified_client, quiz):
    owner, other = user_with(0), user_with(0)
    verified_client(owner).post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=owner)
    version_id = attempt.items.first().question_version_id
    intruder = verified_client(other)
    assert intruder.get(reverse("training:attempt", args=[attempt.pk])).status_code == 403
    assert intruder.get(reverse("training:result", args=[attempt.pk])).status_code == 403
    answer = intruder.post(reverse("training:answer", args=[attempt.pk]), {"question": version_id, "choice": [0]})
    assert answer.status_code == 403
    assert intruder.post(reverse("training:submit", args=[attempt.pk])).status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN
    assert not AttemptItem.objects.filter(attempt=attempt, answered_at__isnull=False).exists()


def test_saving_and_submitting_need_post_with_a_csrf_token(user_with, verified_client, quiz):
    user = user_with(0)
    client = verified_client(user)
    client.post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user)
    assert client.get(reverse("training:submit", args=[attempt.pk])).status_code == 405
    assert client.get(reverse("training:answer", args=[attempt.pk])).status_code == 405
    assert client.get(reverse("training:start", args=[quiz.pk])).status_code == 405
    strict = verified_client(user)
    strict.handler.enforce_csrf_checks = True
    version_id = attempt.items.first().question_version_id
    assert strict.post(reverse("training:answer", args=[attempt.pk]), {"question": version_id}).status_code == 403
    assert strict.post(reverse("training:submit", args=[attempt.pk])).status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN


def test_a_submission_after_the_time_limit_is_graded_as_the_server_held_it_at_the_deadline(
    user_with, verified_client, quiz
):
    """Answers saved before the deadline count; an autosave after it is refused (409); the late submit's own answers
    are ignored; the attempt is graded once, marked late, with the deadline as its time."""
    user = user_with(0)
    client = verified_client(user)
    client.post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user)
    items = list(attempt.items.select_related("question_version"))
    first = items[0]
    client.post(
        reverse("training:answer", args=[attempt.pk]),
        {"question": first.question_version_id, "choice": right_choice(first)},
    )
    # The clock moves on: the first answer was saved 10 s before a deadline that passed a second ago.
    now = timezone.now()
    AttemptItem.objects.filter(pk=first.pk).update(answered_at=now - datetime.timedelta(seconds=10))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=now - datetime.timedelta(seconds=1))
    late = client.post(
        reverse("training:answer", args=[attempt.pk]),
        {"question": items[1].question_version_id, "choice": right_choice(items[1])},
    )
    assert late.status_code == 409
    post = {f"q{i.question_version_id}": right_choice(i) for i in items}
    response = client.post(reverse("training:submit", args=[attempt.pk]), post)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.late
    assert attempt.points == Decimal(1) and attempt.score == Decimal("25.0") and not attempt.passed
    assert attempt.submitted_at == attempt.deadline


def test_a_double_submit_or_a_replay_is_graded_once(user_with, verified_client, quiz):
    user = user_with(0)
    client = verified_client(user)
    client.post(reverse("training:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=user)
    _answer_all(client, attempt, right=True)
    first = client.post(reverse("training:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    graded_at, score = attempt.submitted_at, attempt.score
    # A replay of the submit with every answer wrong changes nothing.
    wrong = {f"q{i.question_version_id}": [(right_choice(i)[0] + 1) % 4] for i in attempt.items.all()}
    second = client.post(reverse("training:submit", args=[attempt.pk]), wrong)
    assert first.status_code == second.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.score) == (graded_at, score) == (graded_at, Decimal("100.0"))
    _again, graded = attempt_grade(attempt_id=attempt.pk, user=user)
    assert graded is False
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.filter(action="training.attempt_graded", page=quiz).count() == 1
    assert attempt.certificate is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_grade_an_attempt_exactly_once(home, user_with, make_question, make_course):
    """Two threads submit the same attempt at once: one grades it, the other sees it graded."""
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("threads need a file or server database")
    for n in range(4):
        make_question(QuestionKind.SINGLE, answer=[n % 4])
    course = make_course(questions=4)
    user = user_with(0)
    attempt = attempt_start(user=user, page=course)
    results, barrier = [], threading.Barrier(2)

    def submit():
        barrier.wait()
        try:
            results.append(attempt_grade(attempt_id=attempt.pk, user=user)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]


def test_the_attempt_limit_is_enforced(user_with, verified_client, quiz):
    """O53: attempts allowed per course (here 2): a third start is refused with a message, no attempt is created."""
    user = user_with(0)
    client = verified_client(user)
    for _ in range(2):
        client.post(reverse("training:start", args=[quiz.pk]))
        attempt = Attempt.objects.filter(user=user).order_by("-number").first()
        _answer_all(client, attempt, right=False)
        client.post(reverse("training:submit", args=[attempt.pk]))
    third = client.post(reverse("training:start", args=[quiz.pk]), follow=True)
    assert Attempt.objects.filter(user=user).count() == 2
    assert "您的测验次数已用完" in third.content.decode()
    with pytest.raises(QuizError):
        attempt_start(user=user, page=quiz)


def test_feedback_shows_wrong_answers_with_explanation_and_source_article(
    user_with, verified_client, make_question, make_course, source_regulation
):
    """O53 保密宣传教育制度 第五条: after submission the taker sees which answers were wrong, the explanation, and a
    link to the policy 条 the question comes from."""
    make_question(
        QuestionKind.SINGLE,
        answer=[0],
        text="载有技术秘密的资料应当如何标注？",
        explanation="必须注明保密和密级字样。",
        source_regulation=source_regulation,
        source_article="第七条",
    )
    course = make_course(questions=1, pass_mark=100)
    user = user_with(0)
    client = verified_client(user)
    client.post(reverse("training:start", args=[course.pk]))
    attempt = Attempt.objects.get(user=user)
    item = attempt.items.select_related("question_version").get()
    wrong = [p for p in range(4) if p not in right_choice(item)][:1]
    client.post(reverse("training:answer", args=[attempt.pk]), {"question": item.question_version_id, "choice": wrong})
    client.post(reverse("training:submit", args=[attempt.pk]))
    html = client.get(reverse("training:result", args=[attempt.pk])).content.decode()
    assert "载有技术秘密的资料应当如何标注？" in html
    assert "必须注明保密和密级字样。" in html
    assert f'href="{source_regulation.url}第七条/"' in html
    assert "《技术保密管理规定》第七条" in html
    assert "多选题：所选选项与正确答案完全一致得满分" in html  # the rule, stated in the UI help
    article = client.get(f"{source_regulation.url}第七条/")
    assert article.status_code == 200


def test_a_pass_completes_the_assignment_and_issues_a_certificate(user_with, quiz):
    user = user_with(0)
    Assignment.objects.create(user=user, course=quiz, cycle=2026, key="annual:2026", due_on=datetime.date(2026, 12, 31))
    attempt = attempt_start(user=user, page=quiz)
    for item in attempt.items.select_related("question_version"):
        answer_save(attempt=attempt, question_version_id=item.question_version_id, choice=right_choice(item))
    attempt_grade(attempt_id=attempt.pk, user=user)
    assignment = Assignment.objects.get(user=user)
    assert assignment.passed_at is not None and assignment.best_score == Decimal("100.0")
    assert assignment.attempted_at is not None and assignment.time_spent_seconds is not None
    assert attempt.certificate.code


def test_a_classified_course_quiz_cannot_be_started_by_a_lower_clearance(
    user_with, verified_client, make_question, make_course
):
    """O21 深圳条例 第十二条(一): a 机密 course is closed to a 秘密 user, quiz included."""
    make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(clearance=2, questions=1)
    client = verified_client(user_with(1))
    assert client.post(reverse("training:start", args=[course.pk])).status_code == 403
    assert client.get(course.url).status_code == 403
    assert not Attempt.objects.exists()


def test_questions_above_the_takers_clearance_are_never_drawn(user_with, make_question, make_course):
    for _ in range(3):
        make_question(QuestionKind.SINGLE, answer=[0])
    secret = {make_question(QuestionKind.SINGLE, answer=[0], clearance=2).current_version_id for _ in range(3)}
    course = make_course(questions=6)
    attempt = attempt_start(user=user_with(0), page=course)
    drawn = set(attempt.items.values_list("question_version_id", flat=True))
    assert len(drawn) == 3 and not drawn & secret


def test_anonymous_and_password_only_sessions_get_nothing(user_with, quiz):
    user = user_with(0)
    anonymous = Client()
    assert anonymous.post(reverse("training:start", args=[quiz.pk])).status_code == 302
    password_only = Client()
    password_only.force_login(user)
    response = password_only.post(reverse("training:start", args=[quiz.pk]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Attempt.objects.exists()

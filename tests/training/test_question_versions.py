"""Editing a question adds a version; attempts keep the version they were graded on, so past grades never change."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from training.enums import QuestionKind
from training.models import Attempt, QuestionVersion
from training.services.bank import question_save
from training.services.quiz import answer_save, attempt_grade, attempt_start

from .conftest import right_choice


def test_editing_a_question_after_attempts_keeps_the_old_grades(user_with, make_question, make_course):
    """O61 保密工作管理方案办法 三、3 「将培训情况和成绩进行记录」: a recorded score never changes afterwards."""
    question = make_question(QuestionKind.SINGLE, answer=[0])
    course = make_course(questions=1)
    taker = user_with(0)
    attempt = attempt_start(user=taker, page=course)
    item = attempt.items.select_related("question_version").get()
    answer_save(attempt=attempt, question_version_id=item.question_version_id, choice=right_choice(item))
    attempt_grade(attempt_id=attempt.pk, user=taker)
    old_version = question.current_version

    # The author decides option 乙 (index 1) is correct after all.
    question_save(
        actor=None,
        question=question,
        kind=QuestionKind.SINGLE,
        text=old_version.text,
        options=old_version.options,
        answer=[1],
    )
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.current_version.answer == [1]
    assert QuestionVersion.objects.get(pk=old_version.pk).answer == [0]
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert item.question_version_id == old_version.pk
    assert attempt.score == Decimal("100.0") and attempt.passed
    assert item.points == Decimal("1")

    # A new attempt draws the new version.
    second = attempt_start(user=user_with(0), page=course)
    assert second.items.get().question_version_id == question.current_version_id


def test_saving_unchanged_content_adds_no_version(make_question):
    question = make_question(QuestionKind.TRUE_FALSE, answer=[0])
    version = question.current_version
    question_save(actor=None, question=question, kind=version.kind, text=version.text, options=[], answer=[0])
    assert question.versions.count() == 1


def test_a_stored_version_refuses_to_be_changed(make_question):
    version = make_question(QuestionKind.SINGLE, answer=[0]).current_version
    version.answer = [2]
    with pytest.raises(ValidationError):
        version.save()
    version.refresh_from_db()
    assert version.answer == [0]


def test_a_question_edited_in_the_admin_gets_a_new_version(user_with, verified_client, make_question, category):
    """The admin editor goes through the same service: a new version, the old one kept, the change logged."""
    question = make_question(QuestionKind.SINGLE, answer=[0])
    admin = user_with(0, username="bank-admin")
    admin.is_superuser = True
    admin.save()
    client = verified_client(admin)
    url = reverse("training_question:edit", args=[question.pk])
    response = client.get(url)
    assert response.status_code == 200
    version = question.current_version
    post = {
        "category": category.pk,
        "tags": "年度",
        "active": "on",
        "clearance": 0,
        "kind": "single",
        "text": version.text,
        "options_text": "\n".join(version.options),
        "answer_text": "B",
        "explanation": "改为乙",
    }
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[-2000:]
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.current_version.answer == [1]
    assert question.versions.count() == 2


def test_the_admin_bank_lists_no_question_above_the_editors_clearance(user_with, verified_client, make_question):
    """O21: an admin cleared to 内部 neither lists nor opens a 机密 question."""
    make_question(QuestionKind.SINGLE, answer=[0], text="内部题目甲")
    secret = make_question(QuestionKind.SINGLE, answer=[0], clearance=2, text="机密题目乙")
    admin = user_with(0, username="low-admin")
    admin.is_superuser = True
    admin.save()
    client = verified_client(admin)
    listing = client.get(reverse("training_question:index")).content.decode()
    assert "内部题目甲" in listing and "机密题目乙" not in listing
    assert client.get(reverse("training_question:edit", args=[secret.pk])).status_code in (302, 403)
    assert not Attempt.objects.exists()

"""Grading of every question type, through real attempts graded on the server."""

from decimal import Decimal

import pytest

from training.enums import QuestionKind
from training.grading import grade
from training.services.quiz import answer_save, attempt_grade, attempt_start

from .conftest import right_choice

S, M, TF, F = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL_IN


@pytest.mark.parametrize(
    ("kind", "key", "response", "points"),
    [
        (S, [2], [2], "1"),
        (S, [2], [1], "0"),
        (S, [2], [1, 2], "0"),
        (S, [2], [], "0"),
        (TF, [0], [0], "1"),
        (TF, [0], [1], "0"),
        (F, ["技术管理人员"], " 技术管理人员。", "1"),
        (F, ["三", "3"], "３", "1"),
        (F, ["ABC"], "abc", "1"),
        (F, ["保密协议"], "保密合同", "0"),
        (F, ["保密协议"], "", "0"),
        (M, [0, 1, 2], [0, 1, 2], "1"),
        (M, [0, 1, 2], [0, 2], "0.5"),
        (M, [0, 1, 2], [1], "0.5"),
        (M, [0, 1, 2], [0, 1, 3], "0"),
        (M, [0, 1, 2], [0, 1, 2, 3], "0"),
        (M, [0, 1, 2], [], "0"),
        (M, [0, 1, 2], None, "0"),
    ],
)
def test_each_question_type_is_graded_by_the_stated_rule(kind, key, response, points):
    """O58 保密宣传教育制度 第六条二 (知识答卷, graded on the server).

    The multiple-choice rule: full marks (1) for exactly the correct set; half (0.5) for a non-empty proper
    subset of the correct options with nothing wrong chosen; zero as soon as any wrong option is chosen, or nothing
    is. Fill-in: exact match after normalisation (NFKC, case, spaces, edge punctuation)."""
    assert grade(kind, key, response) == Decimal(points)


def test_an_attempt_scores_the_sum_of_its_questions_and_passes_at_the_mark(user_with, make_question, make_course):
    """O53 保密宣传教育制度 第二条: a quiz with one question of each type, answered on the server: single right (1),
    multiple half right (0.5), true/false wrong (0), fill-in right (1) = 2.5 of 4 = 62.5 %, below an 80 % mark."""
    make_question(S, answer=[1])
    make_question(M, answer=[0, 2, 3])
    make_question(TF, answer=[0])
    make_question(F, answer=["保密协议"])
    course = make_course(questions=4, pass_mark=80)
    user = user_with(0)
    attempt = attempt_start(user=user, page=course)
    for item in attempt.items.select_related("question_version"):
        version = item.question_version
        if version.kind == S:
            answer_save(attempt=attempt, question_version_id=version.pk, choice=right_choice(item))
        elif version.kind == M:
            answer_save(attempt=attempt, question_version_id=version.pk, choice=right_choice(item)[:2])
        elif version.kind == TF:
            answer_save(attempt=attempt, question_version_id=version.pk, choice=[1])
        else:
            answer_save(attempt=attempt, question_version_id=version.pk, text="保密协议")
    graded, _ = attempt_grade(attempt_id=attempt.pk, user=user)
    assert graded.points == Decimal("2.5")
    assert graded.score == Decimal("62.5")
    assert graded.passed is False

"""The dashboard reads a summary table kept by the services. Whatever the services do (rules, ad hoc lists, profile
moves, failed and passed attempts, people and departments deleted), the summary agrees with a recount of the
assignment rows, and the dashboard shows the same figures as counting the rows would, on any day."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from portal.enums import PostCategory
from portal.models import SecurityProfile
from portal.services.people import profile_update
from tests.training.conftest import right_choice
from training import selectors
from training.enums import QuestionKind, RuleKind
from training.models import Assignment, AssignmentRule, AssignmentSummary
from training.services.assignments import assignment_add, assignments_evaluate
from training.services.quiz import answer_save, attempt_grade, attempt_start
from training.services.summary import summary_differences, summary_rebuild

GROUPS = ("course", "cycle", "department", "post_category")


def _take(user, course, *, right):
    attempt = attempt_start(user=user, page=course)
    for item in attempt.items.select_related("question_version"):
        choice = right_choice(item) if right else [(right_choice(item)[0] + 1) % 4]
        answer_save(attempt=attempt, question_version_id=item.question_version_id, choice=choice)
    return attempt_grade(attempt_id=attempt.pk, user=user)[0]


def _by_key(rows, fields):
    # Databases sort a missing department differently (NULL first or last): compare by key.
    return sorted(rows, key=lambda row: tuple(str(row[field] or "") for field in fields))


def _same_figures(viewer, day):
    for group in GROUPS:
        fields = selectors.DASHBOARD_GROUPS[group]
        kept = _by_key(selectors.dashboard_rows(user=viewer, group=group, day=day), fields)
        counted = _by_key(selectors.dashboard_recount(user=viewer, group=group, day=day), fields)
        keys = (*fields, "assigned", "completed", "passed", "overdue")
        assert [[row[k] for k in keys] for row in kept] == [[row[k] for k in keys] for row in counted], group
        for a, b in zip(kept, counted, strict=True):
            assert a["average_score"] == pytest.approx(b["average_score"]), group
            assert a["average_seconds"] == pytest.approx(b["average_seconds"]), group


@pytest.fixture
def viewer(user_with):
    user = user_with(3)
    user.user_permissions.add(Permission.objects.get(codename="view_assignment"))
    return user


def test_the_summary_agrees_with_a_recount_after_every_kind_of_write(
    user_with, department, make_question, make_course, viewer, django_capture_on_commit_callbacks
):
    """O53 保密宣传教育制度 第四条: the dashboard's assigned, completed, passed and overdue per department stay right
    as assignments are made, moved, attempted, passed and removed."""
    for n in range(4):
        make_question(QuestionKind.SINGLE, answer=[n % 4])
    annual = make_course(questions=2, attempts=3, pass_mark=100)
    extra = make_course(questions=2)
    rd, market = department("研发部"), department("市场部")
    people = [user_with(0, rd), user_with(0, rd, post_category=PostCategory.GENERAL), user_with(0, market)]
    today = datetime.date.today()
    AssignmentRule.objects.create(name="年度", course=annual, kind=RuleKind.ANNUAL)
    assert assignments_evaluate() == len(Assignment.objects.filter(course=annual)) > 0
    assert Assignment.objects.get(user=people[2], course=annual).department == market  # the rule keeps it
    assignment_add(actor=viewer, course=extra, users=people[:2], due_on=today - datetime.timedelta(days=3))
    assert summary_differences() == {}

    _take(people[0], annual, right=False)  # attempted, not passed
    _take(people[0], annual, right=True)  # passed
    _take(people[1], extra, right=True)
    assert summary_differences() == {}

    with django_capture_on_commit_callbacks(execute=True):  # open assignments move with the person
        profile_update(
            actor=None,
            profile=SecurityProfile.objects.get(user=people[0]),
            department=market,
            post_category=PostCategory.CORE,
        )
        profile_update(actor=None, profile=SecurityProfile.objects.get(user=people[2]), department=rd)
    assert Assignment.objects.get(user=people[2], course=annual).department == rd
    assert Assignment.objects.get(user=people[0], course=annual).department == rd  # passed: stays where it was done
    assert summary_differences() == {}
    _same_figures(viewer, today)
    _same_figures(viewer, datetime.date(today.year + 1, 1, 1))  # next year everything open is overdue

    people[2].delete()  # never took a quiz: nothing protects the rows
    empty = department("撤销部门")
    lone = user_with(0, empty)
    assignment_add(actor=viewer, course=extra, users=[lone], due_on=today)
    profile_update(actor=None, profile=SecurityProfile.objects.get(user=lone), department=None)
    empty.delete()  # its closed rows now count under "no department"
    assert summary_differences() == {}
    _same_figures(viewer, today)
    spare = make_course(questions=1)
    assignment_add(actor=viewer, course=spare, users=[people[0]], due_on=today)
    spare.delete()
    assert summary_differences() == {}
    assert not AssignmentSummary.objects.filter(course_id=spare.pk).exists()


def test_the_rebuild_command_repairs_a_summary_that_drifted(user_with, make_course, viewer, capsys):
    """Data loaded past the services (a bulk import) is counted by the rebuild, and --check reports a drift."""
    course = make_course(questions=1)
    for _ in range(3):
        Assignment.objects.create(
            user=user_with(0), course=course, cycle=2026, key="import", due_on=datetime.date(2026, 6, 30)
        )
    assert summary_differences()  # written past the services: the summary does not know them
    with pytest.raises(SystemExit):
        call_command("training_summary_rebuild", "--check")
    call_command("training_summary_rebuild")
    call_command("training_summary_rebuild", "--check")
    assert "agrees" in capsys.readouterr().out
    rows = selectors.dashboard_rows(user=viewer, group="cycle", day=datetime.date(2026, 7, 1))
    assert [(r["cycle"], r["assigned"], r["overdue"]) for r in rows] == [(2026, 3, 3)]
    assert summary_rebuild() == 1

"""Assignments by rule: annual cycle with history, new hires, moves into a 涉密岗位, departments, post categories,
ad hoc lists; evaluated on commit after a profile change and by the nightly task."""

import datetime

import pytest
from django.utils import timezone

from portal.enums import PostCategory
from portal.models import SecurityProfile
from portal.services.people import profile_update
from training.enums import RuleKind
from training.models import Assignment, AssignmentRule
from training.services.assignments import assignment_add, assignments_evaluate
from training.tasks import assignments_evaluate_task


@pytest.fixture
def course(make_course):
    return make_course(questions=1)


def test_the_annual_rule_opens_a_new_cycle_and_keeps_last_years_history(user_with, course):
    """O53 保密宣传教育制度 第四条, 第六条一 「每年度」: opening 2027 assigns everyone again; the 2026 rows, passed or
    not, stay as they were."""
    people = [user_with(0) for _ in range(3)]
    AssignmentRule.objects.create(name="年度", course=course, kind=RuleKind.ANNUAL)
    assert assignments_evaluate(day=datetime.date(2026, 3, 1)) == 3
    Assignment.objects.filter(user=people[0]).update(passed_at=timezone.now(), best_score=95)
    assert assignments_evaluate(day=datetime.date(2026, 6, 1)) == 0  # re-running changes nothing

    assert assignments_evaluate(day=datetime.date(2027, 1, 2)) == 3
    rows = Assignment.objects.filter(user=people[0]).order_by("cycle")
    assert [(a.cycle, a.key, a.due_on) for a in rows] == [
        (2026, "annual:2026", datetime.date(2026, 12, 31)),
        (2027, "annual:2027", datetime.date(2027, 12, 31)),
    ]
    assert rows[0].passed_at is not None and rows[0].best_score == 95
    assert rows[1].passed_at is None


def test_a_new_hire_is_assigned_on_commit_due_within_the_configured_days(
    user_with, course, django_capture_on_commit_callbacks
):
    """O54 保密宣传教育制度 第六条六、1 (先培训后上岗): hire date H → due H + NEW_HIRE_TRAINING_DAYS (rule days)."""
    AssignmentRule.objects.create(name="新进岗位", course=course, kind=RuleKind.NEW_HIRE, days=30)
    person = user_with(0)
    hired = timezone.localdate() - datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=None, profile=SecurityProfile.objects.get(user=person), hire_date=hired)
    assignment = Assignment.objects.get(user=person)
    assert assignment.key == f"hire:{hired}" and assignment.due_on == hired + datetime.timedelta(days=30)
    old_hand = user_with(0)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(
            actor=None,
            profile=SecurityProfile.objects.get(user=old_hand),
            hire_date=timezone.localdate() - datetime.timedelta(days=400),
        )
    assert not Assignment.objects.filter(user=old_hand).exists()


def test_moving_into_a_classified_post_assigns_the_course_due_before_the_post_starts(
    user_with, make_course, django_capture_on_commit_callbacks
):
    """O55 保密宣传教育制度 第六条六、3 「在非涉密人员进入涉密岗位前，对其进行专门保密教育」: a move into a 涉密岗位
    from S assigns the special course, due before S."""
    special = make_course(questions=1, clearance=1)
    AssignmentRule.objects.create(name="涉密岗位", course=special, kind=RuleKind.CLASSIFIED_POST, days=1)
    person = user_with(1)
    starts = timezone.localdate() + datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(
            actor=None,
            profile=SecurityProfile.objects.get(user=person),
            post_category=PostCategory.IMPORTANT,
            post_changed_on=starts,
        )
    assignment = Assignment.objects.get(user=person, course=special)
    assert assignment.due_on < starts
    assert assignment.key == f"post:{starts}:{PostCategory.IMPORTANT}"
    # A non-classified post gets nothing.
    other = user_with(1)
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(actor=None, profile=SecurityProfile.objects.get(user=other), post_changed_on=starts)
    assert not Assignment.objects.filter(user=other).exists()


def test_a_course_is_never_assigned_to_someone_who_may_not_open_it(user_with, make_course):
    """O21: a 机密 course goes to cleared people only."""
    secret = make_course(questions=1, clearance=2)
    low, high = user_with(1), user_with(2)
    AssignmentRule.objects.create(name="全员", course=secret, kind=RuleKind.ANNUAL)
    assignments_evaluate()
    assert list(Assignment.objects.values_list("user_id", flat=True)) == [high.pk]
    assert low.pk not in Assignment.objects.values_list("user_id", flat=True)


def test_rules_by_department_post_category_and_ad_hoc_list(user_with, department, course):
    rd = department("研发部")
    in_rd, elsewhere = user_with(0, rd), user_with(0)
    core = user_with(0, post_category=PostCategory.CORE)
    named = user_with(0)
    by_dept = AssignmentRule.objects.create(name="研发部", course=course, kind=RuleKind.DEPARTMENT, days=10)
    by_dept.departments.set([rd])
    AssignmentRule.objects.create(
        name="核心", course=course, kind=RuleKind.POST_CATEGORY, post_categories=[PostCategory.CORE]
    )
    ad_hoc = AssignmentRule.objects.create(name="名单", course=course, kind=RuleKind.AD_HOC)
    ad_hoc.users.set([named])
    assert assignments_evaluate() == 3
    assert set(Assignment.objects.values_list("user_id", flat=True)) == {in_rd.pk, core.pk, named.pk}
    assert elsewhere.pk not in Assignment.objects.values_list("user_id", flat=True)
    assert Assignment.objects.get(user=in_rd).due_on == timezone.localdate() + datetime.timedelta(days=10)
    assert assignment_add(actor=None, course=course, users=[elsewhere], due_on=datetime.date(2026, 12, 1)) == 1


def test_the_nightly_task_applies_rules_and_grades_expired_attempts(user_with, course):
    user_with(0)
    AssignmentRule.objects.create(name="年度", course=course, kind=RuleKind.ANNUAL)
    assert assignments_evaluate_task.delay().get() == 1
    assert Assignment.objects.count() == 1


def test_an_inactive_rule_or_a_person_who_left_gets_nothing(user_with, course):
    leaver = user_with(0)
    SecurityProfile.objects.filter(user=leaver).update(left_on=timezone.localdate())
    rule = AssignmentRule.objects.create(name="年度", course=course, kind=RuleKind.ANNUAL, active=False)
    assert assignments_evaluate() == 0
    rule.active = True
    rule.save()
    assert assignments_evaluate() == 0

"""Assignments by rule, evaluated set-based (one query for the targets, one for existing rows, one bulk insert per
rule), so the nightly run and the on-commit run after a profile change share the same code.

Occasions (the `key` of an assignment) make history: the annual rule creates annual:2026, then annual:2027 on
rollover, and last year's rows stay as they were.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from portal.enums import PostCategory
from portal.models import SecurityProfile
from portal.models.marking import scope_ids
from training.enums import RuleKind
from training.models import Assignment, AssignmentRule
from training.services.summary import SUMMARY_FIELDS, summary_apply, summary_row

NEW_HIRE_TRAINING_DAYS = getattr(settings, "NEW_HIRE_TRAINING_DAYS", 30)


def eligible_people_q(page):
    """People who may open the page (a course, a campaign): active, not departed, cleared and in its scope. A course
    they can't see is never assigned to them."""
    q = Q(is_active=True, security_profile__left_on__isnull=True)
    q &= Q(security_profile__clearance__gte=page.effective_clearance)
    groups = scope_ids(page.effective_scope)
    if groups is not None:
        q &= Q(groups__in=groups)
    return q


def _targets(rule, day):
    """[(user_id, key, cycle, due_on)] that `rule` asks for on `day`."""
    course = rule.course
    users = get_user_model().objects.filter(eligible_people_q(course))
    if rule.kind == RuleKind.ANNUAL:
        due = rule.due_on if rule.due_on and rule.due_on.year == day.year else datetime.date(day.year, 12, 31)
        return [(pk, f"annual:{day.year}", day.year, due) for pk in users.values_list("pk", flat=True).distinct()]
    if rule.kind == RuleKind.NEW_HIRE:
        # Hired recently enough that the training window is still open (先培训后上岗).
        since = day - datetime.timedelta(days=rule.days)
        rows = users.filter(security_profile__hire_date__gte=since).values_list("pk", "security_profile__hire_date")
        return [
            (pk, f"hire:{hired}", hired.year, hired + datetime.timedelta(days=rule.days))
            for pk, hired in rows.distinct()
        ]
    if rule.kind == RuleKind.CLASSIFIED_POST:
        # Moving into a 涉密岗位: due before the post starts. Starts already past get the course at once (due today).
        rows = (
            users.exclude(security_profile__post_category=PostCategory.NONE)
            .filter(security_profile__post_changed_on__gte=day - datetime.timedelta(days=30))
            .values_list("pk", "security_profile__post_changed_on", "security_profile__post_category")
        )
        targets = []
        for pk, starts, category in rows.distinct():
            due = max(day, starts - datetime.timedelta(days=max(rule.days, 1)))
            targets.append((pk, f"post:{starts}:{category}", starts.year, due))
        return targets
    if rule.kind == RuleKind.DEPARTMENT:
        users = users.filter(security_profile__department__in=rule.departments.all())
    elif rule.kind == RuleKind.POST_CATEGORY:
        users = users.filter(security_profile__post_category__in=rule.post_categories or [])
    elif rule.kind == RuleKind.AD_HOC:
        users = users.filter(pk__in=rule.users.all())
    due = rule.due_on or day + datetime.timedelta(days=rule.days)
    return [(pk, f"rule:{rule.pk}", due.year, due) for pk in users.values_list("pk", flat=True).distinct()]


@transaction.atomic
def rule_apply(*, rule, day=None, user_ids=None):
    """Create the assignments `rule` asks for and that do not exist yet. Returns how many were created."""
    day = day or timezone.localdate()
    targets = _targets(rule, day)
    if user_ids is not None:
        targets = [t for t in targets if t[0] in user_ids]
    if not targets:
        return 0
    existing = set(
        Assignment.objects.filter(course_id=rule.course_id, user_id__in={t[0] for t in targets}).values_list(
            "user_id", "key"
        )
    )
    now = timezone.now()
    new = [(pk, key, cycle, due) for pk, key, cycle, due in targets if (pk, key) not in existing]
    profiles = _profiles({pk for pk, *_rest in new})
    Assignment.objects.bulk_create(
        [
            Assignment(
                user_id=pk,
                course_id=rule.course_id,
                rule=rule,
                key=key,
                cycle=cycle,
                due_on=due,
                assigned_at=now,
                department_id=profiles.get(pk, (None, ""))[0],
                post_category=profiles.get(pk, (None, ""))[1],
            )
            for pk, key, cycle, due in new
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    # Read back what this call inserted (a concurrent run may have inserted some of them first).
    summary_apply(
        added=Assignment.objects.filter(course_id=rule.course_id, rule=rule, assigned_at=now).values_list(
            *SUMMARY_FIELDS
        )
    )
    return len(new)


def _profiles(user_ids):
    return {
        pk: (department_id, category)
        for pk, department_id, category in SecurityProfile.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "department_id", "post_category"
        )
    }


def _rules():
    return AssignmentRule.objects.filter(active=True, course__live=True).select_related("course")


def assignments_evaluate(*, day=None):
    """Nightly: every active rule for everyone."""
    return sum(rule_apply(rule=rule, day=day) for rule in _rules())


def assignments_for_user(*, user_id, day=None):
    """After a profile change: open assignments follow the new department and post category; then every active
    rule, for this one person."""
    profile = _profiles({user_id}).get(user_id)
    if profile is not None:
        _assignments_follow_profile(user_id, *profile)
    return sum(rule_apply(rule=rule, day=day, user_ids={user_id}) for rule in _rules())


@transaction.atomic
def _assignments_follow_profile(user_id, department_id, category):
    """Open assignments move with the person to their new department and post category (closed ones stay)."""
    moving = (
        Assignment.objects.open()
        .select_for_update()
        .filter(user_id=user_id)
        .exclude(department_id=department_id, post_category=category)
    )
    rows = list(moving.values_list("pk", *SUMMARY_FIELDS))
    if not rows:
        return
    Assignment.objects.filter(pk__in=[row[0] for row in rows]).update(
        department_id=department_id, post_category=category
    )
    before = [row[1:] for row in rows]
    after = [(row[0], row[1], department_id, category, *row[4:]) for row in before]
    summary_apply(removed=before, added=after)


@transaction.atomic
def assignment_add(*, actor, course, users, due_on, cycle=None):
    """Ad hoc assignment of a course to a list of people by 保密办."""
    key = f"adhoc:{due_on}"
    created = 0
    for user in users:
        department_id, category = _profiles({user.pk}).get(user.pk, (None, ""))
        assignment, made = Assignment.objects.get_or_create(
            user=user,
            course=course,
            key=key,
            defaults={
                "cycle": cycle or due_on.year,
                "due_on": due_on,
                "department_id": department_id,
                "post_category": category,
            },
        )
        if made:
            summary_apply(added=[summary_row(assignment)])
        created += made
    log(instance=course, action="training.assign", user=actor, data={"count": created, "due_on": str(due_on)})
    return created

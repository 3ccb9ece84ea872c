"""学时 targets per post category: people below theirs get a 警示 notice (from the configured month, not every day)
and appear on their department head's list, with hours earned and the target."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.enums import PostCategory
from portal.models import Department, Notification, SecurityProfile
from training.enums import QuestionKind
from training.models import StudyHoursTarget
from training.services.reminders import HOURS_WARNING, study_hours_warnings_send

from .test_dashboard_summary import _take


@pytest.fixture
def staff(user_with, department, make_question, make_course):
    for n in range(2):
        make_question(QuestionKind.SINGLE, answer=[n % 4])
    long_course = make_course(questions=1, title="年度全员保密培训", study_hours=Decimal("4.0"))
    short_course = make_course(questions=1, title="保密常识", study_hours=Decimal("1.0"))
    StudyHoursTarget.objects.create(post_category=PostCategory.CORE, hours=Decimal("4.0"))
    StudyHoursTarget.objects.create(post_category=PostCategory.NONE, hours=Decimal("1.0"))
    rd = department("研发部")
    head = user_with(2, rd, username="rd-head", post_category=PostCategory.GENERAL)  # no target for 一般
    Department.objects.filter(pk=rd.pk).update(head=head)
    done = user_with(2, rd, username="core-done", post_category=PostCategory.CORE)
    short = user_with(2, rd, username="core-short", first_name="短", last_name="李", post_category=PostCategory.CORE)
    idle = user_with(0, rd, username="none-idle", first_name="闲", last_name="王")
    left = user_with(0, rd, username="left-idle")
    SecurityProfile.objects.filter(user=left).update(left_on=datetime.date(2026, 1, 31))
    assert _take(done, long_course, right=True).passed
    assert _take(short, short_course, right=True).passed
    return {"head": head, "done": done, "short": short, "idle": idle, "left": left}


def test_people_below_their_target_are_warned_once_per_interval(staff):
    """O61 保密工作管理方案办法 三、3 「对不符合要求的人员进行警示和督促」: below STUDY_HOURS_TARGET[category] → a 警示
    notice with the hours earned and due; nothing before the warning month, nothing twice within the interval."""
    year = timezone.localdate().year
    assert study_hours_warnings_send(day=datetime.date(year, 3, 1)) == 0  # too early in the year
    assert study_hours_warnings_send(day=datetime.date(year, 11, 1)) == 2
    notices = {n.user_id: n.message for n in Notification.objects.filter(kind=HOURS_WARNING)}
    assert set(notices) == {staff["short"].pk, staff["idle"].pk}
    assert "1.0" in notices[staff["short"].pk] and "4.0" in notices[staff["short"].pk]
    assert study_hours_warnings_send(day=datetime.date(year, 11, 2)) == 0  # not every day


def test_the_department_head_lists_who_is_short_of_hours(staff, verified_client):
    """O61: the people below their target appear on their department head's list, with hours earned and target."""
    html = verified_client(staff["head"]).get(reverse("training:department")).content.decode()
    table = html[html.index('id="hours-shortfall"') :]
    assert "李短" in table and "王闲" in table
    assert "core-done" not in table and "left-idle" not in table
    assert "4.0" in table

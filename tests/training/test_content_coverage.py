"""O57: courses, lessons and question categories carry one of the ten areas of 保密宣传教育制度 第五条; the yearly
coverage report lists the areas with no published material (counting only what the reader may see), and the demo
content covers all ten."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from training import selectors
from training.demo import load_training
from training.enums import ContentArea, QuestionKind
from training.models import LessonPage, QuestionCategory


@pytest.fixture
def office(user_with):
    def make(clearance):
        user = user_with(clearance)
        user.user_permissions.add(
            Permission.objects.get(codename="view_assignment"), Permission.objects.get(codename="access_admin")
        )
        return user

    return make


def _lesson(course, title, area=""):
    lesson = LessonPage(title=title, slug=f"l-{title}", content_area=area)
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


def _by_area(rows):
    return {row["area"]: row for row in rows}


def test_the_coverage_report_counts_tagged_material_per_area(make_course, make_question, office):
    """O57 保密宣传教育制度 第五条 「五、保密范围、秘密确定、密级变更、解密知识」 and
    「七、计算机信息系统及网络安全保密知识和防范措施」: material is counted under its area; a lesson without one counts
    for its course's; a 机密 course is not counted for a reader below 机密; areas with nothing are flagged."""
    laws = QuestionCategory.objects.create(name="法律法规", code="law", content_area=ContentArea.LAW)
    make_question(QuestionKind.SINGLE, cat=laws)
    make_question(QuestionKind.SINGLE, cat=laws)
    course = make_course(questions=1, content_area=ContentArea.CLASSIFICATION)
    _lesson(course, "密级变更")
    _lesson(course, "网络安全", ContentArea.NETWORK)
    make_course(questions=1, clearance=2, content_area=ContentArea.THREATS)
    year = timezone.localdate().year

    low = _by_area(selectors.content_coverage_for(user=office(1), year=year))
    assert (low["classification"]["courses"], low["classification"]["lessons"]) == (1, 1)
    assert low["network"]["lessons"] == 1 and not low["network"]["empty"]
    assert low["law"]["questions"] == 2
    assert low["threats"]["empty"]  # the 机密 course is out of sight
    assert low["cases"]["empty"] and low["policy"]["empty"]

    high = _by_area(selectors.content_coverage_for(user=office(2), year=year))
    assert high["threats"]["courses"] == 1 and not high["threats"]["empty"]
    earlier = _by_area(selectors.content_coverage_for(user=office(2), year=year - 1))
    assert all(row["empty"] for row in earlier.values())  # nothing was published before this year


def test_the_coverage_page_is_for_the_secrecy_office(make_course, office, user_with, verified_client):
    """O57: 保密办 sees the ten areas, the empty ones marked; a 部门保密员 or plain user is denied."""
    make_course(questions=1, content_area=ContentArea.RULES)
    response = verified_client(office(1)).get(reverse("training_coverage"))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count("coverage-empty") == 9 and "coverage-rules" in html
    officer = user_with(1)
    officer.user_permissions.add(
        Permission.objects.get(codename="view_department_assignments"),
        Permission.objects.get(codename="access_admin"),
    )
    assert verified_client(officer).get(reverse("training_coverage")).status_code == 403


def test_the_demo_content_covers_all_ten_areas(home, user_with, department, office):
    """O57: 「the demo content covers all ten」."""
    officer = user_with(2, username="officer")
    load_training(home=home, departments={}, users={"officer": officer}, stdout=io.StringIO())
    rows = selectors.content_coverage_for(user=office(2), year=timezone.localdate().year)
    assert [row["area"] for row in rows if row["empty"]] == []

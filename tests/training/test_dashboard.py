"""The 保密办 completion dashboard: numbers against a hand-built scenario, a query count that does not grow with
people, drill-down, Excel export (no formula injection), and nothing of a course the admin may not see."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.enums import PostCategory
from portal.models import SecurityProfile
from training import selectors
from training.models import Assignment
from training.services.summary import summary_apply, summary_row


@pytest.fixture
def office(user_with):
    """A 保密办 admin cleared to 秘密, with the dashboard permission."""

    def make(clearance=1):
        user = user_with(clearance)
        user.user_permissions.add(
            Permission.objects.get(codename="view_assignment"), Permission.objects.get(codename="access_admin")
        )
        return user

    return make


def _assign(user, course, *, cycle=2026, due=None, attempted=False, passed=False, score=None, seconds=None):
    now = timezone.now()
    profile = SecurityProfile.objects.get(user=user)
    assignment = Assignment.objects.create(
        user=user,
        course=course,
        department=profile.department,
        post_category=profile.post_category,
        cycle=cycle,
        key=f"annual:{cycle}",
        due_on=due or datetime.date(cycle, 12, 31),
        attempted_at=now if attempted else None,
        passed_at=now if passed else None,
        best_score=score,
        time_spent_seconds=seconds,
    )
    summary_apply(added=[summary_row(assignment)])  # as the assigning services do
    return assignment


@pytest.fixture
def scenario(user_with, department, make_course):
    """研发部: A passed (90, 10 min), B failed (60, 20 min) and overdue, C not started; 市场部: D passed (100, 30 min).
    A 机密 course assigned to the two 机密 people (one passed). Last year's cycle: A passed."""
    rd, market = department("研发部"), department("市场部")
    course = make_course(questions=1, title="年度全员保密培训")
    secret = make_course(questions=1, clearance=2, title="星河项目专门培训")
    a = user_with(2, rd, post_category=PostCategory.IMPORTANT)
    b = user_with(0, rd)
    c = user_with(2, rd)
    d = user_with(0, market)
    past = timezone.localdate() - datetime.timedelta(days=5)
    _assign(a, course, attempted=True, passed=True, score=Decimal(90), seconds=600)
    _assign(b, course, due=past, attempted=True, score=Decimal(60), seconds=1200)
    _assign(c, course)
    _assign(d, course, attempted=True, passed=True, score=Decimal(100), seconds=1800)
    _assign(a, secret, attempted=True, passed=True, score=Decimal(80), seconds=900)
    _assign(c, secret)
    _assign(a, course, cycle=2025, attempted=True, passed=True, score=Decimal(70), seconds=300)
    return {"course": course, "secret": secret, "rd": rd, "market": market, "people": (a, b, c, d)}


def test_dashboard_numbers_match_a_hand_built_scenario(scenario, office):
    """O53 保密宣传教育制度 第四条: assigned, completed, passed, overdue, average score and time per course and cycle,
    per department, and per post category."""
    viewer = office(2)
    rows = selectors.dashboard_rows(user=viewer, group="course", cycle=2026)
    by_course = {row["course__title"]: row for row in rows}
    annual = by_course["年度全员保密培训"]
    assert (annual["assigned"], annual["completed"], annual["passed"], annual["overdue"]) == (4, 3, 2, 1)
    assert annual["average_score"] == pytest.approx(Decimal("83.333"), abs=Decimal("0.01"))
    assert annual["average_seconds"] == pytest.approx(1200)
    assert (by_course["星河项目专门培训"]["assigned"], by_course["星河项目专门培训"]["passed"]) == (2, 1)

    by_dept = {
        row["department__name"]: row
        for row in selectors.dashboard_rows(user=viewer, group="department", course_id=scenario["course"].pk)
    }
    assert (by_dept["研发部"]["assigned"], by_dept["研发部"]["passed"], by_dept["研发部"]["overdue"]) == (4, 2, 1)
    assert (by_dept["市场部"]["assigned"], by_dept["市场部"]["passed"]) == (1, 1)

    cycles = {row["cycle"]: row for row in selectors.dashboard_rows(user=viewer, group="cycle")}
    assert cycles[2025]["assigned"] == 1 and cycles[2025]["passed"] == 1  # last year's cycle stays visible
    assert cycles[2026]["assigned"] == 6

    categories = {
        row["post_category"]: row for row in selectors.dashboard_rows(user=viewer, group="post_category", cycle=2026)
    }
    assert categories[PostCategory.IMPORTANT]["assigned"] == 2


def test_a_course_the_admin_may_not_see_is_left_out_of_every_number(scenario, office, verified_client):
    """O21 深圳条例 第十二条(一): a 秘密 admin's dashboard, drill-down and export never count the 机密 course."""
    viewer = office(1)
    rows = selectors.dashboard_rows(user=viewer, group="cycle", cycle=2026)
    assert rows[0]["assigned"] == 4
    client = verified_client(viewer)
    html = client.get(reverse("training_dashboard")).content.decode()
    assert "年度全员保密培训" in html and "星河项目专门培训" not in html
    people = client.get(reverse("training_people") + "?cycle=2026").content.decode()
    assert "星河项目专门培训" not in people
    export = client.get(reverse("training_people") + "?format=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert "星河项目专门培训" not in cells and "年度全员保密培训" in cells


def test_the_dashboard_query_count_does_not_grow_with_people(scenario, office, user_with, verified_client):
    viewer = office(2)
    client = verified_client(viewer)
    url = reverse("training_dashboard") + "?group=department"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for _ in range(15):
        _assign(user_with(0, scenario["rd"]), scenario["course"])
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_drill_down_lists_the_people_and_exports_them_to_excel(scenario, office, verified_client):
    viewer = office(2)
    client = verified_client(viewer)
    a, b, _c, _d = scenario["people"]
    page = client.get(reverse("training_people") + f"?course={scenario['course'].pk}&status=overdue&cycle=2026")
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    html = page.content.decode()
    assert b.username in html and a.username not in html
    export = client.get(reverse("training_people") + f"?course={scenario['course'].pk}&cycle=2026&format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "工号" and len(rows) == 3 + 4


def test_an_exported_name_starting_with_equals_stays_text(scenario, office, verified_client, user_with):
    """A name like =HYPERLINK(...) must not become a formula in the spreadsheet."""
    evil = user_with(0, scenario["rd"], first_name='=HYPERLINK("http://x","y")')
    _assign(evil, scenario["course"])
    client = verified_client(office(2))
    export = client.get(reverse("training_people") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value and str(cell.value).startswith("=HYP")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_dashboard_is_closed_to_people_without_the_permission(scenario, user_with, verified_client):
    client = verified_client(user_with(3))
    assert client.get(reverse("training_dashboard")).status_code in (302, 403)
    assert client.get(reverse("training_people") + "?format=xlsx").status_code in (302, 403)


def test_a_person_record_lists_courses_attempts_and_hours(scenario, office, verified_client):
    """O61 保密工作管理方案办法 三、3 「建立涉密人员的保密教育档案」: every course, cycle, score and 学时."""
    a = scenario["people"][0]
    client = verified_client(office(2))
    html = client.get(reverse("training_person", args=[a.pk])).content.decode()
    assert "年度全员保密培训" in html and "星河项目专门培训" in html and "2025" in html
    low = verified_client(office(1)).get(reverse("training_person", args=[a.pk])).content.decode()
    assert "星河项目专门培训" not in low


def test_the_dashboard_table_exports_to_excel_as_shown(scenario, office, verified_client):
    """O53 保密宣传教育制度 第四条: the per-department figures go to Excel as the page shows them."""
    client = verified_client(office(2))
    url = reverse("training_dashboard") + f"?group=department&course={scenario['course'].pk}&format=xlsx"
    export = client.get(url)
    assert export.status_code == 200 and "no-cache" in export["Cache-Control"]
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=4, values_only=True))
    by_department = {row[0]: row for row in rows}
    assert by_department["研发部"][2:6] == (4, 3, 2, 1)  # assigned, completed, passed, overdue (both cycles)
    assert by_department["市场部"][2:6] == (1, 1, 1, 0)

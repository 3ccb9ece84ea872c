"""A 部门保密员 sees their own department's training completion, and only that: the dashboard, the people list, the
export and a person's record are scoped; asking for another department is denied."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from .test_dashboard import _assign


@pytest.fixture
def two_departments(user_with, department, make_course):
    rd, market = department("研发部"), department("市场部")
    course = make_course(questions=1, title="年度全员保密培训")
    rd_people = [user_with(0, rd, username=f"rd-{n}") for n in range(3)]
    market_people = [user_with(0, market, username=f"mk-{n}") for n in range(2)]
    for person in rd_people + market_people:
        _assign(person, course)
    return {"rd": rd, "market": market, "course": course, "rd_people": rd_people, "market_people": market_people}


@pytest.fixture
def department_officer(user_with):
    def make(dept):
        user = user_with(1, dept, username="rd-officer")
        user.user_permissions.add(
            Permission.objects.get(codename="view_department_assignments"),
            Permission.objects.get(codename="access_admin"),
        )
        return user

    return make


def test_a_department_officer_sees_only_their_department(two_departments, department_officer, verified_client):
    """O63 技术秘密管理办法 4.3.4 「负责组织本部门保密宣传教育,及相关培训工作」: the 部门保密员's dashboard shows their
    department's completion; people, export and records of other departments stay out."""
    officer = department_officer(two_departments["rd"])
    client = verified_client(officer)
    html = client.get(reverse("training_dashboard") + "?group=department").content.decode()
    assert "研发部" in html and "市场部" not in html
    course_row = client.get(reverse("training_dashboard")).content.decode()
    assert "<td>3</td>" in course_row and "<td>5</td>" not in course_row  # 3 assigned in 研发部, not all 5
    people = client.get(reverse("training_people")).content.decode()
    assert all(p.username in people for p in two_departments["rd_people"])
    assert not any(p.username in people for p in two_departments["market_people"])
    export = client.get(reverse("training_people") + "?format=xlsx")
    names = {row[1] for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=4, values_only=True)}
    assert len(names) == 3
    table = client.get(reverse("training_dashboard") + "?group=department&format=xlsx")
    labels = [row[0] for row in load_workbook(io.BytesIO(table.content)).active.iter_rows(min_row=4, values_only=True)]
    assert labels == ["研发部"]
    own = two_departments["rd_people"][0]
    assert client.get(reverse("training_person", args=[own.pk])).status_code == 200


def test_asking_for_another_department_is_denied(two_departments, department_officer, verified_client):
    """O63: trying another department is denied (never-cached 403), on every dashboard URL."""
    officer = department_officer(two_departments["rd"])
    client = verified_client(officer)
    market = two_departments["market"].pk
    for url in (
        reverse("training_dashboard") + f"?department={market}",
        reverse("training_people") + f"?department={market}",
        reverse("training_people") + f"?department={market}&format=xlsx",
        reverse("training_person", args=[two_departments["market_people"][0].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_secrecy_office_still_sees_every_department(two_departments, user_with, verified_client):
    office = user_with(1)
    office.user_permissions.add(
        Permission.objects.get(codename="view_assignment"), Permission.objects.get(codename="access_admin")
    )
    html = verified_client(office).get(reverse("training_dashboard") + "?group=department").content.decode()
    assert "研发部" in html and "市场部" in html

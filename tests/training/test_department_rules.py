"""O63: a 部门保密员 assigns training to their own department only; another department is refused, and rules of
other departments are neither listed nor editable. 保密办 keeps the company-wide rules."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from training.enums import RuleKind
from training.models import AssignmentRule

RULE_PERMISSIONS = ["add_assignmentrule", "change_assignmentrule", "view_assignmentrule", "delete_assignmentrule"]


@pytest.fixture
def setting(user_with, department, make_course):
    rd, market = department("研发部"), department("市场部")
    officer = user_with(1, rd, username="rd-officer")
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=[*RULE_PERMISSIONS, "view_department_assignments", "access_admin"])
    )
    office = user_with(1, market, username="office")
    office.user_permissions.add(
        *Permission.objects.filter(codename__in=[*RULE_PERMISSIONS, "view_assignment", "access_admin"])
    )
    course = make_course(questions=1, title="部门保密培训")
    secret = make_course(questions=1, clearance=2, title="星河项目专门培训")
    return {"rd": rd, "market": market, "officer": officer, "office": office, "course": course, "secret": secret}


def _post(client, course, kind, departments):
    data = {"name": "部门培训", "course": course.pk, "kind": kind, "days": 30, "active": "on"}
    data["departments"] = [d.pk for d in departments]
    return client.post(reverse("training_rule:add"), data)


def test_a_department_officer_assigns_only_to_their_department(setting, verified_client):
    """O63 技术保密管理规定 第五条二、1 「组织本单位职工学习技术保密方面的法律法规和上级保密规定」: the 部门保密员's
    rule covers their own department; another department, or everyone, is refused."""
    client = verified_client(setting["officer"])
    form = client.get(reverse("training_rule:add")).content.decode()
    assert "研发部" in form and "市场部" not in form and "星河项目专门培训" not in form
    assert _post(client, setting["course"], RuleKind.DEPARTMENT, [setting["market"]]).status_code == 200
    assert _post(client, setting["course"], RuleKind.ANNUAL, [setting["rd"]]).status_code == 200
    assert not AssignmentRule.objects.exists()
    assert _post(client, setting["course"], RuleKind.DEPARTMENT, [setting["rd"]]).status_code == 302
    rule = AssignmentRule.objects.get()
    assert rule.kind == RuleKind.DEPARTMENT and list(rule.departments.all()) == [setting["rd"]]


def test_other_departments_rules_are_not_listed_or_editable(setting, verified_client):
    """O63: a rule of another department is out of the 部门保密员's list, and its edit and delete pages are denied."""
    theirs = AssignmentRule.objects.create(name="市场部培训", course=setting["course"], kind=RuleKind.DEPARTMENT)
    theirs.departments.set([setting["market"]])
    annual = AssignmentRule.objects.create(name="全员年度培训", course=setting["course"], kind=RuleKind.ANNUAL)
    ours = AssignmentRule.objects.create(name="研发部培训", course=setting["course"], kind=RuleKind.DEPARTMENT)
    ours.departments.set([setting["rd"]])
    client = verified_client(setting["officer"])
    listing = client.get(reverse("training_rule:index")).content.decode()
    assert "研发部培训" in listing and "市场部培训" not in listing and "全员年度培训" not in listing
    assert client.get(reverse("training_rule:edit", args=[ours.pk])).status_code == 200
    for rule in (theirs, annual):
        assert client.get(reverse("training_rule:edit", args=[rule.pk])).status_code in (302, 403)
        assert client.post(reverse("training_rule:delete", args=[rule.pk])).status_code in (302, 403)
    assert AssignmentRule.objects.filter(pk__in=[theirs.pk, annual.pk]).count() == 2


def test_the_secrecy_office_assigns_company_wide(setting, verified_client):
    client = verified_client(setting["office"])
    assert _post(client, setting["course"], RuleKind.ANNUAL, []).status_code == 302
    assert AssignmentRule.objects.get().kind == RuleKind.ANNUAL
    assert "星河项目专门培训" not in client.get(reverse("training_rule:add")).content.decode()  # above their clearance

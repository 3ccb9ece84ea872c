"""O63: a 部门保密员 organises 宣传教育 for their own department: they create campaigns (with articles and contests)
whose audience is their department, and nothing else. Another department or the whole company is refused: with a
form error when they try it through the form, with 403 for a forged POST and for editing, publishing, unpublishing
or adding under another department's campaign. 保密办 keeps full rights over the section."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, rich_text

from portal.models import Notification
from portal.models.marking import scope_key
from training.models import CampaignPage, ContestPage, CoursePage
from training.services.campaigns import campaign_notices_send

PAGE_PERMISSIONS = ("add", "change", "publish")


def _grant(group, page):
    for permission_type in PAGE_PERMISSIONS:
        GroupPagePermission.objects.create(group=group, page=page, permission_type=permission_type)


@pytest.fixture
def setting(training_index, user_with, department):
    rd, market = department("研发部"), department("市场部")
    officers, _ = Group.objects.get_or_create(name="部门保密员")
    officers.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_department_assignments")
    )
    _grant(officers, training_index)
    office_group, _ = Group.objects.get_or_create(name="保密办管理员")
    office_group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_assignment")
    )
    _grant(office_group, training_index)
    officer = user_with(1, rd, username="rd-officer")
    officer.groups.add(officers)
    office = user_with(1, department("保密办"), username="office")
    office.groups.add(office_group)
    return {
        "index": training_index,
        "rd": rd,
        "market": market,
        "officer": officer,
        "office": office,
        "rd_people": [officer, user_with(0, rd), user_with(0, rd)],
        "market_people": [user_with(0, market), user_with(0, market)],
    }


def _campaign_form(*, scope, title="研发部保密宣传周", slug="rd-week", publish=True, starts_in=3):
    starts = timezone.localdate() + datetime.timedelta(days=starts_in)
    data = {
        "title": title,
        "slug": slug,
        "intro": rich_text("<p>研发部宣传周。</p>"),
        "starts_on": starts.isoformat(),
        "ends_on": (starts + datetime.timedelta(days=7)).isoformat(),
        "clearance": "0",
        "secrecy_term": "",
        "classification_basis": "",
    }
    if publish:
        data["action-publish"] = "1"
    data = nested_form_data(data)
    data["scope"] = [group.pk for group in scope]
    return data


def _refused(response):
    """Denied: 403 from the clearance middleware or the training hooks, or Wagtail's own admin denial (a redirect to
    the admin home with "Sorry, you do not have permission to access this area.")."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _add_url(parent, model="campaignpage", app="training"):
    return f"/admin/pages/add/{app}/{model}/{parent.pk}/"


def _campaign(parent, *, title, scope=()):
    page = CampaignPage(title=title, slug=f"c-{CampaignPage.objects.count() + 1}")
    page.scope = list(scope)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_a_department_officer_creates_a_campaign_for_their_department(setting, verified_client):
    """O63 技术秘密管理办法 4.3.4 「负责组织本部门保密宣传教育,及相关培训工作」: the 部门保密员 creates and publishes a
    campaign for their department; its advance notice reaches that department and no one else (O59)."""
    client = verified_client(setting["officer"])
    form = client.get(_add_url(setting["index"])).content.decode()
    assert "研发部" in form and "市场部" not in form  # the scope offers their own department alone
    response = client.post(_add_url(setting["index"]), _campaign_form(scope=[setting["rd"].group]))
    assert response.status_code == 302, (
        response.context["form"].errors.as_json()
        if response.context and "form" in response.context
        else response.status_code
    )
    campaign = CampaignPage.objects.get(slug="rd-week")
    assert campaign.live and campaign.effective_scope == scope_key({setting["rd"].group_id})
    assert campaign.owner == setting["officer"]

    # …and its contest, which inherits the department's audience.
    now = timezone.now()
    contest = nested_form_data(
        {
            "title": "研发部知识竞赛",
            "slug": "rd-contest",
            "intro": rich_text(""),
            "opens_at": now.strftime("%Y-%m-%d %H:%M"),
            "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d %H:%M"),
            "quiz_question_count": "5",
            "quiz_time_limit_minutes": "20",
            "quiz_attempt_limit": "1",
            "quiz_pass_mark": "80",
            "clearance": "0",
            "secrecy_term": "",
            "classification_basis": "",
            "action-publish": "1",
        }
    )
    assert client.post(_add_url(campaign, "contestpage"), contest).status_code == 302
    assert ContestPage.objects.get(slug="rd-contest").effective_scope == campaign.effective_scope

    assert campaign_notices_send() == len(setting["rd_people"])
    notified = set(Notification.objects.filter(kind="training.campaign").values_list("user_id", flat=True))
    assert notified == {user.pk for user in setting["rd_people"]}


def test_the_whole_company_is_refused_in_the_form(setting, verified_client):
    """O63: a campaign for everyone (no 知悉范围) is refused with a clear error in the form; nothing is created."""
    client = verified_client(setting["officer"])
    response = client.post(_add_url(setting["index"]), _campaign_form(scope=[]))
    assert response.status_code == 200
    assert "部门保密员只能面向本部门" in response.content.decode()
    assert not CampaignPage.objects.exists()


def test_a_forged_audience_is_refused(setting, verified_client):
    """O63: the form never offers another department, so a POST naming one (alone or beside their own) is forged and
    answered 403, with nothing created. A course is 保密办's and is refused too."""
    client = verified_client(setting["officer"])
    for scope in ([setting["market"].group], [setting["rd"].group, setting["market"].group]):
        response = client.post(_add_url(setting["index"]), _campaign_form(scope=scope))
        assert response.status_code == 403
        assert "no-cache" in response["Cache-Control"]
    assert client.get(_add_url(setting["index"], "coursepage")).status_code == 403
    assert client.post(_add_url(setting["index"], "coursepage"), _campaign_form(scope=[])).status_code == 403
    assert not CampaignPage.objects.exists() and not CoursePage.objects.exists()


def test_another_departments_campaign_is_out_of_reach(setting, verified_client):
    """O63: a campaign of another department, of two departments, or of the whole company can't be edited,
    published, unpublished or added to by the 部门保密员; their own can. 保密办 can do all of it."""
    index = setting["index"]
    theirs = _campaign(index, title="市场部宣传周", scope=[setting["market"].group])
    shared = _campaign(index, title="联合宣传周", scope=[setting["rd"].group, setting["market"].group])
    company = _campaign(index, title="全员宣传月")
    ours = _campaign(index, title="研发部宣传周", scope=[setting["rd"].group])
    client = verified_client(setting["officer"])
    # Another department's campaign is not even readable: the admin answers 403 like the site.
    assert client.get(f"/admin/pages/{theirs.pk}/edit/").status_code == 403
    for campaign in (theirs, shared, company):
        assert _refused(client.get(f"/admin/pages/{campaign.pk}/edit/"))
        form = _campaign_form(scope=[setting["rd"].group], title="改写", slug=campaign.slug)
        assert _refused(client.post(f"/admin/pages/{campaign.pk}/edit/", form))
        assert _refused(client.post(f"/admin/pages/{campaign.pk}/unpublish/"))
        assert _refused(client.post(f"/admin/pages/{campaign.pk}/delete/"))
        assert _refused(client.get(_add_url(campaign, "contestpage")))
        assert _refused(client.get(_add_url(campaign, "articlepage", app="home")))
        campaign.refresh_from_db()
        assert campaign.live and campaign.title != "改写"
        assert not campaign.get_children().exists()
    # Nor the training index itself: no editing, reordering or unpublishing it.
    assert _refused(client.get(f"/admin/pages/{index.pk}/edit/"))
    assert _refused(client.post(f"/admin/pages/{index.pk}/unpublish/"))
    index.refresh_from_db()
    assert index.live

    assert client.get(f"/admin/pages/{ours.pk}/edit/").status_code == 200
    assert client.get(_add_url(ours, "articlepage", app="home")).status_code == 200
    # Widening their own campaign to the company is a form error, and it stays theirs.
    form = _campaign_form(scope=[], title="研发部宣传周", slug=ours.slug)
    response = client.post(f"/admin/pages/{ours.pk}/edit/", form)
    assert response.status_code == 200 and "部门保密员只能面向本部门" in response.content.decode()
    ours.refresh_from_db()
    assert ours.effective_scope == scope_key({setting["rd"].group_id})

    # 保密办 edits any campaign it may read and creates campaigns for any department or for everyone.
    office = verified_client(setting["office"])
    form = _campaign_form(scope=[], title="全员宣传月（修订）", slug=company.slug)
    assert office.post(f"/admin/pages/{company.pk}/edit/", form).status_code == 302
    company.refresh_from_db()
    assert company.title == "全员宣传月（修订）"
    assert office.post(_add_url(index), _campaign_form(scope=[setting["market"].group], slug="m2")).status_code == 302
    assert CampaignPage.objects.get(slug="m2").effective_scope == scope_key({setting["market"].group_id})
    assert office.post(_add_url(index), _campaign_form(scope=[], slug="all-staff")).status_code == 302
    assert CampaignPage.objects.get(slug="all-staff").effective_scope == ""


def test_the_demo_department_officer_has_a_working_path(db, verified_client):
    """O63: in the demo, 赵峰 (pm) is 研发部's 部门保密员: he edits his department's campaign, starts a new one for
    研发部 alone, and cannot touch the company-wide campaign; 钱静 (保密办) can, and reads the campaign report."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    call_command("load_demo", stdout=StringIO())
    users = get_user_model().objects.in_bulk(["pm", "officer"], field_name="username")
    pm, office = verified_client(users["pm"]), verified_client(users["officer"])
    index = CampaignPage.objects.first().get_parent()
    ours = CampaignPage.objects.get(slug__startswith="rd-week-")
    company = CampaignPage.objects.get(slug__startswith="campaign-")
    assert pm.get(f"/admin/pages/{ours.pk}/edit/").status_code == 200
    form = pm.get(_add_url(index)).content.decode()
    assert "研发部" in form and "市场部" not in form
    assert _refused(pm.get(f"/admin/pages/{company.pk}/edit/"))
    assert office.get(f"/admin/pages/{company.pk}/edit/").status_code == 200
    report = office.get(reverse("training_campaign_report", args=[company.pk])).content.decode()
    assert "研发部" in report and "市场部" in report
    assert "市场部" not in pm.get(reverse("training_campaign_report", args=[company.pk])).content.decode()

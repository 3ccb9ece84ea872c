"""O59: who opened a 宣传 campaign (the page or one of its articles) is recorded, once a day per person, and a report
per campaign gives audience, viewers, view rate and contest participation overall and by department, exportable to
Excel. 保密办 sees every department; a 部门保密员 sees their own department's row, and nothing of a campaign they may
not open."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from home.models import ArticlePage
from training import selectors
from training.enums import QuestionKind
from training.models import CampaignPage, CampaignView
from training.services.campaigns import campaign_view_record

from .test_campaigns import _take


@pytest.fixture
def scenario(training_index, user_with, department, make_question, make_contest):
    """研发部: a, b, c and their 部门保密员; 市场部: d, e; 保密办: the office. A company-wide campaign with an article
    and a contest: a passes it, b fails it, d passes it."""
    for n in range(4):
        make_question(QuestionKind.SINGLE, answer=[n % 4])
    rd, market, office_dept = department("研发部"), department("市场部"), department("保密办")
    people = {name: user_with(0, rd, username=name) for name in ("a", "b", "c")}
    people |= {name: user_with(0, market, username=name) for name in ("d", "e")}
    officer = user_with(0, rd, username="rd-officer")
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_department_assignments"])
    )
    office = user_with(1, office_dept, username="office")
    office.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_assignment"]))
    campaign = CampaignPage(title="保密宣传月", slug="month", starts_on=timezone.localdate())
    training_index.add_child(instance=campaign)
    campaign.save_revision().publish()
    article = ArticlePage(title="宣传月启动", slug="launch")
    campaign.add_child(instance=article)
    article.save_revision().publish()
    contest = make_contest(campaign=campaign)
    _take(people["a"], contest, right=True)
    _take(people["b"], contest, right=False)
    _take(people["d"], contest, right=True)
    return {
        **people,
        "rd": rd,
        "market": market,
        "officer": officer,
        "office": office,
        "campaign": campaign,
        "article": article,
        "contest": contest,
    }


def _open(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response


def test_a_view_is_recorded_once_a_day_per_person(scenario, verified_client, user_with, training_index):
    """O59 保密宣传教育制度 第六条四 「利用多种媒体广泛开展保密宣传教育」: opening the campaign or its article records
    the person once per day: a second view the same day changes nothing, a view the next day counts a second day."""
    campaign, a = scenario["campaign"], scenario["a"]
    client = verified_client(a)
    _open(client, campaign)
    row = CampaignView.objects.get(campaign=campaign, user=a)
    assert row.days == 1 and row.first_viewed_at == row.last_viewed_at
    _open(client, scenario["article"])
    _open(client, campaign)
    assert CampaignView.objects.get(pk=row.pk).last_viewed_at == row.last_viewed_at
    assert CampaignView.objects.filter(campaign=campaign).count() == 1

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    campaign_view_record(campaign_id=campaign.pk, user_id=a.pk, now=tomorrow)
    campaign_view_record(campaign_id=campaign.pk, user_id=a.pk, now=tomorrow + datetime.timedelta(minutes=5))
    later = CampaignView.objects.get(pk=row.pk)
    assert (later.days, later.first_viewed_at, later.last_viewed_at) == (2, row.first_viewed_at, tomorrow)

    # An article alone counts for its campaign; a page outside any campaign, or a denied one, records nothing.
    _open(verified_client(scenario["b"]), scenario["article"])
    assert CampaignView.objects.filter(campaign=campaign, user=scenario["b"]).exists()
    secret = CampaignPage(
        title="秘密专题", slug="secret", clearance=1, secrecy_term="1年", classification_basis="测试定密依据"
    )
    training_index.add_child(instance=secret)
    secret.save_revision().publish()
    assert client.get(secret.url).status_code == 403
    _open(client, training_index)
    assert CampaignView.objects.count() == 2


def test_a_password_form_is_not_a_view(scenario, verified_client):
    """O59 保密宣传教育制度 第六条四: someone shown only the password form of a restricted campaign has not seen it."""
    from wagtail.models import PageViewRestriction

    campaign, c = scenario["campaign"], scenario["c"]
    PageViewRestriction.objects.create(page=campaign, restriction_type=PageViewRestriction.PASSWORD, password="x1")
    response = verified_client(c).get(campaign.url)
    assert response.status_code == 200 and 'name="password"' in response.content.decode()
    assert not CampaignView.objects.filter(campaign=campaign, user=c).exists()


def test_the_report_matches_a_hand_built_scenario(scenario, verified_client, django_assert_max_num_queries):
    """O59 保密宣传教育制度 第六条二、四: views and contest participation, overall and by department."""
    _open(verified_client(scenario["a"]), scenario["campaign"])
    _open(verified_client(scenario["b"]), scenario["article"])
    _open(verified_client(scenario["d"]), scenario["campaign"])
    office = scenario["office"]
    with django_assert_max_num_queries(8):
        report = selectors.campaign_report(user=office, campaign=scenario["campaign"])
    rows = {row["department"]: row for row in report["rows"]}
    assert (rows["研发部"]["audience"], rows["研发部"]["viewers"], rows["研发部"]["view_rate"]) == (4, 2, 50.0)
    assert (rows["市场部"]["audience"], rows["市场部"]["viewers"], rows["市场部"]["view_rate"]) == (2, 1, 50.0)
    assert (rows["保密办"]["audience"], rows["保密办"]["viewers"]) == (1, 0)
    assert [c["title"] for c in report["contests"]] == [scenario["contest"].title]
    assert rows["研发部"]["contests"] == [{"took": 2, "passed": 1, "rate": 50.0, "average": 50.0}]
    assert rows["市场部"]["contests"] == [{"took": 1, "passed": 1, "rate": 50.0, "average": 100.0}]
    assert rows["保密办"]["contests"] == [{"took": 0, "passed": 0, "rate": 0.0, "average": None}]
    total = report["total"]
    assert (total["audience"], total["viewers"], total["view_rate"]) == (7, 3, 42.9)
    assert total["contests"] == [{"took": 3, "passed": 2, "rate": 42.9, "average": 66.7}]

    client = verified_client(office)
    page = client.get(reverse("training_campaign_report", args=[scenario["campaign"].pk]))
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert "研发部" in page.content.decode() and "市场部" in page.content.decode()
    export = client.get(reverse("training_campaign_report", args=[scenario["campaign"].pk]), {"format": "xlsx"})
    assert export.status_code == 200 and "no-cache" in export["Cache-Control"]
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2][:4] == ["部门", "应知悉人数", "已浏览人数", "浏览率(%)"]
    by_name = {row[0]: row for row in values[3:]}
    assert by_name["研发部"][1:8] == [4, 2, 50, 2, 1, 50, 50]
    assert by_name["合计"][1:8] == [7, 3, 42.9, 3, 2, 42.9, 66.7]


def test_a_department_officer_sees_their_department_only(scenario, verified_client, training_index):
    """O59 with O63: the 部门保密员 gets their department's row of a company-wide campaign; asking for another
    department, or for the report of a campaign they may not open, is denied with 403."""
    market_only = CampaignPage(title="市场部专题", slug="market-only")
    market_only.scope = [scenario["market"].group]
    training_index.add_child(instance=market_only)
    market_only.save_revision().publish()
    _open(verified_client(scenario["d"]), scenario["campaign"])
    client = verified_client(scenario["officer"])
    listing = client.get(reverse("training_campaigns")).content.decode()
    assert "保密宣传月" in listing and "市场部专题" not in listing
    url = reverse("training_campaign_report", args=[scenario["campaign"].pk])
    page = client.get(url).content.decode()
    assert "研发部" in page and "市场部" not in page
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values[3:]] == ["研发部", "合计"]
    assert values[-1][1:3] == [4, 0]  # the total is their department's: 市场部's viewer is not in it

    for response in (
        client.get(url, {"department": scenario["market"].pk}),
        client.get(url, {"department": scenario["market"].pk, "format": "xlsx"}),
        client.get(reverse("training_campaign_report", args=[market_only.pk])),
        client.get(reverse("training_campaign_report", args=[market_only.pk]), {"format": "xlsx"}),
    ):
        assert response.status_code == 403 and "no-cache" in response["Cache-Control"]
        assert "市场部" not in response.content.decode()
    # Someone with no dashboard right gets no report at all.
    scenario["e"].user_permissions.add(Permission.objects.get(codename="access_admin"))
    plain = verified_client(scenario["e"])
    assert plain.get(url).status_code == 403
    assert plain.get(reverse("training_campaigns")).status_code in (302, 403)


def test_the_report_lists_published_campaigns_withdrawn_ones_included(scenario, verified_client, training_index):
    """O59 保密宣传教育制度 第六条: a campaign that went out keeps its figures after it is withdrawn; a draft that never
    went out has no reach to report."""
    draft = CampaignPage(title="尚未发布的专题", slug="draft-only", live=False)
    training_index.add_child(instance=draft)
    draft.save_revision()
    campaign = CampaignPage.objects.get(pk=scenario["campaign"].pk)  # as the admin loads it
    campaign.unpublish()
    listing = verified_client(scenario["office"]).get(reverse("training_campaigns")).content.decode()
    assert "保密宣传月" in listing and "尚未发布的专题" not in listing

"""O59: a 宣传 campaign's audience gets a notice CAMPAIGN_LEAD_DAYS before its start date: once, only people who may
open the campaign, and a classified campaign's title never reaches a notice or an e-mail."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import Notification
from training.models import CampaignNotice, CampaignPage
from training.services.campaigns import CAMPAIGN_LEAD_DAYS, campaign_notices_send
from training.tasks import reminders_task


@pytest.fixture
def campaign(training_index):
    def make(*, starts_in, title=None, clearance=0):
        page = CampaignPage(
            title=title or f"保密宣传周{starts_in}",
            slug=f"campaign-{starts_in}-{clearance}",
            starts_on=timezone.localdate() + datetime.timedelta(days=starts_in),
            clearance=clearance,
            secrecy_term="5年" if clearance else "",
            classification_basis="测试定密依据" if clearance else "",
        )
        training_index.add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


def test_the_audience_hears_of_a_campaign_lead_days_before_it_starts(campaign, user_with):
    """O59 保密宣传教育制度 第六条 「五、重要节假日、重大涉密活动前组织有针对性的保密宣传教育」: the notice goes out
    CAMPAIGN_LEAD_DAYS before D, to everyone who may open the campaign, once."""
    staff = [user_with(0, email=f"s{n}@example.com") for n in range(3)]
    soon = campaign(starts_in=CAMPAIGN_LEAD_DAYS - 2, title="保密宣传月：国家安全教育日")
    campaign(starts_in=CAMPAIGN_LEAD_DAYS + 3)  # too early to announce
    campaign(starts_in=-1)  # already running: no advance notice
    assert campaign_notices_send() == len(staff)
    notices = Notification.objects.filter(kind="training.campaign")
    assert {n.user_id for n in notices} == {u.pk for u in staff}
    assert all("国家安全教育日" in n.message and n.url == soon.url for n in notices)
    assert CampaignNotice.objects.get(campaign=soon).recipients == len(staff)
    assert campaign_notices_send() == 0  # once per start date
    CampaignPage.objects.filter(pk=soon.pk).update(starts_on=soon.starts_on + datetime.timedelta(days=1))
    assert campaign_notices_send() == len(staff)  # a moved date is announced again


def test_a_classified_campaign_reaches_only_cleared_people_and_keeps_its_title(campaign, user_with):
    """O59 with O25 科学技术保密规定 第三十一条: a 秘密 campaign is announced to cleared people only, without its title
    in the notice or the e-mail."""
    cleared, uncleared = user_with(1, email="c@example.com"), user_with(0, email="u@example.com")
    campaign(starts_in=1, title="星河项目保密专题", clearance=1)
    mail.outbox.clear()
    assert reminders_task() >= 1
    notices = list(Notification.objects.filter(kind="training.campaign"))
    assert [n.user_id for n in notices] == [cleared.pk]
    assert "星河项目" not in notices[0].message and notices[0].url == "/training/"
    assert all("星河项目" not in m.body and "星河项目" not in m.subject for m in mail.outbox)
    assert not Notification.objects.filter(user=uncleared, kind="training.campaign").exists()

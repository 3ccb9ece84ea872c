"""Advance notices of 宣传 campaigns (O59): the audience hears CAMPAIGN_LEAD_DAYS before the start date.

The audience is whoever may open the campaign page (its clearance and 知悉范围), active and not departed. A notice
names a campaign only if the campaign is not classified; otherwise it says a campaign starts and links to the
training page.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services.notifications import notify_users
from training.models import CampaignNotice, CampaignPage
from training.services.assignments import eligible_people_q

CAMPAIGN_LEAD_DAYS = getattr(settings, "TRAINING_CAMPAIGN_LEAD_DAYS", 7)
TRAINING_URL = "/training/"


def campaign_notices_send(*, day=None):
    """Notify the audience of every live campaign starting within CAMPAIGN_LEAD_DAYS that has not been announced
    for its start date. Returns the number of notices."""
    day = day or timezone.localdate()
    due = CampaignPage.objects.live().filter(
        starts_on__gte=day, starts_on__lte=day + datetime.timedelta(days=CAMPAIGN_LEAD_DAYS)
    )
    sent = 0
    for campaign in due.order_by("starts_on", "pk"):
        if campaign.notices.filter(starts_on=campaign.starts_on).exists():
            continue
        sent += campaign_notice_send(campaign=campaign)
    return sent


@transaction.atomic
def campaign_notice_send(*, campaign):
    try:
        with transaction.atomic():
            notice = CampaignNotice.objects.create(campaign=campaign, starts_on=campaign.starts_on)
    except IntegrityError:  # announced by a concurrent run
        return 0
    audience = get_user_model().objects.filter(eligible_people_q(campaign)).values_list("pk", flat=True).distinct()
    date = campaign.starts_on.strftime("%Y-%m-%d")
    if campaign.is_classified:
        text = _("A secrecy publicity campaign starts on %(date)s.") % {"date": date}
        url = TRAINING_URL
    else:
        text = _("The secrecy publicity campaign “%(title)s” starts on %(date)s.") % {
            "title": campaign.title,
            "date": date,
        }
        url = campaign.url or TRAINING_URL
    sent = notify_users(kind="training.campaign", messages=dict.fromkeys(audience, text), url=url)
    notice.recipients = sent
    notice.save(update_fields=["recipients"])
    return sent

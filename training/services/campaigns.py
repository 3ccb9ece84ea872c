"""Advance notices of 宣传 campaigns (O59): the audience hears CAMPAIGN_LEAD_DAYS before the start date.

The audience is whoever may open the campaign page (its clearance and 知悉范围), active and not departed. A notice
names a campaign only if the campaign is not classified; otherwise it says a campaign starts and links to the
training page.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services.notifications import notify_users
from training.models import CampaignNotice, CampaignPage, CampaignView
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


def campaign_id_of(page):
    """The campaign a served page belongs to: the campaign itself or its direct child (article, news, contest), else
    None. Costs nothing for other page types and one key lookup for an article."""
    if isinstance(page, CampaignPage):
        return page.pk
    if not page.path or not isinstance(page, tuple(CampaignPage.allowed_subpage_models())):
        return None
    return CampaignPage.objects.filter(path=page.path[: -CampaignPage.steplen]).values_list("pk", flat=True).first()


def _upsert_sql():
    table = connection.ops.quote_name(CampaignView._meta.db_table)
    return (
        f"INSERT INTO {table} (campaign_id, user_id, first_viewed_at, last_viewed_at, days) "  # noqa: S608 - names only
        "VALUES (%s, %s, %s, %s, 1) "
        "ON CONFLICT (campaign_id, user_id) DO UPDATE SET last_viewed_at = excluded.last_viewed_at, "
        f"days = {table}.days + 1 WHERE {table}.last_viewed_at < %s"
    )


def campaign_view_record(*, campaign_id, user_id, now=None):
    """Record that the person opened the campaign (O59): one statement, an upsert that writes a new row on the first
    view, bumps `days` and `last_viewed_at` on the first view of a later day, and changes nothing on any other view
    (its WHERE leaves the row alone), so a busy campaign costs no extra row write per request. Runs on SQLite and
    PostgreSQL alike (INSERT … ON CONFLICT … DO UPDATE … WHERE)."""
    now = now or timezone.now()
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time.min))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [campaign_id, user_id, adapt(now), adapt(now), adapt(midnight)])

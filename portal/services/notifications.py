"""In-portal notifications, mirrored by e-mail. Messages are generic by construction: callers pass counts and
links, never an item's title, so nothing classified reaches a mailbox (O25 科学技术保密规定 第三十一条)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from portal.models import Notification


def notify_users(*, kind, messages, url=""):
    """messages: {user_id: text}. One notification each, plus an e-mail to those with an address."""
    if not messages:
        return 0
    Notification.objects.bulk_create(
        [Notification(user_id=user_id, kind=kind, message=text[:255], url=url) for user_id, text in messages.items()]
    )
    link = settings.PORTAL_BASE_URL.rstrip("/") + (url or "/")
    subject = _("[保密门户] You have a new notice")
    addresses = get_user_model().objects.filter(pk__in=messages.keys()).exclude(email="").values_list("pk", "email")
    send_mass_mail(
        [(subject, f"{messages[pk]}\n\n{link}", None, [email]) for pk, email in addresses],
        fail_silently=True,
    )
    return len(messages)

from django.db import models
from django.utils.translation import gettext_lazy as _


class Clearance(models.IntegerChoices):
    """密级. A user's clearance and an item's marking share this scale."""

    INTERNAL = 0, _("Internal")
    SECRET = 1, _("Secret")
    CONFIDENTIAL = 2, _("Confidential")
    TOP_SECRET = 3, _("Top secret")


# The marking printed on classified items, e.g. 机密★5年. Internal items carry no star.
CLEARANCE_MARK = {
    Clearance.INTERNAL: "内部",
    Clearance.SECRET: "秘密",
    Clearance.CONFIDENTIAL: "机密",
    Clearance.TOP_SECRET: "绝密",
}


class PostCategory(models.TextChoices):
    """涉密岗位 category."""

    CORE = "core", _("Core classified post")
    IMPORTANT = "important", _("Important classified post")
    GENERAL = "general", _("General classified post")
    NONE = "none", _("Non-classified post")

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    """O34/O42 and obligations §4 #14: the agreement types the seeds name."""

    NDA = "nda", _("Confidentiality agreement")
    PLEDGE = "pledge", _("Confidentiality pledge")
    NONCOMPETE = "noncompete", _("Non-compete agreement")


class DecisionKind(models.TextChoices):
    """A recorded 定密/变更/解密 decision."""

    CLASSIFY = "classify", _("Classified")
    CHANGE = "change", _("Classification changed")
    EXTEND = "extend", _("Secrecy term extended")
    DECLASSIFY = "declassify", _("Declassified")
    LAPSE = "lapse", _("Declassified at the end of its term")
    HOLD = "hold", _("Held at the end of its term, awaiting confirmation")


class ExpiryAction(models.TextChoices):
    """Obligations §4 #6: what happens when a 保密期限 ends with no decision."""

    AUTO = "auto", _("Declassify automatically (科学技术保密规定 第二十一条)")
    CONFIRM = "confirm", _("Hold until the classifier confirms")


class BorrowingKind(models.TextChoices):
    BORROW = "borrow", _("Borrow")
    PRINT = "print", _("Print")
    DOWNLOAD = "download", _("Download")


class DepartureItemKind(models.TextChoices):
    MATERIALS = "materials", _("Return classified materials")
    BORROWING = "borrowing", _("Return a borrowed document")
    DEVICES = "devices", _("Return devices and storage media")
    DECLEARANCE = "declearance", _("Declearance period set")
    NONCOMPETE = "noncompete", _("Non-compete terms decided")
    EXIT_NOTICE = "exit_notice", _("Exit confidentiality reminder acknowledged")

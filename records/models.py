"""保密档案 records: agreement templates and signatures, 竞业限制 terms, 定密 decisions and term reviews, the
借阅/打印/下载 register and 离职 handovers. Signed and registered rows are evidence: they are never edited or deleted
through the portal (O79)."""

import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import Clearance, PostCategory
from records.conf import setting
from records.enums import AgreementKind, BorrowingKind, DecisionKind, DepartureItemKind

USER = settings.AUTH_USER_MODEL


def sha256_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ImmutableRecordError(ValidationError):
    pass


# --- agreements ----------------------------------------------------------------------------------------------------


class AgreementTemplate(models.Model):
    """An agreement text that 保密办 publishes. Editing the text publishes a new version; signatures keep theirs."""

    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), help_text=_("Must state the secrets covered, the term and the duties (O38)."))
    applies_to_all_staff = models.BooleanField(_("all staff sign it"), default=False)
    post_categories = models.JSONField(
        _("classified post categories that sign it"),
        default=list,
        blank=True,
        help_text=_("Codes: core, important, general. Ignored when all staff sign it."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["kind", "title"]
        permissions = [("manage_records", "保密办: manage secrecy records and registers")]

    def __str__(self):
        return self.title

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()

    def clean(self):
        super().clean()
        unknown = set(self.post_categories or []) - {PostCategory.CORE, PostCategory.IMPORTANT, PostCategory.GENERAL}
        if unknown:
            raise ValidationError({"post_categories": _("Unknown post category.")})


class AgreementTemplateVersion(models.Model):
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    text_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("agreement template version")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="agreement_version_unique")]

    def __str__(self):
        return f"{self.template} v{self.number}"


class Agreement(models.Model):
    """A signing task for one person and template; once signed, an immutable record of what was signed and how."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("signer"))
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="agreements")
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("due"))
    version = models.ForeignKey(AgreementTemplateVersion, null=True, blank=True, on_delete=models.PROTECT)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    text_snapshot = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    otp_device_id = models.CharField(_("step-up device"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signature_sha256 = models.CharField(_("signature hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_at", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "template"], condition=models.Q(signed_at__isnull=True), name="agreement_one_open"
            )
        ]

    def __str__(self):
        return f"{self.template} · {self.user}"

    def save(self, *args, **kwargs):
        # O79: a signed record is evidence; no write path may change it.
        if self.pk and Agreement.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise ImmutableRecordError(_("A signed agreement cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed:
            raise ImmutableRecordError(_("A signed agreement cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self):
        return self.signed_at is not None

    def signature_payload(self):
        return "|".join(
            [
                str(self.user_id),
                str(self.template_id),
                str(self.version.number if self.version else ""),
                self.text_sha256,
                self.signed_at.isoformat() if self.signed_at else "",
                self.otp_device_id,
            ]
        )

    def signature_valid(self):
        return self.is_signed and sha256_text(self.signature_payload()) == self.signature_sha256


def _money(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class NonCompeteTerm(models.Model):
    """The terms of one person's 竞业限制, checked against 深圳条例 第二十三条 and 第二十四条."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="noncompete_terms")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.CharField(_("scope and region"), max_length=255)
    contract_end_on = models.DateField(_("contract ends"))
    agreed_until = models.DateField(
        _("restriction agreed until"), null=True, blank=True, help_text=_("Empty: no fixed term.")
    )
    monthly_compensation = models.DecimalField(
        _("agreed monthly compensation"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    average_monthly_wage = models.DecimalField(
        _("average monthly wage of the last 12 months"), max_digits=12, decimal_places=2
    )
    payment_method = models.CharField(_("payment method"), max_length=120)
    breach_liability = models.CharField(_("liability for breach"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("non-compete terms")
        verbose_name_plural = _("non-compete terms")

    def __str__(self):
        return f"{self.user} · {self.region}"

    @property
    def legal_end(self):
        return self.contract_end_on + relativedelta(months=setting("NONCOMPETE_MAX_MONTHS"))

    @property
    def term_too_long(self):
        return self.agreed_until is not None and self.agreed_until > self.legal_end

    @property
    def effective_until(self):
        """第二十三条: 「超过两年的,超过部分无效」."""
        if self.agreed_until is None:
            return None
        return min(self.agreed_until, self.legal_end)

    @property
    def minimum_compensation(self):
        return _money(Decimal(self.average_monthly_wage) * Decimal(setting("NONCOMPETE_MIN_RATIO")))

    @property
    def compensation_too_low(self):
        return self.monthly_compensation is None or _money(self.monthly_compensation) < self.minimum_compensation

    @property
    def effective_compensation(self):
        """第二十四条: less than half, or none, is computed at half."""
        if self.compensation_too_low:
            return self.minimum_compensation
        return _money(self.monthly_compensation)


# --- 定密台账 -------------------------------------------------------------------------------------------------------


class MarkingDecision(models.Model):
    """One 定密/变更/解密 decision on any marked item (found generically, by content type)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    item = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    clearance_before = models.PositiveSmallIntegerField(choices=Clearance.choices, null=True)
    clearance_after = models.PositiveSmallIntegerField(choices=Clearance.choices, null=True)
    until_before = models.DateField(null=True, blank=True)
    until_after = models.DateField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("classification decision")
        verbose_name_plural = _("classification decisions")
        ordering = ["-decided_at", "-pk"]
        permissions = [("decide_marking", "定密: change the marking of any item the holder may read")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="marking_decision_item")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.decided_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ImmutableRecordError(_("A recorded decision cannot be changed."))
        super().save(*args, **kwargs)


class TermReview(models.Model):
    """The 定密责任人's task when an item's 保密期限 approaches its end: extend, or let it lapse."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    item = GenericForeignKey("content_type", "object_id")
    secrecy_until = models.DateField()
    classifier = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)
    held_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, choices=DecisionKind.choices, blank=True)

    class Meta:
        verbose_name = _("secrecy term review")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "secrecy_until"], name="term_review_unique")
        ]

    def __str__(self):
        return f"{self.content_type.model}:{self.object_id} {self.secrecy_until}"


# --- 借阅/打印/下载 --------------------------------------------------------------------------------------------------


class Borrowing(models.Model):
    """O33: who took which classified document, when, why, and when it is due back."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="borrowings", verbose_name=_("borrower"))
    document = models.ForeignKey(
        "portal.SecureDocument", on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BorrowingKind.choices, default=BorrowingKind.BORROW)
    purpose = models.CharField(_("purpose"), max_length=255)
    clearance = models.PositiveSmallIntegerField(choices=Clearance.choices)
    borrowed_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    due_on = models.DateField(_("due back"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_confirmed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("borrowing")
        verbose_name_plural = _("borrowings")
        ordering = ["-borrowed_at"]
        indexes = [models.Index(fields=["returned_at", "due_on"], name="borrowing_open_due")]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_open(self):
        return self.kind == BorrowingKind.BORROW and self.returned_at is None

    def is_overdue(self, day):
        return self.is_open and self.due_on is not None and self.due_on < day


# --- 离职 ---------------------------------------------------------------------------------------------------------


class Departure(models.Model):
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="departures", verbose_name=_("leaver"))
    leave_on = models.DateField(_("leave date"))
    started_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("access revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("departure")
        verbose_name_plural = _("departures")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(closed_at__isnull=True), name="departure_one_open"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.leave_on}"

    @property
    def declearance_until(self):
        category = getattr(getattr(self.user, "security_profile", None), "post_category", "none")
        months = setting("DECLEARANCE_MONTHS").get(category, 0)
        return self.leave_on + relativedelta(months=months) if months else self.leave_on


class DepartureItem(models.Model):
    departure = models.ForeignKey(Departure, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=DepartureItemKind.choices)
    borrowing = models.ForeignKey(Borrowing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.get_kind_display()


def today_plus(days):
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)

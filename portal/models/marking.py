"""The security marking every protected item carries: 密级, 保密期限, 定密依据, 定密责任人, 知悉范围.

`effective_clearance` and `effective_scope` are denormalised so that every access filter is a plain column test.
The scope is stored as a key of group ids, ",3,7," ("" = everyone with the clearance, "," = nobody), so the same
filter works on pages, documents, images and search rows, and maps to a keyword array in Elasticsearch.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from portal.enums import CLEARANCE_MARK, Clearance

UNRESTRICTED = ""


def scope_key(group_ids):
    """Key for a scope: None = unrestricted, a (possibly empty) set of group ids = restricted to those."""
    if group_ids is None:
        return UNRESTRICTED
    return "," + "".join(f"{gid}," for gid in sorted(group_ids))


def scope_ids(key):
    """Inverse of scope_key."""
    if not key:
        return None
    return {int(part) for part in key.strip(",").split(",") if part}


def narrow_scope(outer, inner):
    """A child can narrow its parent's scope, never widen it: the intersection of the restricted ones."""
    if outer is None:
        return inner
    if inner is None:
        return outer
    return outer & inner


# The marking as editors set it, and as search filters it: shared by documents, images and pages.
MARKING_FORM_FIELDS = ("clearance", "secrecy_term", "secrecy_until", "classification_basis", "classifier", "scope")
MARKING_FILTER_FIELDS = [index.FilterField("effective_clearance"), index.FilterField("effective_scope")]


class MarkingMixin(models.Model):
    clearance = models.PositiveSmallIntegerField(
        _("classification"), choices=Clearance.choices, default=Clearance.INTERNAL, db_index=True
    )
    secrecy_term = models.CharField(
        _("secrecy term"),
        max_length=32,
        blank=True,
        help_text=_("E.g. 5年, 长期, 至公开为止. Required for 秘密 and above."),
    )
    secrecy_until = models.DateField(_("secret until"), null=True, blank=True)
    classification_basis = models.CharField(_("classification basis"), max_length=255, blank=True)
    classifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("classification officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    effective_clearance = models.PositiveSmallIntegerField(
        choices=Clearance.choices, default=Clearance.INTERNAL, editable=False, db_index=True
    )
    effective_scope = models.CharField(max_length=1024, blank=True, default=UNRESTRICTED, editable=False)

    class Meta:
        abstract = True

    @property
    def marking(self):
        """The printed marking, e.g. 机密★5年; 内部 items carry no star."""
        level = Clearance(self.effective_clearance)
        if level == Clearance.INTERNAL:
            return CLEARANCE_MARK[level]
        term = self.secrecy_term or (self.secrecy_until and f"{self.secrecy_until:%Y-%m-%d}") or ""
        return f"{CLEARANCE_MARK[level]}★{term}"

    @property
    def is_classified(self):
        return self.effective_clearance >= Clearance.SECRET

    def clean_marking(self):
        errors = {}
        if self.clearance >= Clearance.SECRET:
            if not (self.secrecy_term or self.secrecy_until):
                errors["secrecy_term"] = _("A secrecy term is required for 秘密 and above.")
            if not self.classification_basis:
                errors["classification_basis"] = _("A classification basis is required for 秘密 and above.")
        if errors:
            raise ValidationError(errors)

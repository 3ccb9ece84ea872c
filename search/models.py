"""The embedded search index and the 保密 thesaurus.

A `SearchUnit` is what a hit is: one 条 of a regulation (or one numbered item of a regulation without 条), one page,
or one document. It carries its own copy of the item's effective marking so that the access filter is part of the
search query (the same `access_q` as pages). `SearchPosting` is the inverted index: one row per term and unit with
the field-weighted term frequency that BM25 needs. Both backends are fed from the same units.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import Clearance
from portal.models.marking import UNRESTRICTED


class UnitKind(models.TextChoices):
    ARTICLE = "article", _("Regulation article")
    PAGE = "page", _("Page")
    DOCUMENT = "document", _("Document")


class SearchUnit(models.Model):
    key = models.CharField(max_length=191, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=UnitKind.choices, db_index=True)
    page = models.ForeignKey(
        "portal.PortalPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    document = models.ForeignKey(
        "portal.SecureDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    regulation_id = models.IntegerField(_("regulation"), null=True, blank=True, db_index=True)
    regulation_title = models.CharField(_("regulation"), max_length=255, blank=True)
    label = models.CharField(_("article"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255)
    heading = models.CharField(_("heading"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=1024)
    date = models.DateTimeField(_("date"), null=True, blank=True, db_index=True)
    department = models.CharField(_("department"), max_length=100, blank=True, db_index=True)
    marking = models.CharField(_("marking"), max_length=64, blank=True)
    effective_clearance = models.PositiveSmallIntegerField(default=Clearance.INTERNAL)
    effective_scope = models.CharField(max_length=1024, blank=True, default=UNRESTRICTED)
    length = models.FloatField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search unit")
        indexes = [
            models.Index(fields=["page"], name="search_unit_page"),
            models.Index(fields=["document"], name="search_unit_document"),
            models.Index(fields=["effective_clearance", "effective_scope"], name="search_unit_access"),
        ]

    def __str__(self):
        return self.key


class SearchPosting(models.Model):
    """One term of one unit. It repeats the unit's access columns and length so that a search reads only the
    postings of its terms: the access filter (the same `access_q`) and BM25 need no lookup of the unit. On SQLite
    the table is stored WITHOUT ROWID, clustered on (term, unit); on PostgreSQL a covering index serves the same
    scan (migration 0003). The columns are written with the unit and re-written with it when its marking changes."""

    pk = models.CompositePrimaryKey("term", "unit")
    term = models.CharField(max_length=64)
    unit = models.ForeignKey(SearchUnit, on_delete=models.CASCADE, related_name="postings", db_index=False)
    tf = models.FloatField()
    length = models.FloatField(default=0)
    effective_clearance = models.PositiveSmallIntegerField(default=Clearance.INTERNAL)
    effective_scope = models.CharField(max_length=1024, blank=True, default=UNRESTRICTED)

    class Meta:
        indexes = [models.Index(fields=["unit"], name="search_posting_unit")]

    def __str__(self):
        return f"{self.term}@{self.unit_id}"


class ThesaurusEntry(models.Model):
    """A 保密 term and the words the regulations use for it (跳槽 → 离职, 辞职, 调离).

    Read at query time, so an edit applies to the next search without re-indexing.
    """

    term = models.CharField(_("term"), max_length=64, unique=True, help_text=_("What staff type, e.g. 跳槽."))
    synonyms = models.CharField(
        _("synonyms"),
        max_length=500,
        help_text=_("Words the regulations use instead, separated by commas or spaces, e.g. 离职, 辞职, 调离."),
    )
    two_way = models.BooleanField(
        _("two-way"), default=False, help_text=_("Also expand each synonym to the term and the other synonyms.")
    )
    weight = models.FloatField(
        _("weight"), default=0.7, help_text=_("How much a synonym counts relative to the term itself (0.1–1).")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thesaurus entry")
        verbose_name_plural = _("secrecy thesaurus")
        ordering = ["term"]

    def __str__(self):
        return self.term

    def synonym_list(self):
        import re

        return [word for word in re.split(r"[,，、;；\s]+", self.synonyms) if word and word != self.term]

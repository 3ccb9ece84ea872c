"""Writes to the search index. Units are built from live pages, regulation 条 and documents; every backend that is
configured receives the same units (the embedded index always, as it is also the fallback)."""

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import uri_to_iri
from wagtail.search import index

from portal.models import PortalPage, SecureDocument
from search.analysis import index_terms
from search.backends.embedded import index_changed
from search.extract import document_text
from search.models import SearchPosting, SearchUnit, UnitKind

logger = logging.getLogger(__name__)

# Field weights for BM25's term frequency: a word in a title or 条 heading counts more than one in the body.
# An article's regulation title is indexed lightly, so "深圳条例 竞业限制" narrows without every 条 ranking alike.
WEIGHT_TITLE = 3.0
WEIGHT_HEADING = 1.5
WEIGHT_BODY = 1.0
WEIGHT_ARTICLE_REGULATION = 0.3
# A chapter heading (第二章 …的定义、确立和管理机制) is shared by every 条 of the chapter: context, not the 条's topic.
WEIGHT_CHAPTER = 0.8

# A regulation that is numbered 一、/1、 instead of 条 can put a whole chapter into one "article". Such an article,
# when long, is indexed item by item (each at least PART_MIN_CHARS, so a bare "B。" joins the text after it), as
# a reader would cite it; a real 第X条 always stays one unit.
ARTICLE_LABEL = re.compile(r"^第.+条$")
SPLIT_MIN_CHARS = 240
PART_MIN_CHARS = 40
# Sources read, analysed and written per batch when many change at once (rebuild, subtree, bulk import).
INDEX_BATCH = 200


@dataclass
class UnitData:
    key: str
    kind: str
    title: str
    text: str
    url: str
    effective_clearance: int
    effective_scope: str
    marking: str = ""
    page_id: int | None = None
    document_id: int | None = None
    regulation_id: int | None = None
    regulation_title: str = ""
    label: str = ""
    heading: str = ""
    date: datetime | None = None
    department: str = ""
    position: int = 0
    weighted_fields: list = field(default_factory=list)  # [(text, weight)]

    def term_weights(self):
        terms = Counter()
        for text, weight in self.weighted_fields:
            for term, count in index_terms(text).items():
                terms[term] += count * weight
        return terms


def _as_datetime(value):
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _searchable_text(page):
    """The text of the page's own search fields (rich text stripped, StreamField blocks flattened)."""
    parts = []
    for search_field in page.get_search_fields():
        if not isinstance(search_field, index.SearchField) or search_field.field_name == "title":
            continue
        try:
            model_field = page._meta.get_field(search_field.field_name)
        except FieldDoesNotExist:
            model_field = None
        value = getattr(page, search_field.field_name, None) if model_field else search_field.get_value(page)
        if callable(value):
            value = value()
        if not value:
            continue
        if model_field is not None and hasattr(model_field, "get_searchable_content"):
            parts.extend(str(part) for part in model_field.get_searchable_content(value))
        else:
            parts.append(str(value))
    return "\n".join(part for part in parts if part)


def _regulation_parts(article):
    label, clauses = article["label"], article["clauses"]
    if ARTICLE_LABEL.match(label) or len(clauses) < 2 or len("".join(clauses)) < SPLIT_MIN_CHARS:
        return [(label, clauses, "")]
    parts, buffer = [], []
    for clause in clauses:
        buffer.append(clause)
        if len("".join(buffer)) >= PART_MIN_CHARS:
            parts.append(buffer)
            buffer = []
    if buffer:
        if parts:
            parts[-1].extend(buffer)
        else:
            parts.append(buffer)
    return [(f"{label}（{n}）", part, f"#item-{n}") for n, part in enumerate(parts, start=1)]


def regulation_units(page):
    from policies.services.versions import body_chapters

    base = {
        "kind": UnitKind.ARTICLE,
        "effective_clearance": page.effective_clearance,
        "effective_scope": page.effective_scope,
        "marking": page.marking,
        "page_id": page.pk,
        "regulation_id": page.pk,
        "regulation_title": page.title,
        "date": _as_datetime(page.effective_on or page.published_on or page.last_published_at),
        "department": page.issuer,
    }
    units = []
    preamble = page.preamble.strip()
    if preamble:
        units.append(
            UnitData(
                key=f"article:{page.pk}:_preamble",
                title=page.title,
                label="",
                text=preamble,
                url=uri_to_iri(page.url),
                position=0,
                weighted_fields=[(page.title, WEIGHT_TITLE), (preamble, WEIGHT_BODY)],
                **base,
            )
        )
    position = 0
    for chapter in body_chapters(page.body):
        chapter_heading = f"{chapter['label']} {chapter['title']}".strip()
        for article in chapter["articles"]:
            for label, clauses, anchor in _regulation_parts(article):
                position += 1
                text = "\n".join(clauses)
                units.append(
                    UnitData(
                        key=f"article:{page.pk}:{article['key']}{anchor}",
                        title=f"{page.title} {label}",
                        label=label,
                        heading=chapter_heading,
                        text=text,
                        url=uri_to_iri(page.article_url(article)) + anchor,
                        position=position,
                        weighted_fields=[
                            (page.title, WEIGHT_ARTICLE_REGULATION),
                            (chapter_heading, WEIGHT_CHAPTER),
                            (label, WEIGHT_HEADING),
                            (text, WEIGHT_BODY),
                        ],
                        **base,
                    )
                )
    return units


def page_units(page, *, department=""):
    """The units of one live page (a regulation gives one per 条), or [] if it is not searchable. `department` is
    the owner's, shown as the hit's department facet."""
    from policies.models import RegulationPage

    if not page.live or page.depth <= 1 or page.alias_of_id or not page.url:
        return []  # not published, an alias of indexed content, or outside every site: nothing to link to
    if isinstance(page, RegulationPage):
        return regulation_units(page)
    text = _searchable_text(page)
    return [
        UnitData(
            key=f"page:{page.pk}",
            kind=UnitKind.PAGE,
            title=page.title,
            text=text,
            url=uri_to_iri(page.url),
            effective_clearance=page.effective_clearance,
            effective_scope=page.effective_scope,
            marking=page.marking,
            page_id=page.pk,
            date=page.last_published_at or page.first_published_at,
            department=department,
            weighted_fields=[(page.title, WEIGHT_TITLE), (text, WEIGHT_BODY)],
        )
    ]


def document_units(document, *, department=""):
    from django.urls import reverse

    text = document_text(document)
    return [
        UnitData(
            key=f"document:{document.pk}",
            kind=UnitKind.DOCUMENT,
            title=document.title,
            text=text,
            url=reverse("portal:document_serve", args=[document.pk]),
            effective_clearance=document.effective_clearance,
            effective_scope=document.effective_scope,
            marking=document.marking,
            document_id=document.pk,
            date=document.created_at,
            department=department,
            weighted_fields=[(document.title, WEIGHT_TITLE), (text, WEIGHT_BODY)],
        )
    ]


# -- writing ------------------------------------------------------------------------------------------------


UNIT_FIELDS = (
    "key",
    "kind",
    "title",
    "text",
    "url",
    "effective_clearance",
    "effective_scope",
    "marking",
    "page_id",
    "document_id",
    "regulation_id",
    "regulation_title",
    "label",
    "heading",
    "date",
    "department",
    "position",
)


# A posting row: the term's weight in the unit, and the unit's length and access columns (see SearchPosting).
POSTING_COLUMNS = ("term", "unit_id", "tf", "length", "effective_clearance", "effective_scope")


def postings_insert(rows):
    """Insert posting rows (tuples in POSTING_COLUMNS order) inside the caller's transaction: COPY on PostgreSQL,
    one executemany elsewhere. A long document has thousands of postings; building a model instance for each and
    going through bulk_create cost more than analysing the text."""
    table = connection.ops.quote_name(SearchPosting._meta.db_table)
    columns = ", ".join(POSTING_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(POSTING_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))  # noqa: S608


def _embedded_replace(source_field, source_ids, units):
    """Replace every unit of the given sources (pages or documents, `source_field` = "page_id" / "document_id") in the
    embedded index, in one transaction: one delete and one bulk insert for the whole batch."""
    stale = SearchUnit.objects.filter(**{f"{source_field}__in": source_ids})
    with transaction.atomic():
        SearchPosting.objects.filter(unit_id__in=stale.values("pk")).delete()
        stale._raw_delete(stale.db)  # its postings are gone; nothing else points at a unit
        if units:
            rows, weights = [], []
            for data in units:
                terms = data.term_weights()
                weights.append(terms)
                rows.append(
                    SearchUnit(length=sum(terms.values()), **{name: getattr(data, name) for name in UNIT_FIELDS})
                )
            created = SearchUnit.objects.bulk_create(rows, batch_size=500)
            postings_insert(
                (term, unit.pk, tf, unit.length, unit.effective_clearance, unit.effective_scope)
                for unit, terms in zip(created, weights, strict=True)
                for term, tf in terms.items()
            )
    index_changed()


def _external_backends():
    from search.backends import external_backend

    backend = external_backend()
    return [backend] if backend else []


def _external_replace(source_key, units):
    """Mirror one source to Elasticsearch. When it is down the embedded index (written first) keeps answering;
    `search_rebuild` brings Elasticsearch back in step."""
    from search.backends import SearchUnavailable

    for backend in _external_backends():
        try:
            backend.replace_source(source_key, units)
        except SearchUnavailable:
            logger.warning("search: %s not updated in %s; run search_rebuild once it is back", source_key, backend.name)


def _batches(ids, size=INDEX_BATCH):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _owner_departments(user_ids):
    """{user id: department name} for a batch of owners, in one query."""
    from portal.models import SecurityProfile

    return dict(
        SecurityProfile.objects.filter(user_id__in=user_ids, department__isnull=False).values_list(
            "user_id", "department__name"
        )
    )


def pages_index(page_ids):
    """(Re)index a batch of pages from their live state; pages that are gone or not live are removed. One read of
    the pages (specific types in one query per type), one delete and one bulk insert for the batch."""
    page_ids = list(page_ids)
    pages = list(PortalPage.objects.filter(pk__in=page_ids).specific(defer=False))
    departments = _owner_departments({page.owner_id for page in pages if page.owner_id})
    units_by_page = {}
    for page in pages:
        units_by_page[page.pk] = page_units(page, department=departments.get(page.owner_id, ""))
    units = [unit for page_id in page_ids for unit in units_by_page.get(page_id, [])]
    _embedded_replace("page_id", page_ids, units)
    for page_id in page_ids:
        _external_replace(f"page:{page_id}", units_by_page.get(page_id, []))
    return len(units)


def page_index(page_id):
    """(Re)index one page from its live state; a page that is gone or not live is removed."""
    return pages_index([page_id])


def documents_index(document_ids):
    document_ids = list(document_ids)
    documents = list(SecureDocument.objects.filter(pk__in=document_ids))
    departments = _owner_departments({d.uploaded_by_user_id for d in documents if d.uploaded_by_user_id})
    units_by_document = {
        document.pk: document_units(document, department=departments.get(document.uploaded_by_user_id, ""))
        for document in documents
    }
    units = [unit for document_id in document_ids for unit in units_by_document.get(document_id, [])]
    _embedded_replace("document_id", document_ids, units)
    for document_id in document_ids:
        _external_replace(f"document:{document_id}", units_by_document.get(document_id, []))
    return len(units)


def document_index(document_id):
    return documents_index([document_id])


def subtree_index(root_path):
    """Re-index every page of a subtree (its marking or its URLs changed), batch by batch."""
    ids = list(PortalPage.objects.filter(path__startswith=root_path).values_list("pk", flat=True))
    for batch in _batches(ids):
        pages_index(batch)
    return len(ids)


def index_rebuild(*, progress=None):
    """Rebuild the whole index from the database. `progress(done, total)` is called as it goes."""
    page_ids = list(PortalPage.objects.live().filter(depth__gt=1).values_list("pk", flat=True))
    document_ids = list(SecureDocument.objects.values_list("pk", flat=True))
    total = len(page_ids) + len(document_ids)
    for backend in _external_backends():
        backend.reset()
    with transaction.atomic():
        SearchPosting.objects.all().delete()
        SearchUnit.objects.all().delete()
    index_changed()
    done = 0
    for index_batch, ids in ((pages_index, page_ids), (documents_index, document_ids)):
        for batch in _batches(ids):
            index_batch(batch)
            done += len(batch)
            if progress:
                progress(done, total)
    return total

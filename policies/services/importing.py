"""Import a parsed plain-text regulation as a RegulationPage, publishing it as a new version (or updating in place)."""

import datetime
import re

from django.db import transaction
from django.utils.text import slugify

from policies.models import RegulationPage
from policies.services.versions import body_chapters, text_digest

METADATA_FIELDS = {"发布部门": "issuer", "发布文号": "doc_number", "效力级别": "legal_level"}
DATE_FIELDS = {"发布日期": "published_on", "实施日期": "effective_on"}
CHINESE_ORDINALS = "一二三四五六七八九十"
_ORIGINAL_EFFECTIVE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")


def _date(value):
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def body_from_parsed(parsed):
    """StreamField data for a parsed regulation: a chapter block per 章 (when labelled), an article block per 条."""
    stream = []
    for chapter in parsed.chapters:
        if chapter.label:
            stream.append(("chapter", {"label": chapter.label, "title": chapter.title}))
        stream.extend(
            ("article", {"label": article.label, "clauses": list(article.clauses), "elements": []})
            for article in chapter.articles
        )
    return stream


def _original_effective_on(parsed):
    # e.g. 深圳条例 第四十一条 「本条例自1996年1月1日起施行」 while the header gives the 2019 amendment date.
    for article in reversed(parsed.articles()):
        match = _ORIGINAL_EFFECTIVE.search("".join(article.clauses))
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    return None


def _unique_slug(parent, title):
    base = slugify(title, allow_unicode=True)[:60] or "regulation"
    slug, n = base, 1
    siblings = set(parent.get_children().values_list("slug", flat=True))
    while slug in siblings:
        n += 1
        slug = f"{base}-{n}"
    return slug


def titles_disambiguated(regulations):
    """A file may hold two texts with the same title (seed 002 has two 技术秘密管理办法); each gets its own page,
    so the later ones are numbered: 技术秘密管理办法（二）. Returns the renamed (old, new) pairs."""
    seen, renamed = {}, []
    for parsed in regulations:
        seen[parsed.title] = seen.get(parsed.title, 0) + 1
        if seen[parsed.title] > 1:
            new_title = f"{parsed.title}（{CHINESE_ORDINALS[seen[parsed.title] - 1]}）"
            renamed.append((parsed.title, new_title))
            parsed.title = new_title
    return renamed


def _fingerprint(page):
    fields = (
        "issuer",
        "doc_number",
        "legal_level",
        "published_on",
        "effective_on",
        "original_effective_on",
        "preamble",
        "repealed_on",
        "ack_required",
        "audience_all_staff",
        "audience_post_categories",
        "audience_new_hire_days",
    )
    return (
        text_digest(page.title, body_chapters(page.body)),
        tuple(getattr(page, f) for f in fields),
        tuple(sorted(d.pk for d in page.audience_departments.all())),
    )


@transaction.atomic
def regulation_import(*, parent, parsed, actor=None, **options):
    """Create or update (matched by title under `parent`) and publish. Returns (page, created).

    `options` set page fields the text does not carry, e.g. ack_required, audience_all_staff,
    audience_post_categories, change_note.
    """
    page = RegulationPage.objects.child_of(parent).filter(title=parsed.title).first()
    created = page is None
    if created:
        page = RegulationPage(title=parsed.title, slug=_unique_slug(parent, parsed.title), live=False)
    before = None if created else _fingerprint(page)
    for key, field in METADATA_FIELDS.items():
        if parsed.metadata.get(key):
            setattr(page, field, parsed.metadata[key].strip())
    for key, field in DATE_FIELDS.items():
        if _date(parsed.metadata.get(key)):
            setattr(page, field, _date(parsed.metadata[key]))
    original = _original_effective_on(parsed)
    if original and original != page.effective_on:
        page.original_effective_on = original
    if "废止" in parsed.metadata.get("时效状态", "") and not page.repealed_on:
        page.repealed_on = page.effective_on or page.published_on
    page.preamble = parsed.preamble
    page.body = body_from_parsed(parsed)
    for field, value in options.items():
        setattr(page, field, value)
    if before is not None and before == _fingerprint(page) and page.live:
        return page, False  # nothing changed: no revision, no version
    if created:
        parent.add_child(instance=page)
    revision = page.save_revision(user=actor, log_action=True)
    revision.publish(user=actor, skip_permission_checks=True)
    return page, created

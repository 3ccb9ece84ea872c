"""Versions of a regulation: its 章/条 structure as data, the text hash, and what a publish records."""

import hashlib
import re

from django.db import transaction
from wagtail.log_actions import log

from policies.models import Acknowledgement, PolicyVersion, RegulationStatus

_TRAILING_MARKS = re.compile(r"[、.．:：\s]+$")


def article_key(label):
    """The article's address inside its regulation: 第十一条 stays 第十一条, 一、 becomes 一."""
    return _TRAILING_MARKS.sub("", label.strip()) or "-"


def body_chapters(body):
    """The body StreamField as [{label, title, articles: [{label, key, clauses, elements}]}].

    Articles before the first chapter heading sit in a chapter with an empty label. Keys are unique: a repeated label
    (an item list that restarts its numbering) gets a suffix, so every article keeps one stable address.
    """
    chapters = []
    used = set()
    for block in body:
        if block.block_type == "chapter":
            chapters.append({"label": block.value["label"], "title": block.value["title"], "articles": []})
            continue
        if block.block_type != "article":
            continue
        if not chapters:
            chapters.append({"label": "", "title": "", "articles": []})
        label = block.value["label"]
        base = article_key(label)
        key, n = base, 1
        while key in used:  # a repeated label, or one an editor typed as 第三条-2
            n += 1
            key = f"{base}-{n}"
        used.add(key)
        chapters[-1]["articles"].append(
            {
                "label": label,
                "key": key,
                "clauses": [str(clause) for clause in block.value["clauses"]],
                "elements": list(block.value.get("elements") or []),
            }
        )
    return chapters


def canonical_text(title, chapters):
    """The text a reader confirms: title, headings and clauses (editorial tags excluded)."""
    lines = [title]
    for chapter in chapters:
        if chapter["label"]:
            lines.append(f"{chapter['label']} {chapter['title']}".strip())
        for article in chapter["articles"]:
            lines.append(article["label"])
            lines.extend(article["clauses"])
    return "\n".join(lines)


def text_digest(title, chapters):
    return hashlib.sha256(canonical_text(title, chapters).encode("utf-8")).hexdigest()


def _snapshot(chapters):
    return {
        "chapters": [
            {**chapter, "articles": [{k: a[k] for k in ("label", "key", "clauses")} for a in chapter["articles"]]}
            for chapter in chapters
        ]
    }


def version_current(regulation):
    return regulation.versions.order_by("-number").first()


def version_basis(regulation):
    """The latest version that required acknowledgement: the one people sign for."""
    return regulation.versions.filter(requires_ack=True).order_by("-number").first()


@transaction.atomic
def version_record(*, page, revision=None, user=None):
    """Called on every publish of a regulation. Records a new version when the text changed.

    A changed text needs a new acknowledgement unless the editor marked the publish as a correction (audited). The
    fan-out to the audience runs as a task after the commit, never in the publishing request.
    """
    from policies.tasks import ack_fanout_task

    chapters = body_chapters(page.body)
    digest = text_digest(page.title, chapters)
    last = version_current(page)
    version = None
    if last is None or last.text_sha256 != digest:
        # A waiver counts only from someone allowed to publish: an editor's draft cannot spare a changed text.
        author = getattr(revision, "user", None) or user
        waived = (
            last is not None and page.ack_waived and (author is None or page.permissions_for_user(author).can_publish())
        )
        version = PolicyVersion.objects.create(
            regulation=page,
            number=(last.number + 1) if last else 1,
            revision=revision,
            title=page.title,
            content=_snapshot(chapters),
            text_sha256=digest,
            published_by=None,  # filled from Wagtail's publish log entry, which names the publisher
            requires_ack=page.ack_required and not waived,
            change_note=page.change_note,
        )
        log(
            instance=page,
            action="policies.version_published",
            user=user,
            data={"version": version.number, "requires_ack": version.requires_ack, "sha256": digest},
        )
        if waived:
            log(
                instance=page,
                action="policies.ack_waived",
                user=user,
                data={"version": version.number, "change_note": page.change_note},
            )
    if not page.ack_required or page.status == RegulationStatus.REPEALED:
        acks_close_for(page)
        return version
    basis = version_basis(page)
    if basis is not None:
        # Also on a republish without text change: the audience may have grown.
        transaction.on_commit(lambda: ack_fanout_task.delay(basis.pk))
    return version


def version_publisher_record(*, revision_id, user_id):
    """The publish log entry names who published (the approver, in a workflow); the revision names its author."""
    PolicyVersion.objects.filter(revision_id=revision_id, published_by__isnull=True).update(published_by_id=user_id)


def acks_close_for(regulation):
    """A repealed regulation, or one that no longer asks for acknowledgement, leaves nothing open."""
    from django.utils import timezone

    return Acknowledgement.objects.open().filter(version__regulation=regulation).update(superseded_at=timezone.now())

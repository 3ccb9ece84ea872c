"""Plone import at scale: a synthetic 10,000-item export, imported, re-imported, and compared with plain Wagtail.

Run from the repository root:

    .venv/bin/python bench/plone_import.py [--items N] [--keep]

The export is generated from the shapes of the sample in plone_import/sample: its Documents, News Items, Events,
Links, Files and Images (with their base-64 blobs) are copied under new UIDs into a tree of folders 3 levels deep,
with the sample's review states, local roles (group grants, a blocked folder, private items), ordering, relations,
default pages and redirects, and its 4 users and 6 groups.

Timed, each on a throwaway SQLite file (portal.settings.test, eager tasks):

  import     import_plone of the whole export into an empty portal (new pages written in batches, each batch one
             savepoint), printed in three parts: the import's own work (tree, pages, revisions, media, records,
             redirects, reference index), the one pass of Wagtail's admin search index, and the one pass of the
             portal search index at the end (deployed, the Celery worker does the latter)
  re-import  the same export again: every item unchanged
  baseline   the first --baseline-items items created with plain Wagtail (add_child + save_revision().publish(),
             one transaction each, same titles, bodies, tags), and the same files and images saved as Wagtail
             documents and images; compared per item, since at 10,000 items it alone would take over an hour

Per-item times (p50) come from the import's progress callback and from the baseline's own loop. The ratio is the
import's time per item over the baseline's: what access mapping, rich-text conversion, users, redirects and the
import record cost over creating the same objects. Goals: import <= 120 s and re-import <= 30 s for 10,000 items.
"""

import argparse
import base64
import contextlib
import copy
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = REPO_ROOT / "plone_import" / "sample"
IMPORT_GOAL, REIMPORT_GOAL = 120.0, 30.0
ROOT_URL = "https://intranet.yjy.example.org"


def parse_args():
    parser = argparse.ArgumentParser(description="Plone import of a synthetic export vs plain Wagtail page creation.")
    parser.add_argument("--items", type=int, default=10_000, help="items in the synthetic export (default 10,000)")
    parser.add_argument(
        "--baseline-items", type=int, default=1_000, help="items created with plain Wagtail (default 1,000; 0: none)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def setup_django(tmp_dir, name):
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp_dir / name}"
    for var in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "ELASTICSEARCH_URL", "CLASSIFIED_NETWORKS"):
        os.environ.pop(var, None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_dir / "media"
    call_command("migrate", verbosity=0, interactive=False)


def fresh_home():
    from django.conf import settings
    from wagtail.models import Locale, Site

    from home.models import HomePage
    from portal.models import PortalPage

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = PortalPage.get_first_root_node()
    n = PortalPage.objects.child_of(root).count()
    home = root.add_child(instance=HomePage(title="保密门户", slug=f"bench-home-{n}"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


# -- the synthetic export ---------------------------------------------------------------------------------------


def load_sample():
    return {
        name: json.loads((SAMPLE / name).read_text(encoding="utf-8"))
        for name in ("content.json", "members.json", "localroles.json")
    }


def generate(target, n_items, seed=1):
    """Write an export of about n_items items shaped like the sample's."""
    rng = random.Random(seed)
    sample = load_sample()
    items = sample["content.json"]
    root = next(i for i in items if i["@type"] == "Plone Site")
    folder_shape = next(i for i in items if i["@type"] == "Folder")
    shapes = {
        t: [i for i in items if i["@type"] == t] for t in ("Document", "News Item", "Event", "Link", "File", "Image")
    }
    # Documents dominate real intranets; files and images follow.
    weights = {"Document": 55, "News Item": 10, "Event": 5, "Link": 5, "File": 15, "Image": 10}
    states = {
        "Document": ["internally_published"] * 5 + ["external", "internal", "pending", "private"],
        "File": ["internally_published"] * 4 + ["internal", "private"],
        "News Item": ["published"] * 5 + ["pending", "private"],
        "Event": ["published"] * 5 + ["private"],
        "Link": ["published"],
    }
    groups = ["yanfa", "xuanchuan", "baomiban"]
    users = ["zhangwei", "lina", "wangfang", "chenjie"]

    content, localroles, ordering, relations, defaultpages, redirects = [root], [], [], [], [], {}

    def new_uid():
        return uuid.UUID(int=rng.getrandbits(128)).hex

    def add(shape, parent, slug, state, order):
        item = copy.deepcopy(shape)
        item["UID"] = new_uid()
        item["@id"] = f"{parent['@id']}/{slug}"
        item["id"] = slug
        item["parent"] = {"@id": parent["@id"], "UID": parent["UID"], "@type": parent["@type"]}
        item["title"] = f"{shape['title']} {len(content)}"
        item["review_state"] = state
        item["relatedItems"] = None
        if item["@type"] == "Link":
            item["remoteUrl"] = "https://www.gjbmj.gov.cn/"
        content.append(item)
        roles = {rng.choice(users): ["Owner"]}
        if rng.random() < 0.1:
            roles[rng.choice(groups)] = [rng.choice(["Reader", "Editor", "Contributor"])]
        entry = {"uuid": item["UID"], "localroles": roles}
        if item["@type"] == "Folder" and rng.random() < 0.1:
            entry["block"] = 1
        localroles.append(entry)
        ordering.append({"uuid": item["UID"], "order": order})
        return item

    n_folders = max(3, n_items // 50)
    folders = []
    for f in range(n_folders):
        parent = root if f < 10 else rng.choice(folders[: max(10, len(folders))])
        folders.append(add(folder_shape, parent, f"lanmu-{f}", "published", f))
    remaining = n_items - n_folders
    kinds = rng.choices(list(weights), weights=list(weights.values()), k=remaining)
    per_folder = {}
    docs = []
    for k, kind in enumerate(kinds):
        parent = rng.choice(folders)
        order = per_folder.get(parent["UID"], 100)
        per_folder[parent["UID"]] = order + 1
        state = rng.choice(states[kind]) if kind in states else None
        item = add(rng.choice(shapes[kind]), parent, f"item-{k}", state, order)
        if kind == "Document":
            docs.append(item)
    for folder in folders[:200]:
        child = next((d for d in docs if d["parent"]["UID"] == folder["UID"]), None)
        if child:
            defaultpages.append({"uuid": folder["UID"], "default_page": child["id"], "default_page_uuid": child["UID"]})
    for _ in range(min(500, len(docs) // 2)):
        a, b = rng.sample(docs, 2)
        relations.append({"from_uuid": a["UID"], "relationship": "relatedItems", "to_uuid": b["UID"]})
    for doc in docs[:300]:
        path = doc["@id"][len(ROOT_URL) :]
        redirects[f"/intranet{path}-old"] = f"/intranet{path}"

    target.mkdir(parents=True)
    files = {
        "content.json": content,
        "members.json": sample["members.json"],
        "localroles.json": localroles,
        "ordering.json": ordering,
        "relations.json": relations,
        "defaultpages.json": defaultpages,
        "redirects.json": redirects,
    }
    for name, value in files.items():
        (target / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return content


# -- timing -----------------------------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.last = None
        self.samples = []

    def __call__(self, done, total):
        now = time.perf_counter()
        if self.last is not None:
            self.samples.append(now - self.last)
        self.last = now

    def p50_ms(self):
        return statistics.median(self.samples) * 1000 if self.samples else 0.0


def run_import(directory):
    """(seconds, clock, result, {part: seconds}). The parts are the two index passes the import ends with; the search
    pass runs inline here (eager tasks), deployed it is Celery's and the command does not wait for it."""
    from plone_import.mapping import load_mapping
    from plone_import.services import PloneImport, common
    from search import signal_handlers

    clock = Clock()
    parts = {"portal search": 0.0, "admin search": 0.0}
    flush = signal_handlers.DeferredIndexing.flush
    admin_search_deferred = common.admin_search_deferred

    def timed_flush(collector):
        t0 = time.perf_counter()
        flush(collector)  # outside a transaction the on-commit callback, i.e. the indexing, runs right here
        parts["portal search"] += time.perf_counter() - t0

    @contextlib.contextmanager
    def timed_admin_search(written, **kwargs):
        context = admin_search_deferred(written, **kwargs)
        context.__enter__()
        try:
            yield
        except BaseException:
            if not context.__exit__(*sys.exc_info()):
                raise
        else:
            t0 = time.perf_counter()
            context.__exit__(None, None, None)  # the batched pass over everything written
            parts["admin search"] += time.perf_counter() - t0

    signal_handlers.DeferredIndexing.flush = timed_flush
    services = sys.modules["plone_import.services"]
    services.admin_search_deferred = timed_admin_search
    try:
        start = time.perf_counter()
        clock.last = start
        result = PloneImport(directory=directory, mapping=load_mapping(), progress=clock).execute()
        return time.perf_counter() - start, clock, result, parts
    finally:
        signal_handlers.DeferredIndexing.flush = flush
        services.admin_search_deferred = admin_search_deferred


def run_baseline(content):
    """The same pages, documents and images with plain Wagtail, one transaction each. (seconds, p50 ms, items)"""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from wagtail.rich_text import RichText

    from home.models import ContentPage, EventPage, LinkPage, NewsPage, SectionIndexPage
    from portal.models import SecureDocument, SecureImage

    home = fresh_home()
    models = {
        "Folder": SectionIndexPage,
        "Document": ContentPage,
        "News Item": NewsPage,
        "Event": EventPage,
        "Link": LinkPage,
    }
    pages = {content[0]["UID"]: home}
    samples = []
    start = time.perf_counter()
    for item in content[1:]:
        t0 = time.perf_counter()
        with transaction.atomic():
            kind = item["@type"]
            if kind in models:
                fields = {"title": item["title"], "slug": item["id"]}
                if kind != "Folder":
                    fields["description"] = item.get("description") or ""
                if kind in ("Document", "News Item", "Event") and isinstance(item.get("text"), dict):
                    fields["body"] = [("paragraph", RichText(item["text"]["data"]))]
                page = models[kind](**fields)
                if kind in ("Document", "News Item", "Event"):
                    page.tags.add(*(item.get("subjects") or []))
                pages[item["parent"]["UID"]].add_child(instance=page)
                page.save_revision().publish()
                pages[item["UID"]] = page
            else:
                key = "file" if kind == "File" else "image"
                data = base64.b64decode(item[key]["data"])
                model = SecureDocument if kind == "File" else SecureImage
                obj = model(title=item["title"], file=ContentFile(data, name=item[key]["filename"]))
                if kind == "Image":
                    obj.width, obj.height = 1, 1
                obj.save()
        samples.append(time.perf_counter() - t0)
    return time.perf_counter() - start, statistics.median(samples) * 1000, len(samples)


def main():
    args = parse_args()
    tmp_dir = Path(tempfile.mkdtemp(prefix="bench-plone-"))
    try:
        setup_django(tmp_dir, "bench.sqlite3")
        export_dir = tmp_dir / "export"
        content = generate(export_dir, args.items)
        counts = {}
        for item in content:
            counts[item["@type"]] = counts.get(item["@type"], 0) + 1
        print(f"synthetic export: {len(content)} items {counts}")

        fresh_home()
        import_s, import_clock, result, parts = run_import(export_dir)
        errors = [str(p) for p in result.errors]
        own_s = import_s - parts["portal search"] - parts["admin search"]
        print(f"import:    {import_s:8.1f} s total, p50 {import_clock.p50_ms():6.1f} ms/item, {len(errors)} errors")
        print(
            f"  the import's own work {own_s:.1f} s, Wagtail admin search index {parts['admin search']:.1f} s, "
            f"portal search index {parts['portal search']:.1f} s (a worker's job when deployed)"
        )
        for line in errors[:5]:
            print(f"  error: {line}")
        print(f"  access report: {len(result.report.rows)} rows, {len(result.report.widened)} widened")
        reimport_s, reimport_clock, again, _parts = run_import(export_dir)
        unchanged = sum(v for k, v in again.counts.items() if k.endswith(" unchanged"))
        print(
            f"re-import: {reimport_s:8.1f} s total, p50 {reimport_clock.p50_ms():6.3f} ms/item, "
            f"{unchanged} unchanged, {len(again.changes)} changes"
        )
        n_items = len(content) - 1
        if args.baseline_items:
            subset = content[: args.baseline_items + 1]  # parents come before their children in content.json
            baseline_s, baseline_p50, baseline_n = run_baseline(subset)
            per_item = baseline_s / baseline_n
            print(
                f"baseline:  {baseline_s:8.1f} s for {baseline_n} items, {per_item * 1000:6.1f} ms/item, "
                f"p50 {baseline_p50:6.1f} ms/item (plain Wagtail add_child)"
            )
            print(
                f"ratio import/baseline per item: {import_s / n_items / per_item:.2f} total, "
                f"{own_s / n_items / per_item:.2f} without the two index passes, "
                f"{import_clock.p50_ms() / baseline_p50:.2f} p50; "
                f"re-import/baseline {reimport_s / n_items / per_item:.3f}"
            )
        ok = import_s <= IMPORT_GOAL * args.items / 10_000 and reimport_s <= REIMPORT_GOAL * args.items / 10_000
        print(
            f"goals (scaled to {args.items} items): import <= {IMPORT_GOAL * args.items / 10_000:.0f} s, "
            f"re-import <= {REIMPORT_GOAL * args.items / 10_000:.0f} s: {'met' if ok else 'NOT met'}"
        )
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    finally:
        if args.keep:
            print(f"kept {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

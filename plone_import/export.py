"""Reading a collective.exportimport export directory into plain Python structures, item by item.

A file that cannot be read gives a clear error naming the file and the position. content.json may also be a
directory `content/` of one JSON file per item (the exporter's "separate files" option): there a broken file costs
only its own item.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _


class ExportError(Exception):
    """The export as a whole cannot be used (nothing is imported)."""


class ItemError(Exception):
    """One item cannot be imported; the others can."""


@dataclass
class Problem:
    level: str  # "error" or "warning"
    where: str  # a path, UID or file name
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


@dataclass
class Item:
    raw: dict
    uid: str
    portal_type: str
    path: str  # site-relative, "" for the root
    parent_uid: str | None
    order: int = 0
    children: list = field(default_factory=list)

    @property
    def slug(self):
        return self.path.rsplit("/", 1)[-1]

    @property
    def title(self):
        return (self.raw.get("title") or "").strip() or self.slug

    @property
    def review_state(self):
        return self.raw.get("review_state")

    @property
    def workflow(self):
        history = self.raw.get("workflow_history") or {}
        return next(iter(history), None) if isinstance(history, dict) else None

    @property
    def subjects(self):
        return [str(s).strip() for s in self.raw.get("subjects") or [] if str(s).strip()]

    @property
    def creators(self):
        return [str(c) for c in self.raw.get("creators") or []]

    def history(self):
        entries = []
        for workflow_entries in (self.raw.get("workflow_history") or {}).values():
            entries.extend(e for e in workflow_entries or [] if isinstance(e, dict))
        return sorted(entries, key=lambda e: e.get("time") or "")


@dataclass
class Export:
    directory: Path
    root_url: str = ""
    zope_path: str = ""
    site_title: str = ""
    items: dict = field(default_factory=dict)  # uid -> Item, in tree order once built
    by_path: dict = field(default_factory=dict)
    root: Item | None = None
    members: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    localroles: dict = field(default_factory=dict)  # uid -> {"roles": {principal: [roles]}, "block": bool}
    relations: list = field(default_factory=list)
    default_pages: dict = field(default_factory=dict)  # folder uid -> page uid
    redirects: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    has_members: bool = False

    def error(self, where, message):
        self.problems.append(Problem("error", where, message))

    def warn(self, where, message):
        self.problems.append(Problem("warning", where, message))

    def walk(self):
        """Items parents first, siblings in their Plone order."""
        if self.root is None:
            return
        stack = [self.root]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(reversed(item.children))

    def resolve_url(self, url):
        """The item an old-site URL or path points to (resolveuid, absolute URL or site path), or None."""
        url = (url or "").split("?", 1)[0].split("#", 1)[0]
        if "resolveuid/" in url:
            uid = url.split("resolveuid/", 1)[1].split("/", 1)[0]
            return self.items.get(uid)
        if self.root_url and url.startswith(self.root_url):
            url = url[len(self.root_url) :]
        elif url.startswith(("http:", "https:", "mailto:", "tel:")):
            return None
        if self.zope_path and (url == self.zope_path or url.startswith(self.zope_path + "/")):
            url = url[len(self.zope_path) :]
        path = "/" + url.strip("/") if url.strip("/") else ""
        for suffix in (
            "/view",
            "/@@download/file",
            "/@@images/image",
            "/image_view_fullscreen",
            "/@@display-file/file",
        ):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
        return self.by_path.get(path)


def _read_json(path, required=False):
    if not path.exists():
        if required:
            raise ExportError(_("%(file)s is missing") % {"file": path.name})
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ExportError(_("%(file)s is not UTF-8: %(error)s") % {"file": path.name, "error": error}) from error
    except json.JSONDecodeError as error:
        raise ExportError(
            _("%(file)s is not valid JSON (line %(line)s, column %(col)s): %(msg)s")
            % {"file": path.name, "line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from error


def _content_records(directory, export):
    """(where, raw item or None) for every item of content.json or content/*.json."""
    single = directory / "content.json"
    if single.exists():
        data = _read_json(single)
        if not isinstance(data, list):
            raise ExportError(_("content.json must hold a list of items"))
        return [(f"content.json[{n}]", raw) for n, raw in enumerate(data)]
    folder = directory / "content"
    if not folder.is_dir():
        raise ExportError(_("Neither content.json nor a content/ directory found in %(dir)s") % {"dir": directory})
    records = []
    for file in sorted(folder.glob("*.json"), key=lambda p: (len(p.stem), p.stem)):
        try:
            records.append((file.name, json.loads(file.read_text(encoding="utf-8"))))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            line = getattr(error, "lineno", "?")
            export.error(file.name, _("broken JSON (line %(line)s): %(error)s") % {"line": line, "error": error})
    return records


def parse_date(value, where=""):
    if value in (None, "", "None"):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise ItemError(_("invalid date %(value)r in %(field)s") % {"value": value, "field": where}) from error
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def blob(item, key):
    """(bytes, filename, content type) of a base-64 blob field, or an ItemError saying what is wrong."""
    value = item.raw.get(key)
    if not isinstance(value, dict):
        raise ItemError(_("missing blob: the item has no %(field)s data") % {"field": key})
    data = value.get("data")
    if not data:
        if value.get("download") or value.get("blob_path"):
            raise ItemError(
                _("the %(field)s blob is not in the export (export again with include_blobs=1, base-64)")
                % {"field": key}
            )
        raise ItemError(_("missing blob: %(field)s has no data") % {"field": key})
    if value.get("encoding", "base64") != "base64":
        raise ItemError(_("unsupported blob encoding %(enc)r") % {"enc": value.get("encoding")})
    try:
        payload = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ItemError(
            _("the %(field)s blob is not valid base-64: %(error)s") % {"field": key, "error": error}
        ) from error
    filename = (value.get("filename") or item.slug or "file").replace("/", "_")
    return payload, filename, value.get("content-type") or "application/octet-stream"


def load_export(directory, mapping):
    """Read every file of the export. Unusable files raise ExportError; unusable items are listed as problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ExportError(_("%(dir)s is not a directory") % {"dir": directory})
    export = Export(directory=directory)
    records = _content_records(directory, export)

    parsed = []
    for where, raw in records:
        if not isinstance(raw, dict):
            export.error(where, _("not an item (expected an object)"))
            continue
        uid, url, portal_type = raw.get("UID"), raw.get("@id"), raw.get("@type")
        if not uid or not url or not portal_type:
            export.error(url or where, _("incomplete item: UID, @id and @type are required"))
            continue
        parsed.append(raw)

    roots = [raw for raw in parsed if raw["@type"] == "Plone Site" or raw.get("parent") in ({}, None)]
    if roots:
        export.root_url = roots[0]["@id"].rstrip("/")
        export.site_title = roots[0].get("title") or ""
    elif parsed:
        export.root_url = min((raw["@id"] for raw in parsed), key=len).rsplit("/", 1)[0]
    redirects = _read_json(directory / "redirects.json")
    if isinstance(redirects, dict):
        export.redirects = {str(k): str(v) for k, v in redirects.items()}
        zope_roots = {old.split("/")[1] for old in redirects if old.startswith("/") and old.count("/") >= 1}
        if len(zope_roots) == 1:
            export.zope_path = "/" + zope_roots.pop()
    elif redirects is None:
        export.warn("redirects.json", _("not found: no Plone redirects are imported"))

    seen = set()
    for raw in parsed:
        uid = raw["UID"]
        if uid in seen:
            export.error(raw["@id"], _("duplicate UID %(uid)s") % {"uid": uid})
            continue
        seen.add(uid)
        url = raw["@id"].rstrip("/")
        if not url.startswith(export.root_url):
            export.error(url, _("outside the exported site %(root)s") % {"root": export.root_url})
            continue
        path = url[len(export.root_url) :]
        parent = raw.get("parent") if isinstance(raw.get("parent"), dict) else {}
        item = Item(raw=raw, uid=uid, portal_type=raw["@type"], path=path, parent_uid=parent.get("UID"))
        if path == "" and export.root is None:
            export.root = item
            item.parent_uid = None
        export.items[uid] = item
        export.by_path[path] = item
    if export.root is None:
        # An export of a subtree: its top items hang under a synthetic root.
        export.root = Item(
            raw={"@type": "Plone Site", "title": ""}, uid="", portal_type="Plone Site", path="", parent_uid=None
        )

    ordering = _read_json(directory / "ordering.json")
    order = {}
    if isinstance(ordering, list):
        order = {e.get("uuid"): e.get("order", 0) for e in ordering if isinstance(e, dict)}
    else:
        export.warn("ordering.json", _("not found: siblings keep the export's order"))
    for n, item in enumerate(export.items.values()):
        item.order = order.get(item.uid, 10**6 + n)
        if item is export.root:
            continue
        parent = export.items.get(item.parent_uid) if item.parent_uid else None
        if parent is None:
            parent = export.by_path.get(item.path.rsplit("/", 1)[0])
        if parent is None and item.path.count("/") == 1:
            parent = export.root
        if parent is None:
            export.error(item.path, _("its parent is not in the export"))
            continue
        item.parent_uid = parent.uid
        parent.children.append(item)
    for item in [export.root, *export.items.values()]:
        item.children.sort(key=lambda child: (child.order, child.path))

    localroles = _read_json(directory / "localroles.json", required=True)
    if not isinstance(localroles, list):
        raise ExportError(_("localroles.json must hold a list"))
    for entry in localroles:
        if not isinstance(entry, dict) or not entry.get("uuid"):
            raise ExportError(_("localroles.json: an entry without uuid: %(entry)r") % {"entry": entry})
        roles = entry.get("localroles") or {}
        if not isinstance(roles, dict):
            raise ExportError(_("localroles.json: roles of %(uid)s are not an object") % {"uid": entry["uuid"]})
        uid = export.root.uid if entry["uuid"] == "<Portal>" else entry["uuid"]
        export.localroles[uid] = {"roles": roles, "block": bool(entry.get("block"))}

    members = _read_json(directory / "members.json")
    if isinstance(members, dict):
        export.has_members = True
        export.members = [m for m in members.get("members") or [] if isinstance(m, dict) and m.get("username")]
        export.groups = [g for g in members.get("groups") or [] if isinstance(g, dict) and g.get("groupid")]
    else:
        export.warn(
            "members.json", _("not found: no users or groups are imported, local roles of principals are dropped")
        )

    relations = _read_json(directory / "relations.json")
    if isinstance(relations, list):
        export.relations = [r for r in relations if isinstance(r, dict)]
    defaultpages = _read_json(directory / "defaultpages.json")
    if isinstance(defaultpages, list):
        for entry in defaultpages:
            if not isinstance(entry, dict):
                continue
            folder = export.items.get(entry.get("uuid"))
            page_uid = entry.get("default_page_uuid")
            if folder is not None and page_uid is None and entry.get("default_page"):
                target = export.by_path.get(f"{folder.path}/{entry['default_page']}")
                page_uid = target.uid if target else None
            if folder is not None and page_uid:
                export.default_pages[folder.uid] = page_uid
    for name in ("portlets.json", "discussion.json"):
        if (directory / name).exists():
            export.warn(name, _("not imported: the portal has no equivalent (portlets, comments)"))
    return export

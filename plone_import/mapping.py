"""The mapping file: how Plone types, states, roles, groups and users become portal objects and markings.

Everything has a default that never widens access. The file (JSON, or TOML by its extension) only overrides:

    {
      "parent": "/",                       # page id or URL path to import under (default: the default site's root)
      "types": {"Collection": "folder", "Discussion Item": "skip"},
      "view_roles": {"intranet_workflow/internal": ["Authenticated"], "my_state": ["Owner", "Reader"]},
      "groups": {"yanfa": "研发部"},        # Plone group id -> existing portal group name
      "skip_groups": ["Administrators", "Site Administrators", "Reviewers", "AuthenticatedUsers"],
      "users": {"activate": false, "clearance": 0, "clearances": {"zhangwei": 1}, "accounts": {"lina": "li.na"}},
      "rules": [
        {"path": "/guizhang/bumen/rnd", "clearance": 1, "secrecy_term": "5年",
         "classification_basis": "...", "scope": ["yanfa"]}
      ],
      "global_roles": {"Reviewer": "Moderators"},
      "local_roles": {"Editor": ["change"], "Contributor": ["add"]},
      "kinds": [                           # per-item kinds, first match wins: regulations become structured 制度
        {"path": "/guizhang", "type": "Document", "subject": "制度", "kind": "regulation"},
        {"path": "/archive", "kind": "skip"}
      ]
    }

Rules may raise the clearance and narrow the 知悉范围 of the items they match (by path prefix, type, review
state or subject); they can never open an item to more people than could read it in Plone.
"""

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from portal.enums import Clearance

# The portal's kinds of object, and the Plone types that become them by default.
KINDS = ("root", "folder", "document", "news", "event", "link", "file", "image", "skip", "regulation")
# What a `kinds` rule may turn an item into besides its type's kind: a Document into a structured regulation (its
# text parsed into 章/条 by policies.parsing, placed in the portal's 保密制度 index), anything into skip.
KIND_CONVERSIONS = {"Document": {"document", "regulation"}}
DEFAULT_TYPES = {
    "Plone Site": "root",
    "Folder": "folder",
    "Collection": "folder",
    "Document": "document",
    "News Item": "news",
    "Event": "event",
    "Link": "link",
    "File": "file",
    "Image": "image",
}

ANONYMOUS = "Anonymous"
AUTHENTICATED = "Authenticated"
PRIVATE_ROLES = ["Owner", "Editor", "Reader", "Contributor", "Manager", "Site Administrator"]
PENDING_ROLES = [*PRIVATE_ROLES, "Reviewer"]

# Who holds View in each state of Plone's stock workflows ("workflow/state", or "state" for any workflow).
DEFAULT_VIEW_ROLES = {
    "published": [ANONYMOUS],
    "external": [ANONYMOUS],
    "visible": [ANONYMOUS],
    "internally_published": [AUTHENTICATED],
    "internal": [AUTHENTICATED],
    "intranet_workflow/pending": [AUTHENTICATED],
    "intranet_folder_workflow/pending": [AUTHENTICATED],
    "pending": PENDING_ROLES,
    "private": PRIVATE_ROLES,
}
# Review states that are live in the portal, and the one that waits for moderation. Everything else is a draft.
DEFAULT_LIVE_STATES = ["published", "external", "internally_published", "visible"]
DEFAULT_PENDING_STATES = ["pending"]
DEFAULT_SKIP_GROUPS = ["Administrators", "Site Administrators", "Reviewers", "AuthenticatedUsers"]
# Local roles → Wagtail page permissions on that page (and, as Wagtail has no blocking, its subtree). Editing
# never opens a page to a reader: the admin shows a page only to those its marking lets read it.
DEFAULT_LOCAL_ROLE_PERMISSIONS = {"Editor": ["change"], "Contributor": ["add"], "Reviewer": ["publish"]}


class MappingError(ValueError):
    pass


@dataclass
class Rule:
    path: str = ""
    type: str = ""
    state: str = ""
    subject: str = ""
    clearance: int | None = None
    secrecy_term: str = ""
    classification_basis: str = ""
    scope: list = field(default_factory=list)

    def matches(self, *, path, portal_type, state, subjects):
        if self.path and not (path == self.path or path.startswith(self.path.rstrip("/") + "/")):
            return False
        if self.type and portal_type != self.type:
            return False
        if self.state and state != self.state:
            return False
        return not (self.subject and self.subject not in subjects)


@dataclass
class Mapping:
    parent: str = ""
    types: dict = field(default_factory=dict)
    view_roles: dict = field(default_factory=dict)
    live_states: list = field(default_factory=lambda: list(DEFAULT_LIVE_STATES))
    pending_states: list = field(default_factory=lambda: list(DEFAULT_PENDING_STATES))
    root_view_roles: list = field(default_factory=lambda: [AUTHENTICATED])
    groups: dict = field(default_factory=dict)
    skip_groups: list = field(default_factory=lambda: list(DEFAULT_SKIP_GROUPS))
    activate_users: bool = False
    user_clearance: int = Clearance.INTERNAL
    user_clearances: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)
    default_clearance: int = Clearance.INTERNAL
    rules: list = field(default_factory=list)
    kinds: list = field(default_factory=list)  # [(Rule, kind)]
    global_roles: dict = field(default_factory=lambda: {"Reviewer": "Moderators"})
    local_roles: dict = field(default_factory=lambda: dict(DEFAULT_LOCAL_ROLE_PERMISSIONS))
    digest: str = ""

    def kind_for(self, portal_type):
        return self.types.get(portal_type) or DEFAULT_TYPES.get(portal_type)

    def kind_of(self, item):
        """The kind an item becomes: the first `kinds` rule that matches it, else its type's kind."""
        for rule, kind in self.kinds:
            if rule.matches(
                path=item.path, portal_type=item.portal_type, state=item.review_state or "", subjects=item.subjects
            ):
                return kind
        return self.kind_for(item.portal_type)

    def roles_for(self, workflow, state):
        """The roles that may View in `state`, or None if the state is unknown (the caller treats it as private)."""
        table = {**DEFAULT_VIEW_ROLES, **self.view_roles}
        if workflow and f"{workflow}/{state}" in table:
            return table[f"{workflow}/{state}"]
        return table.get(state)

    def rules_for(self, **item):
        return [rule for rule in self.rules if rule.matches(**item)]


def _clearance(value, where):
    try:
        return int(Clearance(int(value)))
    except (TypeError, ValueError) as error:
        raise MappingError(_("%(where)s: unknown clearance %(value)r") % {"where": where, "value": value}) from error


def load_mapping(path=None):
    """Read and check a mapping file; with no file, the defaults."""
    raw = {}
    if path:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise MappingError(
                _("Cannot read the mapping file %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
        if not isinstance(raw, dict):
            raise MappingError(_("The mapping file must hold one object."))
    known = {
        "parent",
        "types",
        "view_roles",
        "live_states",
        "pending_states",
        "root_view_roles",
        "groups",
        "skip_groups",
        "users",
        "default_clearance",
        "rules",
        "global_roles",
        "local_roles",
        "kinds",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise MappingError(_("Unknown keys in the mapping file: %(keys)s") % {"keys": ", ".join(unknown)})
    mapping = Mapping()
    mapping.parent = str(raw.get("parent", ""))
    for plone_type, kind in (raw.get("types") or {}).items():
        if kind not in KINDS:
            raise MappingError(_("types.%(type)s: unknown kind %(kind)r") % {"type": plone_type, "kind": kind})
        mapping.types[plone_type] = kind
    for key, roles in (raw.get("view_roles") or {}).items():
        if not isinstance(roles, list):
            raise MappingError(_("view_roles.%(key)s must be a list of roles") % {"key": key})
        mapping.view_roles[key] = [str(role) for role in roles]
    for key in ("live_states", "pending_states", "root_view_roles", "skip_groups"):
        if key in raw:
            setattr(mapping, key, [str(v) for v in raw[key]])
    mapping.groups = {str(k): str(v) for k, v in (raw.get("groups") or {}).items()}
    mapping.global_roles = {str(k): str(v) for k, v in (raw.get("global_roles", mapping.global_roles) or {}).items()}
    for role, types in (raw.get("local_roles") or {}).items():
        if not isinstance(types, list) or not set(types) <= {"add", "change", "publish", "lock", "unlock"}:
            raise MappingError(_("local_roles.%(role)s: a list of add, change, publish, lock, unlock") % {"role": role})
        mapping.local_roles[str(role)] = list(types)
    users = raw.get("users") or {}
    mapping.activate_users = bool(users.get("activate", False))
    mapping.user_clearance = _clearance(users.get("clearance", Clearance.INTERNAL), "users.clearance")
    mapping.user_clearances = {
        str(k): _clearance(v, f"users.clearances.{k}") for k, v in (users.get("clearances") or {}).items()
    }
    mapping.accounts = {str(k): str(v) for k, v in (users.get("accounts") or {}).items()}
    mapping.default_clearance = _clearance(raw.get("default_clearance", Clearance.INTERNAL), "default_clearance")
    for n, rule in enumerate(raw.get("rules") or []):
        where = f"rules[{n}]"
        if not isinstance(rule, dict):
            raise MappingError(_("%(where)s must be an object") % {"where": where})
        extra = set(rule) - {
            "path",
            "type",
            "state",
            "subject",
            "clearance",
            "secrecy_term",
            "classification_basis",
            "scope",
        }
        if extra:
            raise MappingError(
                _("%(where)s: unknown keys %(keys)s") % {"where": where, "keys": ", ".join(sorted(extra))}
            )
        clearance = _clearance(rule["clearance"], where) if "clearance" in rule else None
        if (
            clearance
            and clearance >= Clearance.SECRET
            and not (rule.get("secrecy_term") and rule.get("classification_basis"))
        ):
            raise MappingError(
                _("%(where)s: 秘密 and above need secrecy_term and classification_basis") % {"where": where}
            )
        mapping.rules.append(
            Rule(
                path=str(rule.get("path", "")),
                type=str(rule.get("type", "")),
                state=str(rule.get("state", "")),
                subject=str(rule.get("subject", "")),
                clearance=clearance,
                secrecy_term=str(rule.get("secrecy_term", "")),
                classification_basis=str(rule.get("classification_basis", "")),
                scope=[str(s) for s in rule.get("scope") or []],
            )
        )
    for n, rule in enumerate(raw.get("kinds") or []):
        where = f"kinds[{n}]"
        if not isinstance(rule, dict) or set(rule) - {"path", "type", "state", "subject", "kind"}:
            raise MappingError(_("%(where)s: an object with path, type, state, subject and kind") % {"where": where})
        portal_type, kind = str(rule.get("type", "")), str(rule.get("kind", ""))
        if kind != "skip" and kind not in KIND_CONVERSIONS.get(portal_type, ()):
            raise MappingError(
                _(
                    "%(where)s: %(type)r cannot become %(kind)r "
                    "(a Document may become a regulation; anything may be skipped)"
                )
                % {"where": where, "type": portal_type, "kind": kind}
            )
        mapping.kinds.append(
            (
                Rule(
                    path=str(rule.get("path", "")),
                    type=portal_type,
                    state=str(rule.get("state", "")),
                    subject=str(rule.get("subject", "")),
                ),
                kind,
            )
        )
    mapping.digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return mapping

"""Who could read what in Plone, and the portal marking that keeps it so (never wider).

Plone grants View per workflow state to roles; a principal holds a role globally (members.json, directly or through a
group) or locally on an object and everything below it, unless a folder blocks inheritance. Anonymous access has no
equivalent in the portal (every reader is a verified staff member), so "public" and "members" both become an
unrestricted 知悉范围; anything narrower becomes a scope of the groups (and, for single users, personal groups)
that held a View role.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .mapping import ANONYMOUS, AUTHENTICATED, PRIVATE_ROLES

EVERYONE_ROLES = {ANONYMOUS, AUTHENTICATED, "Member"}
NOBODY = ("nobody", "")


@dataclass(frozen=True)
class Readers:
    public: bool = False
    everyone: bool = False  # every logged-in member (and anonymous visitors if public)
    users: frozenset = frozenset()
    groups: frozenset = frozenset()
    unknown: frozenset = frozenset()  # principals not in members.json (e.g. the Zope-root admin)
    view_roles: tuple = ()

    def describe(self):
        if self.public:
            return _("everyone (anonymous too)")
        if self.everyone:
            return _("all logged-in members")
        names = [f"@{g}" for g in sorted(self.groups)] + sorted(self.users)
        return ", ".join(names) or _("nobody (managers only)")


@dataclass(frozen=True)
class Decision:
    """The portal marking for an item: clearance and own 知悉范围 (None = unrestricted)."""

    clearance: int
    scope: frozenset | None  # of ("group", plone id) | ("personal", user id) | ("portal", group name) | NOBODY
    secrecy_term: str = ""
    classification_basis: str = ""
    notes: tuple = ()

    def as_json(self):
        return {
            "clearance": self.clearance,
            "scope": None if self.scope is None else sorted("/".join(key) for key in self.scope),
            "secrecy_term": self.secrecy_term,
            "classification_basis": self.classification_basis,
        }


@dataclass
class Principals:
    users: set = field(default_factory=set)
    groups: set = field(default_factory=set)
    group_members: dict = field(default_factory=dict)  # group id -> set of user ids
    user_groups: dict = field(default_factory=dict)  # user id -> set of group ids
    user_roles: dict = field(default_factory=dict)
    group_roles: dict = field(default_factory=dict)

    def users_of(self, readers):
        """The Plone users who could read, by name (explicit users and members of reader groups)."""
        if readers.everyone:
            return set(self.users)
        found = set(readers.users)
        for group in readers.groups:
            found |= self.group_members.get(group, set())
        return found & self.users


def principals_from(export):
    p = Principals()
    for group in export.groups:
        gid = group["groupid"]
        p.groups.add(gid)
        p.group_roles[gid] = set(group.get("roles") or [])
        p.group_members[gid] = {str(u) for u in group.get("principals") or []}
    for member in export.members:
        uid = member["username"]
        p.users.add(uid)
        p.user_roles[uid] = set(member.get("roles") or [])
        for gid in member.get("groups") or []:
            p.group_members.setdefault(gid, set()).add(uid)
    for gid, members in p.group_members.items():
        for uid in members:
            p.user_groups.setdefault(uid, set()).add(gid)
    return p


def plone_readers(export, mapping, principals):
    """uid -> Readers for every item, computed top-down (local roles inherit unless blocked)."""
    result = {}
    local = {}
    view = {}
    for item in export.walk():
        parent_uid = item.parent_uid
        entry = export.localroles.get(item.uid, {"roles": {}, "block": False})
        roles = (
            {} if entry["block"] or parent_uid is None else {k: set(v) for k, v in local.get(parent_uid, {}).items()}
        )
        for principal, granted in entry["roles"].items():
            roles.setdefault(principal, set()).update(granted or [])
        local[item.uid] = roles

        state = item.review_state
        if item is export.root:
            view_roles = list(mapping.root_view_roles)
        elif not state:
            view_roles = view.get(parent_uid, list(mapping.root_view_roles))
        else:
            view_roles = mapping.roles_for(item.workflow, state)
            if view_roles is None:
                view_roles = list(PRIVATE_ROLES)
                export.warn(item.path, _("unknown review state %(state)r: treated as private") % {"state": state})
        view[item.uid] = view_roles
        result[item.uid] = readers_for(view_roles, roles, principals)
    return result


def readers_for(view_roles, local_roles, principals):
    wanted = set(view_roles)
    if ANONYMOUS in wanted:
        return Readers(public=True, everyone=True, view_roles=tuple(view_roles))
    if wanted & EVERYONE_ROLES:
        return Readers(everyone=True, view_roles=tuple(view_roles))
    users, groups, unknown = set(), set(), set()
    for principal, roles in local_roles.items():
        if not roles & wanted:
            continue
        if principal in principals.groups:
            groups.add(principal)
        elif principal in principals.users:
            users.add(principal)
        else:
            unknown.add(principal)
    groups |= {gid for gid, roles in principals.group_roles.items() if roles & wanted}
    users |= {uid for uid, roles in principals.user_roles.items() if roles & wanted}
    return Readers(
        users=frozenset(users), groups=frozenset(groups), unknown=frozenset(unknown), view_roles=tuple(view_roles)
    )


def decide(item, readers, mapping, principals):
    """The portal marking for `item`: never readable by anyone who could not read it in Plone."""
    notes = []
    if readers.everyone:
        scope = None
    else:
        groups = {g for g in readers.groups if g not in mapping.skip_groups}
        covered = set()
        for gid in groups:
            covered |= principals.group_members.get(gid, set())
        scope = {("group", g) for g in groups}
        scope |= {("personal", u) for u in readers.users if u not in covered}
        if not scope:
            scope = {NOBODY}
            notes.append(_("no importable reader: only the no-readers group"))
    clearance = mapping.default_clearance
    term, basis = "", ""
    for rule in mapping.rules_for(
        path=item.path, portal_type=item.portal_type, state=item.review_state or "", subjects=item.subjects
    ):
        if rule.clearance is not None and rule.clearance >= clearance:
            clearance = rule.clearance
            term = rule.secrecy_term or term
            basis = rule.classification_basis or basis
        if rule.scope:
            scope = _narrow(scope, rule.scope, principals)
            notes.append(_("scope narrowed by a mapping rule"))
    return Decision(
        clearance=clearance,
        scope=None if scope is None else frozenset(scope),
        secrecy_term=term,
        classification_basis=basis,
        notes=tuple(notes),
    )


def _narrow(scope, rule_scope, principals):
    """Intersect a scope with the groups a rule names (Plone group ids, else portal group names)."""
    rule_keys = {("group", name) if name in principals.groups else ("portal", name) for name in rule_scope}
    if scope is None:
        return rule_keys
    rule_members = set()
    for kind, name in rule_keys:
        if kind == "group":
            rule_members |= principals.group_members.get(name, set())
    kept = {key for key in scope if key in rule_keys or (key[0] == "personal" and key[1] in rule_members)}
    return kept or {NOBODY}

"""Plone users and groups → portal accounts and groups; the groups a 知悉范围 needs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.services.people import user_create

from ..export import ItemError
from ..models import PlonePrincipal, PrincipalKind
from ..readers import NOBODY, Decision
from .common import NOBODY_GROUP, PERSONAL_GROUP


class PrincipalsMixin:
    def _principals_import(self):
        existing = {(p.kind, p.plone_id): p for p in PlonePrincipal.objects.select_related("user", "group")}
        for group in self.export.groups:
            gid = group["groupid"]
            if gid in self.mapping.skip_groups:
                continue
            try:
                with transaction.atomic():
                    self.groups[("group", gid)] = self._group_import(group, existing.get(("group", gid)))
            except ItemError as error:
                self._problem("error", f"group {gid}", str(error))
                self.result.count("group", "error")
        for member in self.export.members:
            username = member["username"]
            try:
                with transaction.atomic():
                    self.users[username] = self._user_import(member, existing.get(("user", username)))
            except ItemError as error:
                self._problem("error", f"user {username}", str(error))
                self.result.count("user", "error")
        for (kind, plone_id), principal in existing.items():
            if kind == PrincipalKind.PERSONAL:
                self.groups[("personal", plone_id)] = principal.group
            elif kind == PrincipalKind.NOBODY:
                self.groups[NOBODY] = principal.group
        self._memberships_sync()

    def _group_import(self, group, principal):
        gid = group["groupid"]
        title = (group.get("title") or gid).strip()[:140]
        wanted = self.mapping.groups.get(gid)
        if principal is not None:
            portal_group = principal.group
            self.result.count("group", "unchanged")
            return portal_group
        if wanted:
            portal_group, created = Group.objects.get_or_create(name=wanted)
        else:
            name = title
            if Group.objects.filter(name=name).exists():
                # A portal group of that name may hold other people: never reuse it silently (it would widen access).
                name = f"{title} (plone:{gid})"[:150]
            portal_group, created = Group.objects.get_or_create(name=name)
        PlonePrincipal.objects.create(plone_id=gid, kind=PrincipalKind.GROUP, group=portal_group)
        self.result.count("group", "created" if created else "linked")
        return portal_group

    def _user_import(self, member, principal):
        User = get_user_model()
        plone_id = member["username"]
        fullname = (member.get("fullname") or "").strip()[:150]
        email = (member.get("email") or "").strip()
        if principal is not None:
            user = principal.user
            changed = []
            if fullname and user.first_name != fullname:
                user.first_name, changed = fullname, [*changed, "fullname"]
            if email and user.email != email:
                user.email, changed = email, [*changed, "email"]
            if changed:
                user.save(update_fields=["first_name", "email"])
                self.result.changes.append((f"user {plone_id}", "updated", changed))
            self.result.count("user", "updated" if changed else "unchanged")
            return user
        username = self.mapping.accounts.get(plone_id, plone_id)
        user = User.objects.filter(username=username).first()
        if user is not None:
            explicit = plone_id in self.mapping.accounts
            if not explicit and (not email or user.email.lower() != email.lower()):
                raise ItemError(
                    _(
                        "a portal account %(username)s already exists with another e-mail; "
                        "map it under users.accounts to link it"
                    )
                    % {"username": username}
                )
            action = "linked"
        else:
            clearance = self.mapping.user_clearances.get(plone_id, self.mapping.user_clearance)
            # No password: the account can only be used after a reset, and the first login enrols a second factor.
            user = user_create(
                actor=self.actor,
                username=username,
                password=None,
                first_name=fullname,
                email=email,
                clearance=clearance,
            )
            user.is_active = self.mapping.activate_users
            user.save(update_fields=["is_active"])
            action = "created"
            log(instance=user, action="plone_import.user", user=self.actor, data={"plone_id": plone_id})
        PlonePrincipal.objects.create(plone_id=plone_id, kind=PrincipalKind.USER, user=user)
        self.result.count("user", action)
        return user

    def _memberships_sync(self):
        """Imported groups hold exactly the imported users Plone lists; global roles map onto portal groups."""
        through = get_user_model().groups.through
        imported_user_ids = {user.pk for user in self.users.values()}
        for (kind, gid), group in list(self.groups.items()):
            if kind != "group":
                continue
            wanted = {self.users[u].pk for u in self.principals.group_members.get(gid, set()) if u in self.users}
            current = set(through.objects.filter(group=group).values_list("user_id", flat=True))
            add = wanted - current
            remove = (current & imported_user_ids) - wanted
            if add or remove:
                through.objects.bulk_create([through(user_id=uid, group=group) for uid in add])
                through.objects.filter(group=group, user_id__in=remove).delete()
                self.result.changes.append((f"group {gid}", "members", sorted(map(str, add | remove))))
        for role, group_name in self.mapping.global_roles.items():
            portal_group = Group.objects.filter(name=group_name).first()
            if portal_group is None:
                continue
            holders = {u for u, roles in self.principals.user_roles.items() if role in roles}
            for gid, roles in self.principals.group_roles.items():
                if role in roles:
                    holders |= self.principals.group_members.get(gid, set())
            for plone_id in sorted(holders):
                user = self.users.get(plone_id)
                if user is not None and not user.groups.filter(pk=portal_group.pk).exists():
                    user.groups.add(portal_group)
                    self.result.changes.append((f"user {plone_id}", "role", [f"{role} -> {group_name}"]))

    def _scope_groups(self, decision):
        """The portal groups of a decision's scope, creating personal and no-readers groups when first needed."""
        if decision.scope is None:
            return []
        groups = []
        for key in sorted(decision.scope):
            group = self.groups.get(key)
            if group is None:
                kind, name = key
                if kind == "personal" and name in self.users:
                    group, _created = Group.objects.get_or_create(name=PERSONAL_GROUP % name)
                    group.user_set.add(self.users[name])
                    PlonePrincipal.objects.get_or_create(
                        kind=PrincipalKind.PERSONAL, plone_id=name, defaults={"group": group}
                    )
                elif kind == "nobody":
                    group, _created = Group.objects.get_or_create(name=NOBODY_GROUP)
                    PlonePrincipal.objects.get_or_create(
                        kind=PrincipalKind.NOBODY, plone_id="", defaults={"group": group}
                    )
                elif kind == "portal":
                    group = Group.objects.filter(name=name).first()
                if group is None:
                    continue  # a principal that was not imported: narrower, never wider
                self.groups[key] = group
            groups.append(group)
        if not groups:
            # Every reader group failed to import: fall back to nobody rather than to everyone.
            return self._scope_groups(Decision(clearance=decision.clearance, scope=frozenset({NOBODY})))
        return groups

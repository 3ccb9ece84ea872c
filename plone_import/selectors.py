"""Reads of the Plone import: the access report ("who could read what" in Plone vs in the portal)."""

import csv
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from portal.access import Viewer, access_q
from portal.models import PortalPage, SecureDocument, SecureImage, SecurityProfile
from portal.models.marking import scope_ids

from .models import PloneItem, PlonePrincipal, PrincipalKind
from .readers import principals_from

SAME, NARROWER, WIDER = "same", "narrower", "WIDER"


@dataclass
class ReportRow:
    path: str
    portal_type: str
    plone: str
    portal: str
    verdict: str
    status: str
    gained: list = field(default_factory=list)  # Plone users (or "others") who read more in the portal
    lost: list = field(default_factory=list)


@dataclass
class AccessReport:
    rows: list = field(default_factory=list)

    @property
    def widened(self):
        return [row for row in self.rows if row.verdict == WIDER]

    @property
    def narrowed(self):
        return [row for row in self.rows if row.verdict == NARROWER]

    def write_csv(self, stream):
        writer = csv.writer(stream)
        writer.writerow(["path", "type", "verdict", "status", "plone readers", "portal readers", "gained", "lost"])
        for row in self.rows:
            writer.writerow(
                [
                    row.path,
                    row.portal_type,
                    row.verdict,
                    row.status,
                    row.plone,
                    row.portal,
                    " ".join(row.gained),
                    " ".join(row.lost),
                ]
            )


def _viewers():
    """Plone user id -> (portal user id, Viewer as they will be once they can log in) for imported users."""
    result = {}
    principals = PlonePrincipal.objects.filter(kind=PrincipalKind.USER).select_related("user")
    profiles = dict(
        SecurityProfile.objects.filter(user_id__in=[p.user_id for p in principals], left_on__isnull=True).values_list(
            "user_id", "clearance"
        )
    )
    through = get_user_model().groups.through
    groups = {}
    for user_id, group_id in through.objects.filter(user_id__in=[p.user_id for p in principals]).values_list(
        "user_id", "group_id"
    ):
        groups.setdefault(user_id, set()).add(group_id)
    for principal in principals:
        clearance = profiles.get(principal.user_id)
        viewer = (
            None
            if clearance is None
            else Viewer(principal.user_id, clearance, frozenset(groups.get(principal.user_id, ())))
        )
        result[principal.plone_id] = (principal.user_id, viewer)
    return result


def access_report(*, export, mapping, readers):
    """Compare, item by item, the Plone readers (from states and local roles) with the portal's effective marking.

    Portal readers are evaluated through portal.access on the stored effective clearance and 知悉范围, for every
    imported Plone user, plus "others": staff who were not Plone users but whom the marking lets in. An item is WIDER
    if anyone reads it in the portal who could not in Plone. Anonymous visitors never read in the portal.
    Drafts are judged by their marking too (the state they would be published with).
    """
    principals = principals_from(export)
    viewers = _viewers()
    records = {r.uid: r for r in PloneItem.objects.exclude(kind="root")}
    models = {"page": PortalPage, "document": SecureDocument, "image": SecureImage}
    ids = {kind: set() for kind in models}
    for record in records.values():
        for kind in models:
            if getattr(record, f"{kind}_id"):
                ids[kind].add(getattr(record, f"{kind}_id"))
        if record.lead_image_id:
            ids["image"].add(record.lead_image_id)
    markings = {
        kind: {
            row[0]: row[1:]
            for row in model.objects.filter(pk__in=ids[kind]).values_list(
                "pk",
                "effective_clearance",
                "effective_scope",
                *(("live", "go_live_at", "expired") if kind == "page" else ()),
            )
        }
        for kind, model in models.items()
    }
    readable = {}
    for plone_id, (_user_id, viewer) in viewers.items():
        for kind, model in models.items():
            if viewer is None or not ids[kind]:
                readable[(plone_id, kind)] = set()
                continue
            readable[(plone_id, kind)] = set(
                model.objects.filter(pk__in=ids[kind]).filter(access_q(viewer)).values_list("pk", flat=True)
            )
    imported_user_ids = {user_id for user_id, _viewer in viewers.values()}
    through = get_user_model().groups.through
    others_in_group = {}
    for user_id, group_id in through.objects.values_list("user_id", "group_id"):
        if user_id not in imported_user_ids:
            others_in_group[group_id] = others_in_group.get(group_id, 0) + 1

    report = AccessReport()
    for item in export.walk():
        record = records.get(item.uid)
        if record is None or item.uid not in readers:
            continue
        plone = readers[item.uid]
        plone_users = principals.users_of(plone)
        targets = [("page", record.page_id), ("document", record.document_id), ("image", record.image_id)]
        if record.lead_image_id:
            targets.append(("image", record.lead_image_id))
        for kind, pk in targets:
            if not pk or pk not in markings[kind]:
                continue
            clearance, scope_key, *state = markings[kind][pk]
            portal_users = {name for name in viewers if pk in readable[(name, kind)]}
            group_ids = scope_ids(scope_key)
            others = group_ids is None or any(others_in_group.get(gid) for gid in group_ids)
            gained = sorted(portal_users - plone_users)
            if others and not plone.everyone:
                gained.append(_("others"))
            lost = sorted(plone_users - portal_users)
            if plone.everyone and group_ids is not None:
                lost.append(_("others"))
            verdict = WIDER if gained else NARROWER if lost else SAME
            portal = _("all staff") if group_ids is None else ", ".join(sorted(portal_users)) or _("nobody")
            if clearance:
                portal = f"{portal} (≥{clearance})"
            report.rows.append(
                ReportRow(
                    path=item.path + ("#lead-image" if kind == "image" and item.portal_type != "Image" else ""),
                    portal_type=item.portal_type,
                    plone=plone.describe(),
                    portal=portal,
                    verdict=verdict,
                    status=_status(kind, state),
                    gained=gained,
                    lost=lost,
                )
            )
    return report


def _status(kind, state):
    if kind != "page":
        return _("served")
    live, go_live_at, expired = state
    if live:
        return _("live")
    if expired:
        return _("expired")
    if go_live_at:
        return _("scheduled")
    return _("draft")

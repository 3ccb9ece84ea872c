"""The reviews part of a person's 保密档案: requests they filed and decisions they took."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .enums import DecisionAction
from .models import ReviewDecision


def dossier_section(*, person, viewer, section_class, request=None):
    """Only rows the viewer may open (selectors.requests_visible_to); nothing if there are none."""
    visible = selectors.requests_visible_to(viewer, request)
    rows = []
    for rr in visible.filter(requester=person).exclude(status="draft").order_by("-submitted_at"):
        rows.append(
            [
                _("Filed"),
                str(rr.pk),
                str(rr.get_kind_display()),
                rr.title,
                str(rr.get_status_display()),
                timezone.localtime(rr.submitted_at).strftime("%Y-%m-%d") if rr.submitted_at else "",
                rr.reference_no or "",
            ]
        )
    decisions = (
        ReviewDecision.objects.filter(actor=person, request__in=visible)
        .exclude(action__in=[DecisionAction.SUBMIT, DecisionAction.RESUBMIT, DecisionAction.COMMENT])
        .select_related("request")
        .order_by("-created_at")
    )
    for d in decisions:
        rows.append(
            [
                _("Decided"),
                str(d.request_id),
                str(d.request.get_kind_display()),
                d.request.title,
                str(d.get_action_display()),
                timezone.localtime(d.created_at).strftime("%Y-%m-%d"),
                d.request.reference_no or "",
            ]
        )
    if not rows:
        return None
    return section_class(
        key="reviews",
        title=_("Secrecy reviews"),
        columns=[_("Part"), _("No."), _("Type"), _("Title"), _("Status or decision"), _("Date"), _("Reference number")],
        rows=rows,
        url=reverse("reviews:index"),
    )

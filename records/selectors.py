"""Reads of the records app. Every classified item is read through portal.access (filters inside the query)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from portal import access
from portal.enums import CLEARANCE_MARK, Clearance
from portal.hooks import DossierSection
from portal.models import SecureDocument, SecurityProfile
from records.enums import BorrowingKind
from records.models import Agreement, Borrowing, Departure, MarkingDecision, NonCompeteTerm, TermReview
from records.services.agreements import noncompete_findings
from records.services.register import marked_models


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def has_left(user, day=None):
    """Whether the user's leave date has passed (O52): their records pages and 保密办 powers end with it."""
    day = day or timezone.localdate()
    return SecurityProfile.objects.filter(user_id=user.pk, left_on__lte=day).exists()


# --- agreements ---------------------------------------------------------------------------------------------------


def agreements_open_for(*, user):
    return Agreement.objects.filter(user=user, signed_at__isnull=True).select_related("template").order_by("due_on")


def agreements_signed_for(*, user):
    return (
        Agreement.objects.filter(user=user, signed_at__isnull=False)
        .select_related("template", "version")
        .order_by("-signed_at")
    )


def agreements_unsigned(*, day=None):
    """Open signing tasks of people still employed, oldest due first (for 保密办)."""
    return (
        Agreement.objects.filter(signed_at__isnull=True, user__is_active=True, user__security_profile__left_on=None)
        .select_related("template", "user__security_profile__department")
        .order_by("due_on", "pk")
    )


def noncompete_rows():
    return [
        (term, noncompete_findings(term))
        for term in NonCompeteTerm.objects.select_related("user").order_by("-created_at")
    ]


# --- 定密台账 -----------------------------------------------------------------------------------------------------


@dataclass
class RegisterRow:
    content_type_id: int
    pk: int
    type_label: str
    title: str
    clearance: int
    term: str
    until: datetime.date | None
    basis: str
    classifier: str
    scope: str

    @property
    def clearance_label(self):
        return CLEARANCE_MARK[Clearance(self.clearance)]

    @property
    def url(self):
        return f"/records/register/{self.content_type_id}/{self.pk}/"


def register_types():
    return [(ContentType.objects.get_for_model(m).pk, str(m._meta.verbose_name)) for m in marked_models()]


REGISTER_QUERY_COLUMNS = ("r_type", "r_pk", "r_title", "r_clearance", "r_term", "r_until", "r_basis", "r_classifier")
HYDRATE_CHUNK = 1000


def register_queryset(*, user, request=None, clearance=None, content_type_id=None, expiring_days=None, day=None):
    """Every classified item the viewer may read, across all marked models, as one UNION sorted in SQL (earliest
    保密期限 first, then the higher 密级, then the title): a page of the register reads only its own rows.
    Rows are tuples of REGISTER_QUERY_COLUMNS; `register_rows_for` turns them into RegisterRows. None if no model
    applies."""
    day = day or timezone.localdate()
    q = access.access_q(access.viewer_for(user, request))
    branches = []
    for model in marked_models():
        content_type = ContentType.objects.get_for_model(model)
        if content_type_id and content_type.pk != content_type_id:
            continue
        items = model.objects.filter(clearance__gt=Clearance.INTERNAL).filter(q)
        if clearance:
            items = items.filter(clearance=clearance)
        if expiring_days is not None:
            items = items.filter(
                secrecy_until__isnull=False, secrecy_until__lte=day + datetime.timedelta(expiring_days)
            )
        title = (
            F("title") if _has_field(model, "title") else Coalesce(Substr("current_version__text", 1, 60), Value(""))
        )
        branches.append(
            items.order_by()
            .annotate(
                r_type=Value(content_type.pk, output_field=IntegerField()),
                r_pk=F("pk"),
                r_title=title,
                r_clearance=F("clearance"),
                r_term=F("secrecy_term"),
                r_until=F("secrecy_until"),
                r_basis=F("classification_basis"),
                r_classifier=F("classifier_id"),
                r_sort=Coalesce("secrecy_until", Value(datetime.date.max)),
            )
            .values_list(*REGISTER_QUERY_COLUMNS, "r_sort")
        )
    if not branches:
        return None
    return branches[0].union(*branches[1:], all=True).order_by("r_sort", "-r_clearance", "r_title", "r_type", "r_pk")


def register_rows_for(tuples):
    """RegisterRows for rows of register_queryset, with classifier names and 知悉范围 read per chunk (a query per
    model and one for the people), not per row."""
    rows = []
    tuples = list(tuples)
    for start in range(0, len(tuples), HYDRATE_CHUNK):
        rows.extend(_register_rows_chunk(tuples[start : start + HYDRATE_CHUNK]))
    return rows


def _register_rows_chunk(tuples):
    models = {ContentType.objects.get_for_model(model).pk: model for model in marked_models()}
    scopes, pks_by_type = {}, {}
    for row in tuples:
        pks_by_type.setdefault(row[0], []).append(row[1])
    for type_id, pks in pks_by_type.items():
        model = models[type_id]
        if _has_field(model, "scope"):
            for pk, name in model.objects.filter(pk__in=pks, scope__isnull=False).values_list("pk", "scope__name"):
                scopes.setdefault((type_id, pk), []).append(name)
    people = get_user_model().objects.in_bulk({row[7] for row in tuples if row[7]})
    return [
        RegisterRow(
            content_type_id=type_id,
            pk=pk,
            type_label=str(models[type_id]._meta.verbose_name),
            title=title or f"#{pk}",
            clearance=clearance,
            term=term,
            until=until,
            basis=basis,
            classifier=_name(people.get(classifier_id)),
            scope="、".join(sorted(scopes.get((type_id, pk), []))) or _("Everyone with the clearance"),
        )
        for type_id, pk, title, clearance, term, until, basis, classifier_id, *_sort in tuples
    ]


def register_rows(**filters):
    """The whole register as RegisterRows (the export); see register_queryset for the filters."""
    queryset = register_queryset(**filters)
    return [] if queryset is None else register_rows_for(queryset)


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def item_history(obj):
    """The item's decisions and its Wagtail audit entries of the records app, newest first."""
    content_type = ContentType.objects.get_for_model(next(m for m in marked_models() if isinstance(obj, m)))
    decisions = MarkingDecision.objects.filter(content_type=content_type, object_id=str(obj.pk)).select_related(
        "decided_by"
    )
    if isinstance(obj, Page):
        logs = PageLogEntry.objects.filter(page_id=obj.pk)
    else:
        logs = ModelLogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
    logs = logs.filter(action__startswith="records.").select_related("user").order_by("-timestamp")
    return list(decisions), list(logs)


def term_review_open(obj):
    content_type = ContentType.objects.get_for_model(next(m for m in marked_models() if isinstance(obj, m)))
    return TermReview.objects.filter(content_type=content_type, object_id=str(obj.pk), resolved_at__isnull=True).first()


# --- 借阅 ---------------------------------------------------------------------------------------------------------


def borrowings_for(*, person, viewer, request=None):
    """A person's borrowings, with the document title only where the viewer may read the document."""
    rows = list(Borrowing.objects.filter(user=person).select_related("document").order_by("-borrowed_at"))
    readable = set(
        access.visible(
            SecureDocument.objects.filter(pk__in={b.document_id for b in rows}), viewer, request
        ).values_list("pk", flat=True)
    )
    for borrowing in rows:
        borrowing.readable = borrowing.document_id in readable
        borrowing.display_title = borrowing.document.title if borrowing.readable else _("(restricted)")
    return rows


def borrowing_register(*, user, request=None, open_only=False):
    rows = Borrowing.objects.select_related("user__security_profile__department", "document").order_by("-borrowed_at")
    if open_only:
        rows = rows.filter(kind=BorrowingKind.BORROW, returned_at__isnull=True)
    rows = list(rows[:500])
    readable = set(
        access.visible(SecureDocument.objects.filter(pk__in={b.document_id for b in rows}), user, request).values_list(
            "pk", flat=True
        )
    )
    for borrowing in rows:
        borrowing.display_title = borrowing.document.title if borrowing.document_id in readable else _("(restricted)")
    return rows


# --- 离职 ---------------------------------------------------------------------------------------------------------


def departures_list():
    return Departure.objects.select_related("user").prefetch_related("items").order_by("closed_at", "leave_on")


def departure_open_for(*, user):
    return Departure.objects.filter(user=user, closed_at__isnull=True).first()


# --- 保密档案 -----------------------------------------------------------------------------------------------------


def profile_section(person):
    profile = SecurityProfile.objects.select_related("department").filter(user=person).first()
    rows = []
    if profile:
        rows = [
            [_("Name"), _name(person)],
            [_("Employee number"), profile.employee_no],
            [_("Department"), profile.department.name if profile.department else ""],
            [_("Post category"), str(profile.get_post_category_display())],
            [_("Clearance"), str(profile.get_clearance_display())],
            [_("Hire date"), str(profile.hire_date or "")],
            [_("Leave date"), str(profile.left_on or "")],
        ]
    return DossierSection(key="profile", title=_("Profile"), columns=[_("Item"), _("Value")], rows=rows)


def clearance_history_section(person):
    profile = SecurityProfile.objects.filter(user=person).first()
    rows = []
    if profile:
        entries = ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(SecurityProfile),
            object_id=str(profile.pk),
            action="portal.clearance_change",
        ).select_related("user")
        for entry in entries.order_by("-timestamp"):
            data = entry.data or {}
            rows.append(
                [
                    timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M"),
                    _clearance_label(data.get("from")),
                    _clearance_label(data.get("to")),
                    _name(entry.user) or _("system"),
                ]
            )
    return DossierSection(
        key="clearance",
        title=_("Clearance history"),
        columns=[_("When"), _("From"), _("To"), _("Changed by")],
        rows=rows,
    )


def _clearance_label(value):
    return CLEARANCE_MARK[Clearance(value)] if value is not None else "—"


def acknowledgements_section(*, person, viewer, request=None):
    from policies.selectors import person_evidence

    rows = []
    day = timezone.localdate()
    for ack in person_evidence(person=person, user=viewer, request=request):
        rows.append(
            [
                ack.version.title,
                f"v{(ack.read_version or ack.version).number}",
                str(ack.status_on(day).label),
                timezone.localtime(ack.acknowledged_at).strftime("%Y-%m-%d %H:%M") if ack.acknowledged_at else "",
            ]
        )
    return DossierSection(
        key="acknowledgements",
        title=_("Regulation acknowledgements"),
        columns=[_("Regulation"), _("Version"), _("Status"), _("Acknowledged at")],
        rows=rows,
    )


def borrowings_section(*, person, viewer, request=None):
    rows = [
        [
            f"#{b.pk}",
            b.display_title,
            str(b.get_kind_display()),
            b.purpose if b.readable else "",
            b.borrowed_at.strftime("%Y-%m-%d"),
            str(b.due_on or ""),
            b.returned_at.strftime("%Y-%m-%d") if b.returned_at else "",
        ]
        for b in borrowings_for(person=person, viewer=viewer, request=request)
    ]
    return DossierSection(
        key="borrowings",
        title=_("Borrowing, printing and downloads"),
        columns=[_("No."), _("Document"), _("Kind"), _("Purpose"), _("Registered at"), _("Due back"), _("Returned at")],
        rows=rows,
        url=reverse("records:index"),
    )


def dossier_sections(*, person, viewer, request=None):
    """Everything in a person's 保密档案: the records app's own sections, then every section other apps register."""
    from portal.hooks import dossier_sections as hooked_sections

    return [
        profile_section(person),
        clearance_history_section(person),
        acknowledgements_section(person=person, viewer=viewer, request=request),
        *hooked_sections(person=person, viewer=viewer, request=request),
        borrowings_section(person=person, viewer=viewer, request=request),
    ]

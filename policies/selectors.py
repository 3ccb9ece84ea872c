"""Reads of the policies app: what a person sees, and what the 签收 dashboard counts. Every page read goes through
portal.access; dashboard figures come from aggregate queries whose count does not grow with the number of people."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from policies.models import Acknowledgement, AckStatus, PolicyVersion, RegulationPage, RegulationStatus
from portal import access


def regulations_for(*, index, user, request=None, status=RegulationStatus.IN_FORCE, day=None):
    """The index's live regulations the user may read, filtered by status (computed from the dates)."""
    day = day or timezone.localdate()
    pages = RegulationPage.objects.child_of(index).live().order_by("path")
    pages = access.visible(pages, user, request)
    if status == RegulationStatus.REPEALED:
        pages = pages.filter(repealed_on__lte=day)
    elif status == RegulationStatus.NOT_YET:
        pages = pages.filter(effective_on__gt=day).exclude(repealed_on__lte=day)
    elif status == RegulationStatus.IN_FORCE:
        pages = pages.exclude(repealed_on__lte=day).exclude(effective_on__gt=day)
    return pages


def acks_pending_for(*, user, request=None):
    """The user's open acknowledgements, soonest due first, for regulations they may read."""
    if not user.is_authenticated:
        return Acknowledgement.objects.none()
    viewer = access.viewer_for(user, request)
    return (
        Acknowledgement.objects.open()
        .current()
        .filter(user=user)
        .filter(access.access_q(viewer, prefix="version__regulation__"))
        .select_related("version__regulation")
        .order_by("due_on", "pk")
    )


def ack_open_for(*, user, regulation):
    return Acknowledgement.objects.open().filter(user=user, version__regulation=regulation).first()


def ack_last_for(*, user, regulation):
    return (
        Acknowledgement.objects.filter(user=user, version__regulation=regulation, acknowledged_at__isnull=False)
        .select_related("read_version")
        .order_by("-acknowledged_at")
        .first()
    )


def versions_of(regulation):
    return regulation.versions.select_related("published_by").order_by("-number")


# --- dashboard -------------------------------------------------------------------------------------------------


def _status_q(status, day):
    if status == AckStatus.DONE:
        return Q(acknowledged_at__isnull=False)
    if status == AckStatus.OVERDUE:
        return Q(acknowledged_at__isnull=True, due_on__lt=day)
    if status == AckStatus.PENDING:
        return Q(acknowledged_at__isnull=True, due_on__gte=day)
    return Q()


def _readable_by(user, request, prefix):
    """Dashboards are read under the same rule as pages: a regulation the admin may not open is not counted."""
    return access.access_q(access.viewer_for(user, request), prefix=prefix)


def dashboard_versions(*, user, request=None):
    """Versions that have acknowledgement rows, newest first, with their regulation."""
    # Exists, not a join + DISTINCT: the join would de-duplicate 100,000 rows carrying the JSON snapshot.
    has_rows = Exists(Acknowledgement.objects.filter(version=OuterRef("pk")))
    return (
        PolicyVersion.objects.filter(has_rows, requires_ack=True)
        .filter(_readable_by(user, request, "regulation__"))
        .defer("content")
        .select_related("regulation")
        .order_by("regulation__path", "-number")
    )


def dashboard_rows(*, user, request=None, version_ids=None, department_id=None, post_category=None, day=None):
    """Per version and department: required, done, overdue. One aggregate query."""
    day = day or timezone.localdate()
    rows = Acknowledgement.objects.required().filter(_readable_by(user, request, "version__regulation__"))
    if version_ids:
        rows = rows.filter(version_id__in=version_ids)
    if department_id:
        rows = rows.filter(user__security_profile__department_id=department_id)
    if post_category:
        rows = rows.filter(user__security_profile__post_category=post_category)
    return list(
        rows.order_by()
        .values(
            "version_id",
            "version__number",
            "version__title",
            "user__security_profile__department_id",
            "user__security_profile__department__name",
        )
        .annotate(
            required=Count("id"),
            done=Count("id", filter=_status_q(AckStatus.DONE, day)),
            overdue=Count("id", filter=_status_q(AckStatus.OVERDUE, day)),
        )
        .order_by("version__title", "-version__number", "user__security_profile__department__name")
    )


def dashboard_people(
    *, user, version_id, request=None, department_id=None, post_category=None, status=None, search="", day=None
):
    """The people behind a dashboard row, with everything the table and the Excel export show."""
    day = day or timezone.localdate()
    rows = (
        Acknowledgement.objects.required()
        .filter(_readable_by(user, request, "version__regulation__"))
        .filter(version_id=version_id)
        .filter(_status_q(status, day))
        .select_related("user__security_profile__department", "version")
        .defer("version__content")  # the text snapshot is not shown; parsing it per row tripled the export time
    )
    if department_id:
        rows = rows.filter(user__security_profile__department_id=department_id)
    if post_category:
        rows = rows.filter(user__security_profile__post_category=post_category)
    if search:
        rows = rows.filter(
            Q(user__username__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(user__security_profile__employee_no__icontains=search)
        )
    return rows.order_by("user__security_profile__department__name", "user__security_profile__employee_no", "pk")


def person_evidence(*, person, user, request=None):
    """A person's acknowledgement record: every version delivered to them, signed or not (as `user` may read)."""
    return (
        Acknowledgement.objects.filter(user=person)
        .filter(_readable_by(user, request, "version__regulation__"))
        .select_related("version", "read_version")
        .order_by("version__title", "version__number")
    )


def policy_elements_missing(day=None):
    """O02 深圳条例 第十一条: elements a 保密制度 must cover that no article of a regulation in force is tagged with."""
    from policies.blocks import POLICY_ELEMENTS

    covered = set()
    pages = RegulationPage.objects.live().exclude(repealed_on__lte=day or timezone.localdate())
    for page in pages.only("pk", "body"):
        covered.update(element for article in page.articles for element in article["elements"])
    return [(code, label) for code, label in POLICY_ELEMENTS if code not in covered]

"""The 签收 dashboard for 保密办: counts per version and department, the people behind them, Excel and PDF evidence."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from wagtail.log_actions import log

from policies import exports, selectors
from policies.models import AckStatus, PolicyVersion
from portal import access
from portal.enums import PostCategory
from portal.models import Department

DASHBOARD_PERMISSION = "policies.view_acknowledgement"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request):
    category = request.GET.get("post_category") or None
    status = request.GET.get("status") or None
    return {
        "department_id": _int(request.GET.get("department")),
        "post_category": category if category in PostCategory.values else None,
        "status": status if status in AckStatus.values else None,
    }


def _private(response):
    add_never_cache_headers(response)
    return response


def _allowed(request):
    return request.user.has_perm(DASHBOARD_PERMISSION)


def ack_dashboard(request):
    if not _allowed(request):
        return access.deny(request)
    filters = _filters(request)
    versions = list(selectors.dashboard_versions(user=request.user, request=request))
    version_id = _int(request.GET.get("version"))
    rows = selectors.dashboard_rows(
        user=request.user,
        request=request,
        version_ids=[version_id] if version_id else None,
        department_id=filters["department_id"],
        post_category=filters["post_category"],
    )
    totals = {}
    for row in rows:
        row["pending"] = row["required"] - row["done"] - row["overdue"]
        row["rate"] = round(100 * row["done"] / row["required"]) if row["required"] else 100
        total = totals.setdefault(
            row["version_id"],
            {
                "version_id": row["version_id"],
                "title": row["version__title"],
                "number": row["version__number"],
                "required": 0,
                "done": 0,
                "overdue": 0,
                "rows": [],
            },
        )
        for key in ("required", "done", "overdue"):
            total[key] += row[key]
        total["rows"].append(row)
    for total in totals.values():
        total["pending"] = total["required"] - total["done"] - total["overdue"]
        total["rate"] = round(100 * total["done"] / total["required"]) if total["required"] else 100
    context = {
        "versions": versions,
        "departments": Department.objects.order_by("name"),
        "post_categories": PostCategory.choices,
        "filters": filters,
        "version_id": version_id,
        "groups": list(totals.values()),
        "missing_elements": selectors.policy_elements_missing(),
        "today": timezone.localdate(),
    }
    return _private(render(request, "policies/admin/ack_dashboard.html", context))


def ack_people(request, version_id):
    if not _allowed(request):
        return access.deny(request)
    version = get_object_or_404(
        PolicyVersion.objects.select_related("regulation").filter(
            access.access_q(access.viewer_for(request.user, request), prefix="regulation__")
        ),
        pk=version_id,
    )
    filters = _filters(request)
    search = (request.GET.get("q") or "").strip()[:50]
    people = selectors.dashboard_people(
        user=request.user, request=request, version_id=version.pk, search=search, **filters
    )
    if request.GET.get("format") == "xlsx":
        log(
            instance=version.regulation,
            action="policies.ack_export",
            user=request.user,
            data={"version": version.number, **{k: v for k, v in filters.items() if v}},
        )
        content = exports.acks_workbook(people, title=f"{version.title} v{version.number} 签收情况")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="acknowledgements-v{version.pk}.xlsx"'
        return _private(response)
    page = Paginator(people, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        "version": version,
        "page_obj": page,
        "departments": Department.objects.order_by("name"),
        "post_categories": PostCategory.choices,
        "statuses": AckStatus.choices,
        "filters": filters,
        "search": search,
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return _private(render(request, "policies/admin/ack_people.html", context))


def person_evidence_pdf(request, user_id):
    if not _allowed(request):
        return access.deny(request)
    person = get_object_or_404(get_user_model().objects.select_related("security_profile__department"), pk=user_id)
    acks = selectors.person_evidence(person=person, user=request.user, request=request)
    log(
        instance=person.security_profile,
        action="policies.evidence_export",
        user=request.user,
        data={"user_id": person.pk},
    )
    response = HttpResponse(exports.person_evidence_pdf(person, acks), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="acknowledgements-{person.pk}.pdf"'
    return _private(response)

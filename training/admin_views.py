"""保密办 admin pages: completion dashboard, drill-down and export, question-bank import/export, a person's record."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from portal import access
from portal.enums import PostCategory
from portal.models import Department
from portal.services.audit import never_cache_private, read_record
from training import exports, selectors
from training.models import Question
from training.services.importing import bank_import

DASHBOARD_PERMISSION = selectors.DASHBOARD_PERMISSION
DASHBOARD_PERMISSIONS = (selectors.DASHBOARD_PERMISSION, selectors.DEPARTMENT_DASHBOARD_PERMISSION)
BANK_PERMISSION = "training.add_question"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request, scope):
    """The dashboard filters from the query string, or None when they ask for a department outside the scope."""
    category = request.GET.get("post_category") or None
    department_id = _int(request.GET.get("department"))
    if department_id is not None and not scope.allows(department_id):
        return None
    return {
        "course_id": _int(request.GET.get("course")),
        "cycle": _int(request.GET.get("cycle")),
        "department_id": department_id or scope.department_id,
        "post_category": category if category in PostCategory.values else None,
    }


def _filter_context(request, filters, scope):
    departments = Department.objects.order_by("name")
    if scope.department_id is not None:
        departments = departments.filter(pk=scope.department_id)
    return {
        "courses": selectors.courses_for(user=request.user, request=request),
        "cycles": selectors.dashboard_cycles(),
        "departments": departments,
        "post_categories": PostCategory.choices,
        "filters": filters,
        "department_scoped": scope.department_id is not None,
    }


def dashboard(request):
    scope = selectors.dashboard_scope_for(user=request.user)
    filters = _filters(request, scope) if scope else None
    if filters is None:
        return access.deny(request)
    group = request.GET.get("group") if request.GET.get("group") in selectors.DASHBOARD_GROUPS else "course"
    rows = selectors.dashboard_rows(user=request.user, request=request, group=group, **filters)
    categories = dict(PostCategory.choices)
    for row in rows:
        row["label"] = (
            row.get("course__title")
            or row.get("department__name")
            or categories.get(row.get("post_category"))
            or row.get("cycle")
            or "—"
        )
        row["link"] = _drill_query(group, row, filters)
        row["average_minutes"] = round(row["average_seconds"] / 60, 1) if row["average_seconds"] else None
    if request.GET.get("format") == "xlsx":
        log(
            instance=request.user.security_profile,
            action="training.export",
            user=request.user,
            data={"group": group, **{k: v for k, v in filters.items() if v}},
        )
        response = HttpResponse(
            exports.dashboard_workbook(rows, title=_("Training completion")), content_type=exports.XLSX
        )
        response["Content-Disposition"] = 'attachment; filename="training-dashboard.xlsx"'
        return never_cache_private(response)
    context = {
        **_filter_context(request, filters, scope),
        "group": group,
        "groups": [
            ("course", _("Course")),
            ("cycle", _("Cycle")),
            ("department", _("Department")),
            ("post_category", _("Post category")),
        ],
        "rows": rows,
    }
    return never_cache_private(render(request, "training/admin/dashboard.html", context))


def _drill_query(group, row, filters):
    params = {k: v for k, v in filters.items() if v}
    key = {
        "course": ("course", row.get("course_id")),
        "cycle": ("cycle", row.get("cycle")),
        "department": ("department", row.get("department_id")),
        "post_category": ("post_category", row.get("post_category")),
    }[group]
    params = {{"course_id": "course", "department_id": "department"}.get(k, k): v for k, v in params.items()}
    if key[1] is not None:
        params[key[0]] = key[1]
    return "&".join(f"{k}={v}" for k, v in params.items())


def people(request):
    scope = selectors.dashboard_scope_for(user=request.user)
    filters = _filters(request, scope) if scope else None
    if filters is None:
        return access.deny(request)
    status = request.GET.get("status") if request.GET.get("status") in {"passed", "overdue", "open"} else None
    rows = selectors.dashboard_people(user=request.user, request=request, status=status, **filters)
    if request.GET.get("format") == "xlsx":
        log(
            instance=request.user.security_profile,
            action="training.export",
            user=request.user,
            data={k: v for k, v in {**filters, "status": status}.items() if v},
        )
        rows = selectors.dashboard_export_rows(user=request.user, request=request, status=status, **filters)
        content = exports.people_workbook(rows, title=_("Training completion"))
        response = HttpResponse(content, content_type=exports.XLSX)
        response["Content-Disposition"] = 'attachment; filename="training-completion.xlsx"'
        return never_cache_private(response)
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        **_filter_context(request, filters, scope),
        "status": status,
        "page_obj": Paginator(rows, 50).get_page(request.GET.get("p")),
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return never_cache_private(render(request, "training/admin/people.html", context))


def person_record(request, user_id):
    scope = selectors.dashboard_scope_for(user=request.user)
    if scope is None:
        return access.deny(request)
    person = get_object_or_404(get_user_model().objects.select_related("security_profile__department"), pk=user_id)
    profile = getattr(person, "security_profile", None)
    if not scope.allows(profile.department_id if profile else None):
        return access.deny(request)
    record = selectors.person_record(person=person, user=request.user, request=request)
    context = {"person": person, "record": record}
    return never_cache_private(render(request, "training/admin/person.html", context))


def coverage(request):
    """O57: which of the ten 第五条 areas have published material in a year (保密办 only)."""
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        return access.deny(request)
    this_year = timezone.localdate().year
    year = _int(request.GET.get("year")) or this_year
    year = min(max(year, 2000), this_year + 1)
    rows = selectors.content_coverage_for(user=request.user, request=request, year=year)
    context = {"rows": rows, "year": year, "years": range(this_year + 1, this_year - 5, -1)}
    return never_cache_private(render(request, "training/admin/coverage.html", context))


def campaign_reports(request):
    """O59: the campaigns the viewer may open, each linking to its report."""
    scope = selectors.dashboard_scope_for(user=request.user)
    if scope is None:
        return access.deny(request)
    context = {"campaigns": selectors.campaigns_for_report(user=request.user, request=request)}
    return never_cache_private(render(request, "training/admin/campaigns.html", context))


def campaign_report(request, campaign_id):
    """O59: views and contest participation of one campaign. 保密办 sees every department (and may pick one); a
    部门保密员 sees their own department's row only; a campaign the viewer may not open is denied like a missing one."""
    scope = selectors.dashboard_scope_for(user=request.user)
    if scope is None:
        return access.deny(request)
    campaign = selectors.campaigns_for_report(user=request.user, request=request).filter(pk=campaign_id).first()
    department_id = _int(request.GET.get("department"))
    if campaign is None or (department_id is not None and not scope.allows(department_id)):
        return access.deny(request)
    report = selectors.campaign_report(
        user=request.user, request=request, campaign=campaign, department_id=department_id or scope.department_id
    )
    read_record(request=request, obj=campaign, action="report")
    if request.GET.get("format") == "xlsx":
        log(
            instance=request.user.security_profile,
            action="training.campaign_export",
            user=request.user,
            data={"campaign": campaign.pk, "department": department_id or scope.department_id},
        )
        response = HttpResponse(exports.campaign_workbook(report), content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.xlsx"'
        return never_cache_private(response)
    departments = Department.objects.order_by("name")
    if scope.department_id is not None:
        departments = departments.filter(pk=scope.department_id)
    context = {
        "report": report,
        "departments": departments,
        "department_id": department_id,
        "department_scoped": scope.department_id is not None,
    }
    return never_cache_private(render(request, "training/admin/campaign_report.html", context))


class BankImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


def bank_import_view(request):
    if not request.user.has_perm(BANK_PERMISSION):
        return access.deny(request)
    result = None
    form = BankImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = bank_import(actor=request.user, data=upload.read(10 * 1024 * 1024))
        if result.created:
            log(
                instance=request.user.security_profile,
                action="training.bank_import",
                user=request.user,
                data={"created": result.created},
            )
    context = {"form": form, "result": result, "columns": exports.BANK_COLUMNS}
    return never_cache_private(render(request, "training/admin/bank_import.html", context))


def bank_export(request):
    if not request.user.has_perm("training.view_question"):
        return access.deny(request)
    questions = access.visible(Question.objects.all(), request.user, request).select_related(
        "category", "current_version__source_regulation"
    )
    log(instance=request.user.security_profile, action="training.bank_export", user=request.user, data={})
    response = HttpResponse(exports.bank_workbook(questions), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="question-bank.xlsx"'
    return never_cache_private(response)

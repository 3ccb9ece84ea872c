"""Reads shown to users and to 保密办. Every one is filtered by portal.access inside its query."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal import access
from portal.enums import PostCategory
from portal.models import Department, SecurityProfile
from training.enums import AttemptStatus, ContentArea
from training.models import (
    Assignment,
    AssignmentSummary,
    Attempt,
    CampaignPage,
    CampaignView,
    Certificate,
    ContestPage,
    CoursePage,
    LessonPage,
    Question,
    StudyHoursTarget,
)
from training.services.viewers import viewer_of

DASHBOARD_GROUPS = {
    "course": ("course_id", "cycle"),
    "cycle": ("cycle",),
    "department": ("department_id",),
    "post_category": ("post_category",),
}


DASHBOARD_PERMISSION = "training.view_assignment"
DEPARTMENT_DASHBOARD_PERMISSION = "training.view_department_assignments"


@dataclass(frozen=True)
class DashboardScope:
    """The departments a dashboard viewer may see: every one (department_id None) or a single one."""

    department_id: int | None = None

    def allows(self, department_id):
        return self.department_id is None or department_id == self.department_id


def dashboard_scope_for(*, user):
    """保密办 (training.view_assignment) sees every department; a 部门保密员 (training.view_department_assignments)
    only their own (O63); anyone else, or an officer without a department, gets None: no dashboard."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.has_perm(DASHBOARD_PERMISSION):
        return DashboardScope()
    if user.has_perm(DEPARTMENT_DASHBOARD_PERMISSION):
        department_id = SecurityProfile.objects.filter(user=user).values_list("department_id", flat=True).first()
        return DashboardScope(department_id) if department_id else None
    return None


def rule_department_scope_for(*, user):
    """For assignment rules: None when the editor works company-wide (保密办, superusers), else the one department
    they may assign to (a 部门保密员's own), or 0 when they have none: nothing can be assigned."""
    if user.is_superuser or user.has_perm(DASHBOARD_PERMISSION):
        return None
    department_id = SecurityProfile.objects.filter(user=user).values_list("department_id", flat=True).first()
    return department_id or 0


def _q(user, request, prefix=""):
    return access.access_q(viewer_of(user, request), prefix=prefix)


def courses_for(*, user, request=None):
    return access.visible(CoursePage.objects.live().order_by("path"), user, request)


def campaigns_for(*, user, request=None):
    return access.visible(CampaignPage.objects.live().order_by("-starts_on", "path"), user, request)


def campaigns_for_report(*, user, request=None):
    """Every campaign the viewer may open that has been published (a withdrawn campaign keeps its figures; a draft
    that never went out has none)."""
    return CampaignPage.objects.filter(_q(user, request), first_published_at__isnull=False).order_by(
        "-starts_on", "-pk"
    )


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def campaign_report(*, user, campaign, request=None, department_id=None):
    """O59: how far a campaign reached, by department and in total. The population is the campaign's audience today,
    as the advance notice counts it (active, not departed, cleared, in its 知悉范围), narrowed to `department_id` when
    given (a 部门保密员 gets their department only). Per department: audience, viewers (people who opened the campaign
    or one of its articles or contests) and the view rate; then per contest the viewer may see: took (a graded
    attempt), passed, participation rate and average score over graded attempts (the leaderboard's rule). A fixed
    number of queries, whatever the audience."""
    from training.services.assignments import eligible_people_q

    audience = get_user_model().objects.filter(eligible_people_q(campaign))
    if department_id:
        audience = audience.filter(security_profile__department_id=department_id)
    people = audience.values("pk")
    dept = "security_profile__department_id"
    sizes = dict(audience.values_list(dept).annotate(n=Count("pk", distinct=True)).order_by())
    viewers = dict(
        CampaignView.objects.filter(campaign=campaign, user_id__in=people)
        .values_list(f"user__{dept}")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    contests = list(
        ContestPage.objects.child_of(campaign).filter(_q(user, request)).order_by("path").values("pk", "title")
    )
    graded = Attempt.objects.filter(
        page_id__in=[c["pk"] for c in contests], status=AttemptStatus.GRADED, user_id__in=people
    )
    took = Count("user_id", distinct=True)
    passed = Count("user_id", distinct=True, filter=Q(passed=True))
    by_department = {
        (row["page_id"], row[f"user__{dept}"]): row
        for row in graded.values("page_id", f"user__{dept}").annotate(took=took, passed=passed, average=Avg("score"))
    }
    overall = {
        row["page_id"]: row for row in graded.values("page_id").annotate(took=took, passed=passed, average=Avg("score"))
    }
    names = dict(Department.objects.filter(pk__in=[pk for pk in sizes if pk]).values_list("pk", "name"))

    def contest_cells(rows, key, size):
        cells = []
        for contest in contests:
            row = rows.get(key(contest["pk"])) or {}
            average = row.get("average")
            cells.append(
                {
                    "took": row.get("took", 0),
                    "passed": row.get("passed", 0),
                    "rate": _rate(row.get("took", 0), size),
                    "average": round(float(average), 1) if average is not None else None,
                }
            )
        return cells

    rows = []
    for pk in sorted(sizes, key=lambda pk: (pk is None, names.get(pk, ""))):
        size, seen = sizes[pk], viewers.get(pk, 0)
        rows.append(
            {
                "department_id": pk,
                "department": names.get(pk, "—"),
                "audience": size,
                "viewers": seen,
                "view_rate": _rate(seen, size),
                "contests": contest_cells(by_department, lambda c, pk=pk: (c, pk), size),
            }
        )
    size, seen = sum(sizes.values()), sum(viewers.values())
    total = {
        "audience": size,
        "viewers": seen,
        "view_rate": _rate(seen, size),
        "contests": contest_cells(overall, lambda c: c, size),
    }
    return {"campaign": campaign, "contests": contests, "rows": rows, "total": total}


def assignments_for(*, user, request=None, cycle=None):
    """The user's own assignments of courses they may see, newest cycle first."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    rows = Assignment.objects.filter(_q(user, request, "course__"), user=user, course__live=True)
    if cycle:
        rows = rows.filter(cycle=cycle)
    return rows.select_related("course").order_by("-cycle", "passed_at", "due_on")


def quiz_state_for(*, user, page):
    """What the quiz box on a course or contest page shows: attempts so far, the open one, what is left."""
    from training.services.quiz import attempt_limit

    attempts = list(Attempt.objects.filter(user=user, page=page).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.OPEN and not a.expired()), None)
    limit = attempt_limit(page)
    return {
        "attempts": attempts,
        "open_attempt": open_attempt,
        "limit": limit,
        "remaining": max(0, limit - len(attempts)),
        "is_open": page.quiz_is_open(),
        "passed": any(a.passed for a in attempts),
    }


def leaderboard_for(*, user, request=None, contest_ids):
    """Per department: members, participants, participation rate and average score over the contests the viewer
    may see (a contest they can't open never counts)."""
    if not contest_ids:
        return []
    attempts = Attempt.objects.filter(_q(user, request, "page__"), page_id__in=contest_ids, status=AttemptStatus.GRADED)
    rows = {
        row["user__security_profile__department_id"]: row
        for row in attempts.values("user__security_profile__department_id").annotate(
            participants=Count("user_id", distinct=True), average=Avg("score")
        )
    }
    members = Department.objects.annotate(
        people=Count(
            "members",
            filter=Q(members__user__is_active=True, members__left_on__isnull=True),
        )
    ).values_list("pk", "name", "people")
    board = []
    for pk, name, people in members:
        row = rows.get(pk)
        participants = row["participants"] if row else 0
        board.append(
            {
                "department": name,
                "members": people,
                "participants": participants,
                "rate": round(100 * participants / people) if people else 0,
                "average": round(row["average"], 1) if row and row["average"] is not None else None,
            }
        )
    board.sort(key=lambda r: (-r["rate"], -(r["average"] or 0), r["department"]))
    return board


def visible_course_titles(*, user, request=None):
    """{course id: title} of the courses the viewer may see (any state: old cycles of unpublished courses count)."""
    return dict(CoursePage.objects.filter(_q(user, request)).values_list("pk", "title"))


def _dashboard_base(
    *, user, request=None, course_id=None, cycle=None, department_id=None, post_category=None, course_ids=None
):
    # The visible courses are resolved first (a few rows), so the aggregate reads one table, never the page tree.
    ids = list(visible_course_titles(user=user, request=request)) if course_ids is None else course_ids
    if course_id:
        ids = [course_id] if course_id in ids else []
    rows = Assignment.objects.filter(course_id__in=ids)
    if cycle:
        rows = rows.filter(cycle=cycle)
    if department_id:
        rows = rows.filter(department_id=department_id)
    if post_category:
        rows = rows.filter(post_category=post_category)
    return rows


def dashboard_rows(*, user, request=None, group="course", day=None, **filters):
    """Assigned, completed, passed, overdue, average score and time per group, added up from the summary table (a
    few rows per course, cycle, department, post category and due date, however many people). Labels (course
    titles, department names) come from the small tables."""
    day = day or timezone.localdate()
    fields = DASHBOARD_GROUPS.get(group, DASHBOARD_GROUPS["course"])
    titles = visible_course_titles(user=user, request=request)
    ids = list(titles)
    if filters.get("course_id"):
        ids = [filters["course_id"]] if filters["course_id"] in ids else []
    summary = AssignmentSummary.objects.filter(course_id__in=ids)
    if filters.get("cycle"):
        summary = summary.filter(cycle=filters["cycle"])
    if filters.get("department_id"):
        summary = summary.filter(department_pk=filters["department_id"])
    if filters.get("post_category"):
        summary = summary.filter(post_category=filters["post_category"])
    keys = [{"department_id": "department_pk"}.get(field, field) for field in fields]
    totals = (
        summary.values(*keys)
        .annotate(
            assigned_sum=Sum("assigned"),
            completed=Sum("attempted"),
            passed_sum=Sum("passed"),
            overdue=Coalesce(Sum(F("assigned") - F("passed"), filter=Q(due_on__lt=day)), 0),
            score_sum=Sum("score_total"),
            scored_sum=Sum("scored"),
            seconds_sum=Sum("seconds_total"),
            timed_sum=Sum("timed"),
        )
        .filter(assigned_sum__gt=0)
        .order_by(*keys)
    )
    departments = dict(Department.objects.values_list("pk", "name")) if group == "department" else {}
    rows = []
    for total in totals:
        row = {field: total[key] for field, key in zip(fields, keys, strict=True)}
        if "department_id" in row:
            row["department_id"] = row["department_id"] or None
            row["department__name"] = departments.get(row["department_id"], "")
        if "course_id" in row:
            row["course__title"] = titles.get(row["course_id"], "")
        row.update(
            assigned=total["assigned_sum"],
            completed=total["completed"],
            passed=total["passed_sum"],
            overdue=total["overdue"],
            average_score=total["score_sum"] / total["scored_sum"] if total["scored_sum"] else None,
            average_seconds=total["seconds_sum"] / total["timed_sum"] if total["timed_sum"] else None,
        )
        rows.append(row)
    return rows


def dashboard_recount(*, user, request=None, group="course", day=None, **filters):
    """The same figures counted from the assignment rows (what the summary must agree with)."""
    day = day or timezone.localdate()
    fields = DASHBOARD_GROUPS.get(group, DASHBOARD_GROUPS["course"])
    return list(
        _dashboard_base(user=user, request=request, **filters)
        .values(*fields)
        .annotate(
            assigned=Count("pk"),
            completed=Count("pk", filter=Q(attempted_at__isnull=False)),
            passed=Count("pk", filter=Q(passed_at__isnull=False)),
            overdue=Count("pk", filter=Q(passed_at__isnull=True, due_on__lt=day)),
            average_score=Avg("best_score"),
            average_seconds=Avg("time_spent_seconds"),
        )
        .order_by(*fields)
    )


def dashboard_people(*, user, request=None, status=None, day=None, **filters):
    """The assignments behind a dashboard row, with the person, for drill-down and export."""
    day = day or timezone.localdate()
    rows = _dashboard_base(user=user, request=request, **filters)
    if status == "passed":
        rows = rows.filter(passed_at__isnull=False)
    elif status == "overdue":
        rows = rows.filter(passed_at__isnull=True, due_on__lt=day)
    elif status == "open":
        rows = rows.filter(passed_at__isnull=True, due_on__gte=day)
    return rows.select_related("user__security_profile", "department", "course").order_by(
        "department__name", "user__username", "course_id", "-cycle"
    )


EXPORT_FIELDS = (
    "user__security_profile__employee_no",
    "user__first_name",
    "user__last_name",
    "user__username",
    "department__name",
    "post_category",
    "course__title",
    "cycle",
    "due_on",
    "attempted_at",
    "passed_at",
    "best_score",
    "time_spent_seconds",
)


def dashboard_export_rows(*, user, request=None, status=None, day=None, **filters):
    """The drill-down rows as plain tuples (EXPORT_FIELDS): an export of 10,000 people builds no model objects."""
    people = dashboard_people(user=user, request=request, status=status, day=day, **filters)
    return people.select_related(None).values_list(*EXPORT_FIELDS)


def dashboard_cycles():
    """Cycles from the first to the last on record, newest first (MIN/MAX read the cycle index, not the rows)."""
    bounds = Assignment.objects.aggregate(first=Min("cycle"), last=Max("cycle"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"], bounds["first"] - 1, -1))


def person_record(*, person, user, request=None):
    """保密教育档案: the person's assignments, graded attempts and certificates of courses the viewer may see, and the
    学时 earned per year."""
    assignments = list(
        Assignment.objects.filter(_q(user, request, "course__"), user=person)
        .select_related("course")
        .order_by("-cycle", "course__title")
    )
    attempts = list(
        Attempt.objects.filter(_q(user, request, "page__"), user=person, status=AttemptStatus.GRADED)
        .select_related("page")
        .order_by("-started_at")
    )
    hours = {
        row["issued_at__year"]: row["hours"]
        for row in Certificate.objects.filter(_q(user, request, "course__"), user=person)
        .values("issued_at__year")
        .annotate(hours=Sum("course__study_hours"))
    }
    return {"assignments": assignments, "attempts": attempts, "hours": hours}


def study_hours_for(*, person, year):
    """学时 earned in `year` (each passed course once), whatever the viewer may see: used for targets."""
    courses = Certificate.objects.filter(user=person, issued_at__year=year).values("course_id").distinct()
    return CoursePage.objects.filter(pk__in=courses).aggregate(total=Sum("study_hours"))["total"] or 0


def department_overdue_for(*, user, request=None, day=None):
    """For a department head: the overdue assignments in the departments they head (courses they may see)."""
    day = day or timezone.localdate()
    return (
        Assignment.objects.overdue(day)
        .filter(_q(user, request, "course__"), user__security_profile__department__head=user)
        .select_related("user__security_profile__department", "course")
        .order_by("due_on")
    )


def study_hours_shortfall(*, year, department_ids=None, user_ids=None):
    """People whose 学时 earned in `year` (each passed course once) are below the target of their post category
    (O61): [{"user_id", "department_id", "post_category", "earned", "target"}], fewest hours first. Set-based: one
    query for the targets, one for the people, one for the passes, one for the course hours."""
    targets = dict(StudyHoursTarget.objects.values_list("post_category", "hours"))
    if not targets:
        return []
    people = SecurityProfile.objects.filter(
        user__is_active=True, left_on__isnull=True, post_category__in=list(targets)
    ).order_by("user_id")
    if department_ids is not None:
        people = people.filter(department_id__in=department_ids)
    if user_ids is not None:
        people = people.filter(user_id__in=user_ids)
    people = list(people.values_list("user_id", "department_id", "post_category"))
    passes = (
        Certificate.objects.filter(issued_at__year=year, user_id__in=[p[0] for p in people])
        .values_list("user_id", "course_id")
        .distinct()
    )
    passes = list(passes)
    hours = dict(CoursePage.objects.filter(pk__in={c for _u, c in passes}).values_list("pk", "study_hours"))
    earned = {}
    for user_id, course_id in passes:
        earned[user_id] = earned.get(user_id, 0) + hours.get(course_id, 0)
    rows = [
        {
            "user_id": user_id,
            "department_id": department_id,
            "post_category": category,
            "earned": earned.get(user_id, 0),
            "target": targets[category],
        }
        for user_id, department_id, category in people
        if earned.get(user_id, 0) < targets[category]
    ]
    rows.sort(key=lambda row: (row["earned"], row["user_id"]))
    return rows


def department_study_hours_shortfall_for(*, user, year):
    """For a department head: the people of the departments they head who are below their 学时 target, with names."""
    departments = dict(Department.objects.filter(head=user).values_list("pk", "name"))
    if not departments:
        return []
    rows = study_hours_shortfall(year=year, department_ids=list(departments))
    names = {
        pk: (f"{last}{first}" or username)
        for pk, first, last, username in get_user_model()
        .objects.filter(pk__in=[row["user_id"] for row in rows])
        .values_list("pk", "first_name", "last_name", "username")
    }
    categories = dict(PostCategory.choices)
    for row in rows:
        row["name"] = names.get(row["user_id"], "")
        row["department"] = departments.get(row["department_id"], "")
        row["category_label"] = categories.get(row["post_category"], "")
    return rows


def content_coverage_for(*, user, request=None, year):
    """O57: for each of the ten areas of 保密宣传教育制度 第五条, the live courses and lessons published by the end of
    `year` and the questions in use, counting only what the viewer may see (a lesson without an area counts for its
    course's). Rows in the 第五条 order; `empty` marks an area with no material."""
    end = datetime.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    visible = _q(user, request)
    courses = list(
        CoursePage.objects.live().filter(visible, first_published_at__lt=end).values_list("path", "content_area")
    )
    lessons = LessonPage.objects.live().filter(visible, first_published_at__lt=end)
    course_area = dict(courses)
    counts = {area: {"courses": 0, "lessons": 0, "questions": 0} for area in ContentArea.values}
    for _path, area in courses:
        if area:
            counts[area]["courses"] += 1
    for path, area in lessons.values_list("path", "content_area"):
        area = area or course_area.get(path[: -LessonPage.steplen], "")
        if area:
            counts[area]["lessons"] += 1
    questions = (
        Question.objects.filter(visible, active=True, created_at__lt=end)
        .exclude(category__content_area="")
        .values_list("category__content_area")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for area, total in questions:
        counts[area]["questions"] = total
    return [
        {"area": area, "label": label, **counts[area], "empty": not any(counts[area].values())}
        for area, label in ContentArea.choices
    ]

"""The dashboard's summary of assignments (AssignmentSummary), kept in step with the assignment rows.

Every service that creates, changes or removes assignments passes the rows as they were and as they are now to
`summary_apply`; the difference is added to the summary with `UPDATE … SET n = n + delta`, which is safe under
concurrent writers (each UPDATE locks its row). `summary_rebuild` recounts everything from the assignments, for
data loaded in bulk and as a repair; `summary_differences` compares the two.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from training.models import Assignment, AssignmentSummary

# The assignment fields the summary depends on, in the order `_contribution` reads them.
SUMMARY_FIELDS = (
    "course_id",
    "cycle",
    "department_id",
    "post_category",
    "due_on",
    "attempted_at",
    "passed_at",
    "best_score",
    "time_spent_seconds",
)
KEY_FIELDS = ("course_id", "cycle", "department_pk", "post_category", "due_on")
MEASURES = ("assigned", "attempted", "passed", "score_total", "scored", "seconds_total", "timed")


def summary_row(assignment):
    """An assignment as the tuple `summary_apply` takes (SUMMARY_FIELDS)."""
    return tuple(getattr(assignment, field) for field in SUMMARY_FIELDS)


def _contribution(row):
    course_id, cycle, department_id, category, due_on, attempted_at, passed_at, score, seconds = row
    key = (course_id, cycle, department_id or 0, category or "", due_on)
    values = (
        1,
        int(attempted_at is not None),
        int(passed_at is not None),
        Decimal(score) if score is not None else Decimal(0),
        int(score is not None),
        seconds or 0,
        int(seconds is not None),
    )
    return key, values


def summary_apply(*, removed=(), added=()):
    """Take the `removed` rows out of the summary and put the `added` ones in (tuples of SUMMARY_FIELDS)."""
    deltas = defaultdict(lambda: [0] * len(MEASURES))
    for sign, rows in ((-1, removed), (1, added)):
        for row in rows:
            key, values = _contribution(row)
            delta = deltas[key]
            for i, value in enumerate(values):
                delta[i] += sign * value
    for key, delta in deltas.items():
        if not any(delta):
            continue
        match = dict(zip(KEY_FIELDS, key, strict=True))
        changes = {name: F(name) + value for name, value in zip(MEASURES, delta, strict=True) if value}
        if AssignmentSummary.objects.filter(**match).update(**changes):
            continue
        # A new key: create its row (a concurrent writer may create it first), then add as above.
        AssignmentSummary.objects.bulk_create([AssignmentSummary(**match)], ignore_conflicts=True)
        AssignmentSummary.objects.filter(**match).update(**changes)


def _recount(assignments):
    return (
        assignments.annotate(department_pk=Coalesce("department_id", 0))
        .values("course_id", "cycle", "department_pk", "post_category", "due_on")
        .annotate(
            assigned=Count("pk"),
            attempted=Count("pk", filter=Q(attempted_at__isnull=False)),
            passed=Count("pk", filter=Q(passed_at__isnull=False)),
            score_total=Coalesce(Sum("best_score"), Decimal(0)),
            scored=Count("best_score"),
            seconds_total=Coalesce(Sum("time_spent_seconds"), 0),
            timed=Count("time_spent_seconds"),
        )
        .order_by()
    )


@transaction.atomic
def summary_rebuild():
    """Recount the whole summary from the assignments (after a bulk load, or to repair). Returns the row count."""
    AssignmentSummary.objects.all().delete()
    rows = [AssignmentSummary(**row) for row in _recount(Assignment.objects.all()) if row["assigned"]]
    AssignmentSummary.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def summary_differences():
    """{key: (summary measures, recounted measures)} wherever the summary and the assignments disagree."""

    def table(rows):
        return {
            tuple(row[f] for f in KEY_FIELDS): tuple(row[m] for m in MEASURES)
            for row in rows
            if any(row[m] for m in MEASURES)
        }

    kept = table(AssignmentSummary.objects.values(*KEY_FIELDS, *MEASURES))
    recounted = table(_recount(Assignment.objects.all()))
    return {
        key: (kept.get(key), recounted.get(key))
        for key in kept.keys() | recounted.keys()
        if kept.get(key) != recounted.get(key)
    }


def summary_department_removed(*, department_pk):
    """A deleted department's assignments now have none: move its summary rows to the 'no department' key."""
    rows = list(AssignmentSummary.objects.filter(department_pk=department_pk).values(*KEY_FIELDS, *MEASURES))
    AssignmentSummary.objects.filter(department_pk=department_pk).delete()
    for row in rows:
        match = {**{f: row[f] for f in KEY_FIELDS}, "department_pk": 0}
        changes = {m: F(m) + row[m] for m in MEASURES if row[m]}
        if changes and not AssignmentSummary.objects.filter(**match).update(**changes):
            AssignmentSummary.objects.create(**match, **{m: row[m] for m in MEASURES})

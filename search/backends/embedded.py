"""The embedded backend: an inverted index in the project's own database (SQLite or PostgreSQL), ranked by BM25.

One SQL statement per search: the visible units (the viewer's `access_q`, so the filter is inside the query),
their postings for the query's terms, BM25 per term with document frequencies counted over what the viewer may see,
the best alternative per clause, then units that match enough required clauses. Totals come from a window count
on the same statement, facets from one GROUP BY on it.
"""

from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from portal.access import access_q
from search.backends import SORT_DATE, Filters, Hit, SearchResults
from search.models import SearchPosting, SearchUnit, UnitKind

K1 = 1.2
B = 0.75
STATS_TTL = 300
GENERATION_KEY = "search:embedded:generation"
SUGGEST_LIMIT = 8

UNIT_TABLE = SearchUnit._meta.db_table
POSTING_TABLE = SearchPosting._meta.db_table
HIT_COLUMNS = (
    "id",
    "key",
    "kind",
    "title",
    "url",
    "text",
    "regulation_id",
    "regulation_title",
    "label",
    "heading",
    "marking",
    "effective_clearance",
    "date",
    "department",
)


def index_changed():
    """Called after every write: corpus statistics cached per viewer class are recomputed on the next search."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _visible(viewer):
    return SearchUnit.objects.filter(access_q(viewer))


def _filter_sql(filters):
    """WHERE fragments on the unit alias x for the user's facet choices (never for access: that is `v`)."""
    filters = filters or Filters()
    sql, params = [], []
    if filters.kind:
        sql.append("x.kind = %s")
        params.append(filters.kind)
    if filters.regulation_id:
        sql.append("x.regulation_id = %s")
        params.append(filters.regulation_id)
    if filters.department:
        sql.append("x.department = %s")
        params.append(filters.department)
    if filters.year:
        sql.append("x.date >= %s AND x.date < %s")
        params.extend(
            [timezone.make_aware(datetime(filters.year, 1, 1)), timezone.make_aware(datetime(filters.year + 1, 1, 1))]
        )
    return (" AND ".join(sql) or "1 = 1"), params


class EmbeddedBackend:
    name = "embedded"

    def _stats(self, viewer):
        """(number of visible units, their average length), cached per clearance and groups until the index changes."""
        generation = cache.get(GENERATION_KEY, 0)
        key = f"search:stats:{generation}:{viewer.clearance}:{'.'.join(map(str, sorted(viewer.group_ids)))}"
        stats = cache.get(key)
        if stats is None:
            from django.db.models import Avg, Count

            row = _visible(viewer).aggregate(n=Count("id"), avg=Avg("length"))
            stats = (row["n"] or 0, row["avg"] or 1.0)
            cache.set(key, stats, STATS_TTL)
        return stats

    def _matches_sql(self, viewer, plan, min_required):
        """The CTE chain ending in r(unit_id, score, required): every visible unit that matches the plan."""
        q_rows, terms = [], []
        for clause_no, clause in enumerate(plan.clauses):
            for alt_no, alternative in enumerate(clause.alternatives):
                for term in alternative.terms:
                    q_rows.append(
                        (term, clause_no, alt_no, alternative.weight, len(alternative.terms), int(clause.optional))
                    )
                    terms.append(term)
        terms = list(dict.fromkeys(terms))
        total_units, avgdl = self._stats(viewer)
        visible_sql, visible_params = _visible(viewer).values("id", "length").query.sql_with_params()
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(q_rows))
        placeholders = ", ".join(["%s"] * len(terms))
        sql = f"""
            WITH q(term, clause_no, alt_no, weight, nterms, optional) AS (VALUES {values}),
            v AS ({visible_sql}),
            p AS (
                SELECT pt.unit_id, pt.term, pt.tf, v.length, COUNT(*) OVER (PARTITION BY pt.term) AS df
                FROM {POSTING_TABLE} pt JOIN v ON v.id = pt.unit_id
                WHERE pt.term IN ({placeholders})
            ),
            s AS (
                SELECT p.unit_id, q.clause_no, q.alt_no, MAX(q.weight) AS weight, MAX(q.nterms) AS nterms,
                       MAX(q.optional) AS optional, COUNT(*) AS n,
                       SUM(LN(1.0 + (%s - p.df + 0.5) / (p.df + 0.5))
                           * p.tf * {K1 + 1} / (p.tf + {K1} * ({1 - B} + {B} * p.length / %s))) AS bm
                FROM p JOIN q ON q.term = p.term
                GROUP BY p.unit_id, q.clause_no, q.alt_no
            ),
            c AS (
                SELECT unit_id, clause_no, MAX(optional) AS optional, MAX(weight * bm / nterms) AS cs
                FROM s WHERE n = nterms GROUP BY unit_id, clause_no
            ),
            r AS (
                SELECT unit_id, SUM(cs) AS score, SUM(1 - optional) AS required
                FROM c GROUP BY unit_id HAVING SUM(1 - optional) >= %s
            )
        """
        params = [
            *[value for row in q_rows for value in row],
            *visible_params,
            *terms,
            float(total_units),
            float(avgdl),
            min_required,
        ]
        return sql, params

    def _ranked(self, viewer, plan, filters, sort, offset, limit, min_required):
        matches_sql, params = self._matches_sql(viewer, plan, min_required)
        where, filter_params = _filter_sql(filters)
        required = max(1, len(plan.required))
        order = "x.date IS NULL, x.date DESC, score DESC, x.id" if sort == SORT_DATE else "score DESC, x.position, x.id"
        columns = ", ".join(f"x.{name}" for name in HIT_COLUMNS)
        sql = f"""{matches_sql}
            SELECT {columns}, r.score * (r.required / {float(required)}) * (r.required / {float(required)}) AS score,
                   COUNT(*) OVER () AS total
            FROM r JOIN {UNIT_TABLE} x ON x.id = r.unit_id
            WHERE {where}
            ORDER BY {order}
            LIMIT %s OFFSET %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *filter_params, limit, offset])
            rows = cursor.fetchall()
        hits = [self._hit(row) for row in rows]
        if rows:
            total = rows[0][-1]
        elif offset:
            total = self._count(matches_sql, params, where, filter_params)
        else:
            total = 0
        return hits, total

    def _count(self, matches_sql, params, where, filter_params):
        with connection.cursor() as cursor:
            cursor.execute(
                f"{matches_sql} SELECT COUNT(*) FROM r JOIN {UNIT_TABLE} x ON x.id = r.unit_id WHERE {where}",
                [*params, *filter_params],
            )
            return cursor.fetchone()[0]

    @staticmethod
    def _hit(row):
        data = dict(zip(HIT_COLUMNS, row[: len(HIT_COLUMNS)], strict=True))
        date = data["date"]
        if isinstance(date, str):  # SQLite returns raw text from a hand-written query
            from django.utils.dateparse import parse_datetime

            date = parse_datetime(date)
            if date is not None and timezone.is_naive(date):
                date = timezone.make_aware(date, timezone.UTC)
        return Hit(
            unit_id=data.pop("id"),
            score=float(row[len(HIT_COLUMNS)]),
            date=date,
            **{k: v for k, v in data.items() if k != "date"},
        )

    def _facets(self, viewer, plan, min_required):
        matches_sql, params = self._matches_sql(viewer, plan, min_required)
        year_sql, year_params = connection.ops.date_extract_sql("year", "x.date", [])
        sql = f"""{matches_sql}
            SELECT x.kind, x.regulation_id, x.regulation_title, x.department, {year_sql} AS year, COUNT(*)
            FROM r JOIN {UNIT_TABLE} x ON x.id = r.unit_id
            GROUP BY x.kind, x.regulation_id, x.regulation_title, x.department, {year_sql}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *year_params, *year_params])
            rows = cursor.fetchall()
        return facets_from_groups(rows)

    def search(self, viewer, plan, *, filters=None, sort="", offset=0, limit=10, with_facets=False):
        if viewer is None or plan.is_empty:
            return SearchResults(hits=[], total=0, backend=self.name)
        # Units that match every required clause rank first (coordination), then those that match most of them.
        min_required = plan.min_required(relaxed=True)
        relaxed = min_required < plan.min_required()
        hits, total = self._ranked(viewer, plan, filters, sort, offset, limit, min_required)
        facets = self._facets(viewer, plan, min_required) if with_facets and total else {}
        return SearchResults(hits=hits, total=total, facets=facets, backend=self.name, relaxed=relaxed)

    def suggest(self, viewer, prefix, limit=SUGGEST_LIMIT):
        """Titles of visible regulations, pages and documents that contain what was typed."""
        if viewer is None or not prefix:
            return []
        visible = _visible(viewer)
        regulations = (
            visible.filter(kind=UnitKind.ARTICLE, regulation_title__icontains=prefix)
            .values_list("regulation_title", flat=True)
            .distinct()
            .order_by("regulation_title")[:limit]
        )
        others = (
            visible.exclude(kind=UnitKind.ARTICLE)
            .filter(title__icontains=prefix)
            .values_list("title", flat=True)
            .distinct()
            .order_by("title")[:limit]
        )
        return list(dict.fromkeys([*regulations, *others]))[:limit]


def facets_from_groups(rows):
    """rows of (kind, regulation_id, regulation_title, department, year, count) → facet counts per dimension."""
    kinds, regulations, departments, years = {}, {}, {}, {}
    for kind, regulation_id, regulation_title, department, year, count in rows:
        kinds[kind] = kinds.get(kind, 0) + count
        if regulation_id:
            key = (regulation_id, regulation_title)
            regulations[key] = regulations.get(key, 0) + count
        if department:
            departments[department] = departments.get(department, 0) + count
        if year:
            years[int(year)] = years.get(int(year), 0) + count
    return {
        "kind": sorted(kinds.items(), key=lambda item: -item[1]),
        "regulation": sorted(((rid, title, n) for (rid, title), n in regulations.items()), key=lambda item: -item[2]),
        "department": sorted(departments.items(), key=lambda item: -item[1]),
        "year": sorted(years.items(), reverse=True),
    }

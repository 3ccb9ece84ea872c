"""The embedded backend: an inverted index in the project's own database (SQLite or PostgreSQL), ranked by BM25.

One SQL statement per search: the visible units (the viewer's `access_q`, so the filter is inside the query),
their postings for the query's terms, BM25 per term with document frequencies counted over what the viewer may see,
the best alternative per clause, then units that match enough required clauses. Totals come from a window count
on the same statement, facets from one GROUP BY on it.
"""

import hashlib
import math
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
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
            from django.db.models import Avg

            row = _visible(viewer).aggregate(n=Count("id"), avg=Avg("length"))
            stats = (row["n"] or 0, row["avg"] or 1.0)
            cache.set(key, stats, STATS_TTL)
        return stats

    def _document_frequencies(self, viewer, terms):
        """{term: number of visible units holding it}, cached per viewer class like `_stats`."""
        generation = cache.get(GENERATION_KEY, 0)
        prefix = f"search:df:{generation}:{viewer.clearance}:{'.'.join(map(str, sorted(viewer.group_ids)))}:"
        keys = {term: prefix + hashlib.blake2b(term.encode(), digest_size=8).hexdigest() for term in terms}
        cached = cache.get_many(keys.values())
        frequencies = {term: cached[key] for term, key in keys.items() if key in cached}
        missing = [term for term in terms if term not in frequencies]
        if missing:
            counted = dict(
                SearchPosting.objects.filter(term__in=missing, unit__in=_visible(viewer).values("id"))
                .values_list("term")
                .annotate(n=Count("unit_id"))
                .values_list("term", "n")
            )
            fresh = {term: counted.get(term, 0) for term in missing}
            cache.set_many({keys[term]: n for term, n in fresh.items()}, STATS_TTL)
            frequencies.update(fresh)
        return frequencies

    def _matches_sql(self, viewer, plan, min_required):
        """The CTE chain ending in r(unit_id, score, required): every visible unit that matches the plan.

        One pass over the visible postings of the query's terms, grouped once per unit: BM25 per posting (the
        document frequencies come from `_document_frequencies`), then per alternative its score and how many of its
        terms the unit holds, as conditional sums. A clause scores its best fully present alternative.
        """
        alternatives = []  # (clause_no, optional, weight, terms)
        for clause_no, clause in enumerate(plan.clauses):
            for alternative in clause.alternatives:
                terms = tuple(dict.fromkeys(alternative.terms))
                alternatives.append((clause_no, clause.optional, alternative.weight, terms))
        terms = list(dict.fromkeys(term for *_rest, alt_terms in alternatives for term in alt_terms))
        total_units, avgdl = self._stats(viewer)
        frequencies = self._document_frequencies(viewer, terms)
        idf = {term: math.log(1.0 + (total_units - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
        visible_sql, visible_params = _visible(viewer).values("id", "length").query.sql_with_params()

        idf_case = " ".join("WHEN %s THEN %s" for _term in terms)
        idf_params = [value for term in terms for value in (term, idf[term])]
        term_filter, term_params = self._posting_filter(alternatives, terms, frequencies)
        sums, sum_params = [], []
        for i, (*_head, alt_terms) in enumerate(alternatives):
            test = f"term IN ({', '.join(['%s'] * len(alt_terms))})"
            sums.append(f"SUM(CASE WHEN {test} THEN bm ELSE 0 END) AS s{i}, COUNT(CASE WHEN {test} THEN 1 END) AS n{i}")
            sum_params.extend([*alt_terms, *alt_terms])
        clause_scores, clause_matched = [], []
        for clause_no, clause in enumerate(plan.clauses):
            members = [(i, alt) for i, alt in enumerate(alternatives) if alt[0] == clause_no]
            scores = [
                f"(CASE WHEN n{i} = {len(t)} THEN {float(w) / len(t)} * s{i} ELSE 0 END)"
                for i, (_c, _o, w, t) in members
            ]
            clause_scores.append(scores[0] if len(scores) == 1 else f"{self._greatest}({', '.join(scores)})")
            if not clause.optional:
                present = " OR ".join(f"n{i} = {len(t)}" for i, (_c, _o, _w, t) in members)
                clause_matched.append(f"(CASE WHEN {present} THEN 1 ELSE 0 END)")
        if len(terms) == 1:
            # One term (保密, 涉密): one posting per unit, nothing to group.
            per_unit, sum_params = "SELECT unit_id, bm AS s0, 1 AS n0 FROM p", []
        else:
            per_unit = f"SELECT unit_id, {', '.join(sums)} FROM p GROUP BY unit_id"
        sql = f"""
            WITH v AS ({visible_sql}),
            p AS (
                SELECT pt.unit_id, pt.term,
                       (CASE pt.term {idf_case} ELSE 0 END)
                       * pt.tf * {K1 + 1} / (pt.tf + {K1} * ({1 - B} + {B} * v.length / %s)) AS bm
                FROM {POSTING_TABLE} pt JOIN v ON v.id = pt.unit_id
                WHERE {term_filter}
            ),
            m AS ({per_unit}),
            t AS (
                SELECT unit_id, {" + ".join(clause_scores)} AS score, {" + ".join(clause_matched) or "0"} AS required
                FROM m
            ),
            r AS (SELECT unit_id, score, required FROM t WHERE required >= %s)
        """
        params = [*visible_params, *idf_params, float(avgdl), *term_params, *sum_params, min_required]
        return sql, params

    @staticmethod
    def _posting_filter(alternatives, terms, frequencies):
        """The postings the query needs: a term's postings only in units that hold the rarest term of an alternative
        it belongs to. An alternative counts only when all its terms are present, so a frequent bigram (~保密, in
        most units) is read only where its rare partner (~级别) is, not all tens of thousands of times."""
        drivers = {term: set() for term in terms}
        for *_head, alt_terms in alternatives:
            rarest = min(alt_terms, key=lambda term: (frequencies[term], term))
            for term in alt_terms:
                drivers[term].add(rarest)
        free = [term for term in terms if term in drivers[term]]
        sql = [f"pt.term IN ({', '.join(['%s'] * len(free))})"] if free else []
        params = list(free)
        for term in terms:
            if term in drivers[term]:
                continue
            driven_by = sorted(drivers[term])
            sql.append(
                f"(pt.term = %s AND pt.unit_id IN (SELECT d.unit_id FROM {POSTING_TABLE} d"
                f" WHERE d.term IN ({', '.join(['%s'] * len(driven_by))})))"
            )
            params.extend([term, *driven_by])
        return "(" + " OR ".join(sql) + ")", params

    @property
    def _greatest(self):
        return "MAX" if connection.vendor == "sqlite" else "GREATEST"

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

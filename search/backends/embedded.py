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
from search.query import ALTERNATIVE_TIE_BREAKER

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


def _visible_postings(viewer):
    """Postings of units the viewer may open: the same `access_q`, on the unit's marking copied to each posting."""
    return SearchPosting.objects.filter(access_q(viewer))


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
        # Adapted as the ORM would: a raw SQLite parameter would otherwise be compared as local-time text with the
        # stored UTC text, shifting the year's bounds by the zone's offset.
        params.extend(
            connection.ops.adapt_datetimefield_value(timezone.make_aware(datetime(year, 1, 1)))
            for year in (filters.year, filters.year + 1)
        )
    return (" AND ".join(sql) or "1 = 1"), params


def _local_year_sql(column):
    """The calendar year of a stored datetime in the portal's time zone: the year the year filter selects (its
    bounds are local new years), so a regulation dated 1 January counts in its own year, not the one before."""
    if connection.vendor == "sqlite":
        # Django's extract on SQLite is a Python function called per row, most of the time of a facet count over
        # tens of thousands of matches. SQLite stores UTC text; a year ends on 1 January, so shifting by the zone's
        # offset on that day puts every date in its local year.
        new_year = datetime(timezone.localdate().year, 1, 1)
        offset = int(timezone.get_current_timezone().utcoffset(new_year).total_seconds())
        return f"CAST(strftime('%%Y', {column}, '{offset:+d} seconds') AS INTEGER)", []
    return connection.ops.datetime_extract_sql("year", column, [], timezone.get_current_timezone_name())


class EmbeddedBackend:
    name = "embedded"
    # Read only the postings that can change the answer (see _posting_filter); off reads every posting of every term.
    prune = True

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
                _visible_postings(viewer)
                .filter(term__in=missing)
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

        One pass over the visible postings of the query's terms, grouped once per unit into one BM25 column per
        term (the document frequencies come from `_document_frequencies`); an alternative is present when all its
        term columns are, and scores their sum. A clause scores its best present alternative plus a share of the
        others (ALTERNATIVE_TIE_BREAKER).
        """
        alternatives = []  # (clause_no, optional, weight, terms)
        for clause_no, clause in enumerate(plan.clauses):
            for alternative in clause.alternatives:
                terms = tuple(dict.fromkeys(alternative.terms))
                alternatives.append((clause_no, clause.optional, alternative.weight, terms))
        terms = list(dict.fromkeys(term for *_rest, alt_terms in alternatives for term in alt_terms))
        column = {term: f"b{j}" for j, term in enumerate(terms)}
        total_units, avgdl = self._stats(viewer)
        frequencies = self._document_frequencies(viewer, terms)
        idf = {term: math.log(1.0 + (total_units - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
        postings_sql, postings_params = (
            _visible_postings(viewer).values("unit_id", "term", "tf", "length").query.sql_with_params()
        )
        if self.prune:
            candidates_cte, candidates_params, reads = self._posting_filter(
                plan, alternatives, terms, frequencies, min_required
            )
        else:
            candidates_cte, candidates_params, reads = "", [], [("", [], list(terms))]
        # The postings read: one SELECT per group of terms read the same way (in full, or only in the units a
        # driver subquery lists, joined so that each is a lookup of (term, unit) in the postings key).
        branches, term_params = [], []
        for join_sql, join_params, read_terms in reads:
            branches.append(
                f"SELECT v.unit_id, v.term, v.tf, v.length FROM ({postings_sql}) v {join_sql}"
                f" WHERE v.term IN ({', '.join(['%s'] * len(read_terms))})"
            )
            term_params.extend([*postings_params, *join_params, *read_terms])
        source = (
            " UNION ALL ".join(branches)
            if branches
            else f"SELECT v.unit_id, v.term, v.tf, v.length FROM ({postings_sql}) v WHERE 1 = 0"
        )
        if not branches:
            term_params = list(postings_params)
        # Numbers computed here (never user input) are written into the SQL; terms are parameters.
        norm = f"pt.tf * {K1 + 1!r} / (pt.tf + {K1!r} * ({1 - B!r} + {B!r} * pt.length / {float(avgdl)!r}))"
        if len(terms) == 1:
            # One term (保密, 涉密): one posting per unit, nothing to group.
            per_unit = f"SELECT pt.unit_id, {idf[terms[0]]!r} * {norm} AS b0 FROM ({source}) pt"
            column_params = []
        else:
            columns = ", ".join(
                f"MAX(CASE WHEN pt.term = %s THEN {idf[term]!r} * {norm} END) AS {column[term]}" for term in terms
            )
            per_unit = f"SELECT pt.unit_id, {columns} FROM ({source}) pt GROUP BY pt.unit_id"
            column_params = list(terms)
        clause_scores, clause_matched = [], []
        for clause_no, clause in enumerate(plan.clauses):
            scores, presences = [], []
            for _c, _o, weight, alt_terms in (alt for alt in alternatives if alt[0] == clause_no):
                present = " AND ".join(f"{column[term]} IS NOT NULL" for term in alt_terms)
                total = " + ".join(column[term] for term in alt_terms)
                scores.append(f"(CASE WHEN {present} THEN {float(weight) / len(alt_terms)!r} * ({total}) ELSE 0 END)")
                presences.append(f"({present})")
            if len(scores) == 1:
                clause_scores.append(scores[0])
            else:
                best = f"{self._greatest}({', '.join(scores)})"
                clause_scores.append(
                    f"({1 - ALTERNATIVE_TIE_BREAKER!r} * {best} + {ALTERNATIVE_TIE_BREAKER!r} * ({' + '.join(scores)}))"
                )
            if not clause.optional:
                clause_matched.append(f"(CASE WHEN {' OR '.join(presences)} THEN 1 ELSE 0 END)")
        sql = f"""
            WITH {candidates_cte}
            m AS ({per_unit}),
            t AS NOT MATERIALIZED (
                SELECT unit_id, {" + ".join(clause_scores)} AS score, {" + ".join(clause_matched) or "0"} AS required
                FROM m
            ),
            r AS NOT MATERIALIZED (SELECT unit_id, score, required FROM t WHERE required >= %s)
        """
        # Placeholders in order: the candidates, the term columns, the postings read, the threshold.
        params = [*candidates_params, *column_params, *term_params, min_required]
        return sql, params

    @staticmethod
    def _posting_filter(plan, alternatives, terms, frequencies, min_required):
        """(candidates CTE, its params, reads): the postings the query needs, as (join, its params, terms) reads.

        A unit that matches at least `min_required` of the n required clauses that can match at all must hold a
        term of one of the n - min_required + 1 rarest of them (pigeonhole). Those clauses' terms are read in full
        and define the candidate units; every other term is read only in candidates. An alternative counts only
        when all its terms are present, so a term is also read only where the rarest term of its alternative is:
        保密 (in most units) is read where 离职 is, and the bigram ~保密 where its rare partner ~级别 is.
        The result is the same as reading every posting of every term; only less is read.
        """
        alternative_drivers = {term: set() for term in terms}
        clause_drivers = {}
        for clause_no, _optional, _weight, alt_terms in alternatives:
            rarest = min(alt_terms, key=lambda term: (frequencies[term], term))
            clause_drivers.setdefault(clause_no, set()).add(rarest)
            for term in alt_terms:
                alternative_drivers[term].add(rarest)

        def clause_size(clause_no):
            return sum(frequencies[term] for term in clause_drivers[clause_no])

        matchable = [
            clause_no
            for clause_no, clause in enumerate(plan.clauses)
            if not clause.optional and clause_no in clause_drivers and clause_size(clause_no)
        ]
        if len(matchable) < min_required:
            return "", [], []  # too few of the required words occur anywhere the reader may look
        deciding = sorted(matchable, key=lambda clause_no: (clause_size(clause_no), clause_no))
        deciding = deciding[: len(matchable) - min_required + 1]
        candidate_terms = sorted(set().union(*(clause_drivers[clause_no] for clause_no in deciding)))
        limited_to_candidates = len(deciding) < len(matchable) or any(clause.optional for clause in plan.clauses)
        cte, cte_params = "", []
        if limited_to_candidates:
            cte = (
                f"c AS (SELECT DISTINCT d.unit_id FROM {POSTING_TABLE} d"
                f" WHERE d.term IN ({', '.join(['%s'] * len(candidate_terms))})),"
            )
            cte_params = list(candidate_terms)
        free, driven = [], {}  # driven: {drivers (or "c"): [terms]}
        for term in terms:
            if term not in alternative_drivers[term]:
                driven.setdefault(tuple(sorted(alternative_drivers[term])), []).append(term)
            elif term in candidate_terms or not limited_to_candidates:
                free.append(term)
            else:
                driven.setdefault("c", []).append(term)
        reads = [("", [], free)] if free else []
        for drivers, read_terms in driven.items():
            if drivers == "c":
                reads.append(("JOIN c ON c.unit_id = v.unit_id", [], read_terms))
            else:
                reads.append(
                    (
                        f"JOIN (SELECT DISTINCT d.unit_id FROM {POSTING_TABLE} d"
                        f" WHERE d.term IN ({', '.join(['%s'] * len(drivers))})) dd ON dd.unit_id = v.unit_id",
                        list(drivers),
                        read_terms,
                    )
                )
        return cte, cte_params, reads

    @property
    def _greatest(self):
        return "MAX" if connection.vendor == "sqlite" else "GREATEST"

    def _ranked(self, viewer, plan, filters, sort, offset, limit, min_required):
        """One page of hits and the total. The matches are ranked on (unit, score) alone and only the page's units
        are read in full; a unit's columns are joined before ranking only when a facet filter or the date order
        needs them."""
        matches_sql, params = self._matches_sql(viewer, plan, min_required)
        where, filter_params = _filter_sql(filters)
        required = max(1, len(plan.required))
        coordination = f"(r.required / {float(required)}) * (r.required / {float(required)})"
        by_date = sort == SORT_DATE
        if by_date or filter_params:
            ranked = (
                f"SELECT r.unit_id, r.score * {coordination} AS score, x.date FROM r"
                f" JOIN {UNIT_TABLE} x ON x.id = r.unit_id WHERE {where}"
            )
        else:
            ranked = f"SELECT r.unit_id, r.score * {coordination} AS score, NULL AS date FROM r"
        # Ties (identical units) keep the index order, which is the regulation's article order.
        order = "{t}date IS NULL, {t}date DESC, {t}score DESC, {t}unit_id" if by_date else "{t}score DESC, {t}unit_id"
        columns = ", ".join(f"x.{name}" for name in HIT_COLUMNS)
        sql = f"""{matches_sql},
            s AS MATERIALIZED ({ranked}),
            top AS (SELECT unit_id, score, date FROM s ORDER BY {order.format(t="")} LIMIT %s OFFSET %s)
            SELECT {columns}, top.score, (SELECT COUNT(*) FROM s) AS total
            FROM top JOIN {UNIT_TABLE} x ON x.id = top.unit_id
            ORDER BY {order.format(t="top.")}
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
        year_sql, year_params = _local_year_sql("x.date")
        sql = f"""{matches_sql}
            SELECT x.kind, x.regulation_id, x.regulation_title, x.department, {year_sql} AS year, COUNT(*)
            FROM r JOIN {UNIT_TABLE} x ON x.id = r.unit_id
            GROUP BY 1, 2, 3, 4, 5
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *year_params])
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

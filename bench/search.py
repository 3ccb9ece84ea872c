"""Clearance-filtered search over 50,000 条 units: latency per user, index build time, index size vs text size.

Run from the repository root:

    .venv/bin/python bench/search.py [--units N] [--rounds R] [--warmup W] [--seed S] [--explain] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/search.py   # also PostgreSQL

The corpus. The five seed texts (policies/seeds, parsed with policies.parsing.parse_regulations as load_demo does)
give about 250 real articles and their sentences. N 条 units (default 50,000) are generated from them, 40 per
synthetic regulation: each regulation gets a title (an issuing body and a 保密 topic, now and then a seed title), an
issuing department, a date, chapters named like the seeds' chapters, and 第N条 labels; each 条 is a real article with
one of its clauses swapped for a sentence of another article, a sentence added or a clause dropped (seeded random).
Marking per regulation, as pages carry it: 内部 70 %, 秘密 15 %, 机密 10 %, 绝密 5 % (weights, so the unit shares
printed are what was drawn), and 10 % of the regulations have a 知悉范围 of one or two of 10 departments (scope key
",<gid>,"). Every unit is a search.services.indexing.UnitData built as regulation_units() builds a 条 (same key,
title, weighted fields: regulation title 0.3, chapter heading + label 1.5, text 1.0); page_id stays empty (there are
no pages), regulation_id is the synthetic regulation's number.

The build. UnitData.term_weights() of every unit is computed once (jieba + bigrams, the CPU part, database
independent; timed and printed as "analysis"). The rows are then written the way _embedded_replace writes them --
SearchUnit(length=sum(weights), the UNIT_FIELDS of the UnitData) through bulk_create, one SearchPosting (term,
unit_id, tf, and the unit's length, effective_clearance and effective_scope) per term through the service's
postings_insert (executemany on SQLite, COPY on PostgreSQL) -- but in batches of 5,000 units per transaction
(timed as "write"; SQLite gets a 1 GiB page cache for the load only, as its (term, unit) key is filled in random
order). To show that this bulk path writes exactly the service's rows, the units of
a few regulations are then re-written by the service itself (_embedded_replace("regulation_id", [...], units), which
deletes and re-inserts them) and their unit rows and postings compared by key before and after; that service run is
timed too (analysis included, units/s). On PostgreSQL the two tables are VACUUMed and ANALYZEd after the load, as
autovacuum does shortly after a bulk load (since PostgreSQL 13 it vacuums insert-only tables too, which sets the
visibility map that index-only scans need); SQLite is left as production leaves it (nothing runs ANALYZE there).

Index size: on SQLite the dbstat virtual table (pages of each table and index), on PostgreSQL pg_relation_size /
pg_indexes_size of the SearchUnit and SearchPosting tables; compared with the UTF-8 bytes of the units' text.

The users. 10 departments (department_create, with their groups); a 内部 (clearance 0) user in the first and a 绝密
(clearance 3) user in the second, made by user_create, each with a confirmed TOTP device and OTP-verified as
page_serve.py does it. Each sees the unscoped units of its clearance and the scoped units of its own department.

Timed, for each user and each of the 20 QUERIES (2-character words, phrases, questions, ASCII + Han like "U盘 拷贝"),
interleaved query by query and path by path (rotating order), --warmup untimed rounds then --rounds timed rounds:

  embedded         EmbeddedBackend().search(viewer, plan, limit=10): the one ranked SQL statement with the access
                   filter inside (plan_query() is run before and not timed; the viewer is built once, as
                   viewer_for() does it)
  embedded+facets  the same with with_facets=True (the second, GROUP BY statement on the same CTE chain)
  search_for       search.selectors.search_for(user=..., query=...): plan_query, viewer_for (the profile and
                   group queries, the per-request cache on the user is cleared each time), the backend and the
                   snippets -- what the search view does apart from HTTP and the template
  icontains        the baseline: the same user's access_q() on SearchUnit, each required clause of the same plan as
                   OR'ed title/text __icontains of its alternatives (the thesaurus expansion included), count() and
                   the first 10 ordered by regulation and position -- search without any index, no ranking

p50/p95 per path and user over rounds x queries samples; the ratio printed is embedded over icontains (p50 over p50,
same process, same units, same filter). The corpus statistics the backend caches per viewer class (count and average
length of the visible units, 5 minutes) are warm after the warm-up round, as on a busy portal.
GOAL: p50 <= 30 ms for both users, on every database run, for the embedded query and for search_for. The exit code
is 0 only if every goal passed. When a goal is missed (or with --explain) the script prints, for the slowest query,
the plan of the main statement (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL) and the
cumulative time and row count of each CTE of EmbeddedBackend._matches_sql (SELECT COUNT(*) FROM m, t, r).

Databases. The main run always uses a throwaway SQLite file in a temporary directory (portal.settings.test, as
page_serve.py). When DATABASE_URL is a PostgreSQL URL, the script then runs itself in a child process on a new
database `portal_bench_search_<pid>` on that server (created, migrated, dropped at the end; as ack_fanout.py), with
the corpus and its term weights handed over in a pickle, so both databases index the same units.
"""

import argparse
import datetime
import json
import os
import pickle
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 30.0
ARTICLES_PER_REGULATION = 40
UNITS_PER_TRANSACTION = 5_000
LOAD_CACHE_KIB = -1_048_576  # SQLite page cache while loading (1 GiB), back to the connection's default afterwards
SERVICE_CHECK_REGULATIONS = 10
CLEARANCE_MIX = ((0, 70), (1, 15), (2, 10), (3, 5))
SCOPED_SHARE = 0.10
DEPARTMENTS = (
    ("保密办公室", "bmb"),
    ("科研管理部", "kyb"),
    ("信息中心", "xxzx"),
    ("人力资源部", "rlzy"),
    ("财务部", "cwb"),
    ("档案馆", "dag"),
    ("第一研究所", "yjs1"),
    ("第二研究所", "yjs2"),
    ("测试中心", "cszx"),
    ("后勤保障部", "hqbz"),
)
ISSUERS = ("研究院", "集团公司", "第一研究所", "第二研究所", "信息中心", "科研管理部", "测试中心", "总装厂", "设计院")
TOPICS = (
    "保密管理规定",
    "涉密人员管理办法",
    "计算机信息系统保密管理办法",
    "移动存储介质管理细则",
    "涉密载体管理规定",
    "保密要害部门部位管理办法",
    "技术秘密保护办法",
    "保密检查工作细则",
    "外事活动保密管理规定",
    "宣传报道保密审查办法",
    "定密工作实施细则",
    "保密教育培训办法",
    "涉密会议保密管理办法",
    "科研项目保密管理规定",
    "商业秘密保护规定",
)
SECRECY_TERMS = ("5年", "10年", "20年", "长期")
QUERIES = (
    "保密",
    "密级",
    "涉密",
    "解密",
    "泄密",
    "保密期限",
    "技术秘密",
    "涉密载体 销毁",
    "移动存储介质",
    "保密协议 违约金",
    "U盘 拷贝",
    "计算机 联网",
    "第三十条",
    "219条",
    "离职以后还要保密吗？",
    "出国参加学术会议需要审批吗",
    "发现泄密事件应该向谁报告？",
    "什么是国家秘密？",
    "跳槽 带走图纸",
    "外来人员 参观",
)
USERS = (("内部", 0, 0), ("绝密", 3, 1))  # (label, clearance, department index)
PATHS = ("embedded", "embedded+facets", "search_for", "icontains")


def parse_args():
    parser = argparse.ArgumentParser(description="Clearance-filtered search over a generated corpus of 条 units.")
    parser.add_argument("--units", type=int, default=50_000, help="条 units in the corpus (default 50000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over the query set (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--seed", type=int, default=20240501, help="random seed of the corpus (default 20240501)")
    parser.add_argument("--explain", action="store_true", help="print the plan of the slowest query even on PASS")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (SQLite file, corpus)")
    parser.add_argument("--pg-phase", nargs=2, help=argparse.SUPPRESS)  # internal: corpus pickle, result JSON
    args = parser.parse_args()
    if args.units < ARTICLES_PER_REGULATION or args.rounds < 1 or args.warmup < 0:
        parser.error(f"--units must be at least {ARTICLES_PER_REGULATION}, --rounds at least 1")
    return args


def use_bench_imports():
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def setup_django(database_url, tmp_dir):
    """portal.settings.test on `database_url`, migrated; service URLs are dropped so the run is self-contained."""
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    use_bench_imports()
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DATABASE_URL"] = database_url
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "ELASTICSEARCH_URL", "CLASSIFIED_NETWORKS"):
        os.environ.pop(name, None)
    os.environ.pop("SEARCH_BACKEND", None)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_dir / "media"
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - started


# --- the corpus ------------------------------------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n):
    """1..999 in Chinese numerals as regulations write them (十二, 二十, 一百零五)."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = f"{CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (CN_DIGITS[ones] if ones else "")


SENTENCE_END = re.compile(r"(?<=[。；;！？])")


def seed_material():
    """(seed regulations, articles as clause lists, sentences, chapter titles) from the five seed texts."""
    from policies.parsing import parse_regulations
    from portal.demo import data
    from portal.demo.policies import SEEDS_DIR

    regulations = []
    for filename, title, _options in data.REGULATION_SEEDS:
        text = (SEEDS_DIR / filename).read_text(encoding="utf-8")
        regulations.extend(parse_regulations(text, title=title).regulations)
    articles = [article.clauses for regulation in regulations for article in regulation.articles() if article.clauses]
    sentences = [
        part.strip()
        for clauses in articles
        for clause in clauses
        for part in SENTENCE_END.split(clause)
        if len(part.strip()) >= 6
    ]
    chapters = sorted(
        {
            chapter.title
            for regulation in regulations
            for chapter in regulation.chapters
            if 2 <= len(chapter.title) <= 12
        }
    )
    return regulations, articles, sentences, chapters


def article_text(rng, articles, sentences):
    clauses = list(rng.choice(articles))
    roll = rng.random()
    if roll < 0.5:
        clauses[rng.randrange(len(clauses))] = rng.choice(sentences)
    elif roll < 0.75:
        clauses.insert(rng.randrange(len(clauses) + 1), rng.choice(sentences))
    elif roll < 0.85 and len(clauses) > 1:
        del clauses[rng.randrange(len(clauses))]
    return "\n".join(clauses)


def generate_corpus(n_units, seed):
    """[(UnitData, scope department indexes or None)], seed statistics. Effective scopes are set per database."""
    from search.models import UnitKind
    from search.services.indexing import (
        WEIGHT_ARTICLE_REGULATION,
        WEIGHT_BODY,
        WEIGHT_HEADING,
        UnitData,
        _as_datetime,
    )

    rng = random.Random(seed)
    regulations, articles, sentences, chapter_titles = seed_material()
    seed_titles = [re.sub(r"【.*?】|\s+", "", regulation.title) for regulation in regulations]
    middle_chapters = [title for title in chapter_titles if title not in {"总则", "附则"}]
    levels, weights = zip(*CLEARANCE_MIX, strict=True)
    from portal.enums import CLEARANCE_MARK

    corpus, today = [], datetime.date(2026, 6, 30)
    n_regulations = -(-n_units // ARTICLES_PER_REGULATION)
    for regulation_id in range(1, n_regulations + 1):
        if rng.random() < 0.1:
            title = rng.choice(ISSUERS) + rng.choice(seed_titles)
        else:
            title = rng.choice(ISSUERS) + rng.choice(TOPICS)
        if rng.random() < 0.3:
            title += f"（{rng.randint(2015, 2026)}年修订）"
        level = rng.choices(levels, weights)[0]
        marking = CLEARANCE_MARK[level] if level == 0 else f"{CLEARANCE_MARK[level]}★{rng.choice(SECRECY_TERMS)}"
        scope = None
        if rng.random() < SCOPED_SHARE:
            scope = tuple(sorted(rng.sample(range(len(DEPARTMENTS)), 2 if rng.random() < 0.2 else 1)))
        base = {
            "kind": UnitKind.ARTICLE,
            "effective_clearance": level,
            "effective_scope": "",
            "marking": marking,
            "regulation_id": regulation_id,
            "regulation_title": title,
            "date": _as_datetime(today - datetime.timedelta(days=rng.randrange(8 * 365))),
            "department": rng.choice(DEPARTMENTS)[0],
        }
        count = min(ARTICLES_PER_REGULATION, n_units - (regulation_id - 1) * ARTICLES_PER_REGULATION)
        chapter_no, chapter_heading, left_in_chapter = 0, "", 0
        for number in range(1, count + 1):
            if not left_in_chapter:
                chapter_no += 1
                name = "总则" if chapter_no == 1 else "附则" if number > count - 3 else rng.choice(middle_chapters)
                chapter_heading = f"第{cn_number(chapter_no)}章 {name}"
                left_in_chapter = 3 if chapter_no == 1 else count - number + 1 if name == "附则" else rng.randint(5, 9)
                left_in_chapter = min(left_in_chapter, count - number + 1)
            left_in_chapter -= 1
            label = f"第{cn_number(number)}条"
            text = article_text(rng, articles, sentences)
            unit = UnitData(
                key=f"article:{regulation_id}:tiao-{number}",
                title=f"{title} {label}",
                label=label,
                heading=chapter_heading,
                text=text,
                url=f"/zhidu/bench-{regulation_id}/tiao-{number}/",
                position=number,
                weighted_fields=[
                    (title, WEIGHT_ARTICLE_REGULATION),
                    (f"{chapter_heading} {label}", WEIGHT_HEADING),
                    (text, WEIGHT_BODY),
                ],
                **base,
            )
            corpus.append((unit, scope))
    material = {"regulations": len(regulations), "articles": len(articles), "sentences": len(sentences)}
    return corpus, material


def analyse(corpus):
    """UnitData.term_weights() of every unit, as plain dicts with interned terms (compact in the pickle)."""
    return [{sys.intern(term): tf for term, tf in unit.term_weights().items()} for unit, _scope in corpus]


# --- writing the index -----------------------------------------------------------------------------------------------


def create_departments():
    from portal.services.people import department_create

    return [department_create(name=name, code=code) for name, code in DEPARTMENTS]


def apply_scopes(corpus, departments):
    from portal.models.marking import scope_key

    for unit, scope in corpus:
        unit.effective_scope = scope_key({departments[i].group_id for i in scope}) if scope else ""


def bulk_write(corpus, weights):
    """The rows _embedded_replace writes, in batches of UNITS_PER_TRANSACTION units. Returns the posting count."""
    from django.db import connection, transaction

    from search.backends.embedded import index_changed
    from search.models import SearchUnit
    from search.services.indexing import UNIT_FIELDS, postings_insert

    sqlite = connection.vendor == "sqlite"
    if sqlite:  # random-order inserts into the (term, unit) key: a big page cache for the load only
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")
    postings = 0
    for start in range(0, len(corpus), UNITS_PER_TRANSACTION):
        batch = corpus[start : start + UNITS_PER_TRANSACTION]
        batch_weights = weights[start : start + UNITS_PER_TRANSACTION]
        with transaction.atomic():
            rows = [
                SearchUnit(length=sum(terms.values()), **{name: getattr(unit, name) for name in UNIT_FIELDS})
                for (unit, _scope), terms in zip(batch, batch_weights, strict=True)
            ]
            created = SearchUnit.objects.bulk_create(rows, batch_size=1000)
            posting_rows = [
                (term, unit.pk, tf, unit.length, unit.effective_clearance, unit.effective_scope)
                for unit, terms in zip(created, batch_weights, strict=True)
                for term, tf in terms.items()
            ]
            postings_insert(posting_rows)
            postings += len(posting_rows)
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    index_changed()
    return postings


def index_rows(regulation_ids):
    """{unit key: (unit fields, {term: tf})} of some regulations, for comparing two writes of the same units."""
    from search.models import SearchPosting, SearchUnit
    from search.services.indexing import UNIT_FIELDS

    fields = [name for name in UNIT_FIELDS if name != "key"] + ["length"]
    units = {
        key: (values, {})
        for key, *values in SearchUnit.objects.filter(regulation_id__in=regulation_ids)
        .order_by("key")
        .values_list("key", *fields)
    }
    for key, term, *values in SearchPosting.objects.filter(unit__regulation_id__in=regulation_ids).values_list(
        "unit__key", "term", "tf", "length", "effective_clearance", "effective_scope"
    ):
        units[key][1][term] = tuple(values)
    return {key: (tuple(values), terms) for key, (values, terms) in units.items()}


def service_check(corpus):
    """Re-write some regulations through _embedded_replace; (seconds, units, rows identical to the bulk path?)."""
    from search.services.indexing import _embedded_replace

    by_regulation = {}
    for unit, _scope in corpus:
        by_regulation.setdefault(unit.regulation_id, []).append(unit)
    step = max(1, len(by_regulation) // SERVICE_CHECK_REGULATIONS)
    chosen = sorted(by_regulation)[::step][:SERVICE_CHECK_REGULATIONS]
    before = index_rows(chosen)
    started = time.perf_counter()
    for regulation_id in chosen:
        _embedded_replace("regulation_id", [regulation_id], by_regulation[regulation_id])
    elapsed = time.perf_counter() - started
    after = index_rows(chosen)
    units = sum(len(by_regulation[regulation_id]) for regulation_id in chosen)
    return elapsed, units, before == after and len(before) == units


def index_size():
    """{table: (table bytes, index bytes)} of the two search tables, after the load."""
    from django.db import connection

    from search.models import SearchPosting, SearchUnit

    tables = [SearchUnit._meta.db_table, SearchPosting._meta.db_table]
    sizes = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute("SELECT pg_table_size(%s), pg_indexes_size(%s)", [table, table])
                sizes[table] = tuple(cursor.fetchone())
            method = "pg_table_size / pg_indexes_size"
        else:
            cursor.execute(
                "SELECT m.tbl_name, m.type, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
                "WHERE m.tbl_name IN (%s, %s) GROUP BY m.tbl_name, m.type",
                tables,
            )
            for table, kind, size in cursor.fetchall():
                table_bytes, index_bytes = sizes.get(table, (0, 0))
                sizes[table] = (
                    (table_bytes + size, index_bytes) if kind == "table" else (table_bytes, index_bytes + size)
                )
            method = "dbstat"
    return sizes, method


# --- users and timed paths -------------------------------------------------------------------------------------------


def make_users(departments):
    """One verified user per USERS entry: (label, clearance, user)."""
    import functools

    from django_otp.middleware import is_verified
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.services.people import user_create

    users = []
    for label, clearance, department in USERS:
        user = user_create(
            actor=None, username=f"bench-{clearance}", clearance=clearance, department=departments[department]
        )
        user.otp_device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
        user.is_verified = functools.partial(is_verified, user)
        users.append((label, clearance, user))
    return users


def icontains_search(viewer, plan, limit=10):
    """Baseline: the same access filter and required clauses, as LIKE scans over title and text; no ranking."""
    from django.db.models import Q

    from portal.access import access_q
    from search.backends.embedded import HIT_COLUMNS
    from search.models import SearchUnit

    units = SearchUnit.objects.filter(access_q(viewer))
    for clause in plan.required:
        condition = Q()
        for alternative in clause.alternatives:
            condition |= Q(title__icontains=alternative.text) | Q(text__icontains=alternative.text)
        units = units.filter(condition)
    total = units.count()
    hits = list(units.order_by("regulation_id", "position").values_list(*HIT_COLUMNS)[:limit]) if total else []
    return hits, total


def make_paths(users):
    """(user label, query) -> {path: callable returning the total}."""
    from portal.access import viewer_for
    from search.backends.embedded import EmbeddedBackend
    from search.query import plan_query
    from search.selectors import search_for

    backend = EmbeddedBackend()
    plans = {query: plan_query(query) for query in QUERIES}

    def end_to_end(user, query):
        user.__dict__.pop("_portal_viewer", None)
        return search_for(user=user, query=query)[0].total

    calls = {}
    for label, _clearance, user in users:
        viewer = viewer_for(user)
        for query in QUERIES:
            plan = plans[query]
            calls[label, query] = {
                "embedded": lambda viewer=viewer, plan=plan: backend.search(viewer, plan).total,
                "embedded+facets": lambda viewer=viewer, plan=plan: (
                    backend.search(viewer, plan, with_facets=True).total
                ),
                "search_for": lambda user=user, query=query: end_to_end(user, query),
                "icontains": lambda viewer=viewer, plan=plan: icontains_search(viewer, plan)[1],
            }
    return calls, plans


def measure(calls, rounds, warmup):
    """Interleaved timings: {(path, user label, query): [ms]} and the totals each path returned."""
    keys = list(calls)
    samples = {(path, label, query): [] for (label, query) in keys for path in PATHS}
    totals = {}
    for round_no in range(warmup + rounds):
        offset = round_no % len(keys)
        for label, query in keys[offset:] + keys[:offset]:
            paths = PATHS[round_no % len(PATHS) :] + PATHS[: round_no % len(PATHS)]
            for path in paths:
                started = time.perf_counter()
                total = calls[label, query][path]()
                elapsed = (time.perf_counter() - started) * 1000
                totals[path, label, query] = total
                if round_no >= warmup:
                    samples[path, label, query].append(elapsed)
    return samples, totals


def percentiles(values):
    ordered = sorted(values)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else ordered[0]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


# --- where the time goes ---------------------------------------------------------------------------------------------


def explain(viewer, plan):
    """The plan of the main statement and the cumulative time / rows of each CTE of _matches_sql."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.backends.embedded import EmbeddedBackend

    backend = EmbeddedBackend()
    with CaptureQueriesContext(connection) as captured:
        backend.search(viewer, plan)
    statement = next(query["sql"] for query in captured.captured_queries if "FROM top JOIN" in query["sql"])
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + statement)
        rows = cursor.fetchall()
    lines = [row[0] for row in rows] if connection.vendor == "postgresql" else [f"{row[1]:>3} {row[3]}" for row in rows]
    matches_sql, params = backend._matches_sql(viewer, plan, plan.min_required(relaxed=True))
    stages = []
    with connection.cursor() as cursor:
        for stage in ("m", "t", "r"):
            best = None
            for _ in range(3):
                started = time.perf_counter()
                cursor.execute(f"{matches_sql} SELECT COUNT(*) FROM {stage}", params)  # noqa: S608 - a CTE name
                count = cursor.fetchone()[0]
                elapsed = (time.perf_counter() - started) * 1000
                best = elapsed if best is None else min(best, elapsed)
            stages.append((stage, count, best))
    terms = sorted({term for clause in plan.clauses for alt in clause.alternatives for term in alt.terms})
    return {"plan": lines, "stages": stages, "terms": terms}


def posting_counts(terms):
    from django.db.models import Count

    from search.models import SearchPosting

    rows = SearchPosting.objects.filter(term__in=terms).values("term").annotate(n=Count("unit"))
    return {row["term"]: row["n"] for row in rows}


# --- one database run ------------------------------------------------------------------------------------------------


def database_run(args, corpus, weights):
    """Everything that depends on the database: build, check, size, timings. Returns a JSON-able dict."""
    from django.db import connection

    result = {"vendor": connection.vendor}
    if connection.vendor == "postgresql":
        result["server"] = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    else:
        import sqlite3

        result["server"] = sqlite3.sqlite_version
    from search.models import SearchPosting, SearchUnit

    departments = create_departments()
    apply_scopes(corpus, departments)
    started = time.perf_counter()
    result["postings"] = bulk_write(corpus, weights)
    result["write_s"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for model in (SearchUnit, SearchPosting):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        result["analyze_s"] = time.perf_counter() - started
    seconds, units, identical = service_check(corpus)
    result["service"] = {"seconds": seconds, "units": units, "identical": identical}
    sizes, method = index_size()
    result["sizes"] = {"units": sizes[SearchUnit._meta.db_table], "postings": sizes[SearchPosting._meta.db_table]}
    result["size_method"] = method

    users = make_users(departments)
    from portal.access import access_q, viewer_for

    result["visible"] = {
        label: SearchUnit.objects.filter(access_q(viewer_for(user))).count() for label, _clearance, user in users
    }
    calls, plans = make_paths(users)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    samples, totals = measure(calls, args.rounds, args.warmup)
    result["timing_s"] = time.perf_counter() - started
    result["load"] = [load_before, os.getloadavg()[0]]
    result["stats"] = {
        f"{path}|{label}": percentiles(
            [value for query in QUERIES for value in samples[path, label, query]],
        )
        for path in PATHS
        for label, _clearance, _user in users
    }
    result["per_query"] = {
        f"{path}|{label}|{query}": [statistics.median(samples[path, label, query]), totals[path, label, query]]
        for path in PATHS
        for label, _clearance, _user in users
        for query in QUERIES
    }
    slow = {
        label: max(QUERIES, key=lambda query, label=label: statistics.median(samples["embedded", label, query]))
        for label, _clearance, _user in users
    }
    missed = any(
        result["stats"][f"{path}|{label}"]["p50"] > GOAL_MS
        for path in ("embedded", "search_for")
        for label, _c, _u in users
    )
    if missed or args.explain:
        label, _clearance, user = users[-1]
        query = slow[label]
        detail = explain(viewer_for(user), plans[query])
        detail["postings"] = posting_counts(detail["terms"])
        result["explain"] = {"user": label, "query": query, **detail}
    return result


# --- printing --------------------------------------------------------------------------------------------------------


def mib(n):
    return n / 1024 / 1024


def print_run(result, info, goals):
    """Print one database's figures; append (text, passed) to goals."""
    vendor = result["vendor"]
    name = "SQLite" if vendor == "sqlite" else "PostgreSQL"
    units = info["units"]
    print()
    print(f"== {name} {result['server']} ({info['where'][vendor]}) ==")
    write_s = result["write_s"]
    print(
        f"build: {units} units and {result['postings']:,} postings ({result['postings'] / units:.0f} per unit) "
        f"written in {write_s:.1f} s ({units / write_s:,.0f} units/s, {result['postings'] / write_s:,.0f} "
        f"postings/s); with the analysis {info['analysis_s'] + write_s:.1f} s "
        f"({units / (info['analysis_s'] + write_s):,.0f} units/s)"
    )
    if "analyze_s" in result:
        print(f"VACUUM (ANALYZE) of the two tables after the load: {result['analyze_s']:.1f} s")
    service = result["service"]
    print(
        f"service path: _embedded_replace of {service['units']} units ({SERVICE_CHECK_REGULATIONS} regulations, "
        f"analysis included) in {service['seconds']:.2f} s ({service['units'] / service['seconds']:,.0f} units/s); "
        f"rows identical to the bulk path: {'yes' if service['identical'] else 'NO'}"
    )
    sizes = result["sizes"]
    text = info["text_bytes"]
    unit_table, posting_table = "units", "postings"
    posting_total = sum(sizes[posting_table])
    unit_total = sum(sizes[unit_table])
    print(
        f"index size ({result['size_method']}): postings {mib(posting_total):.1f} MiB (table "
        f"{mib(sizes[posting_table][0]):.1f}, indexes {mib(sizes[posting_table][1]):.1f}), units "
        f"{mib(unit_total):.1f} MiB (table {mib(sizes[unit_table][0]):.1f}, indexes {mib(sizes[unit_table][1]):.1f})"
    )
    print(
        f"  vs {mib(text):.1f} MiB of unit text: postings {posting_total / text:.1f}x the text, "
        f"postings + units {(posting_total + unit_total) / text:.1f}x"
    )
    visible = ", ".join(f"{label} user {n:,} units" for label, n in result["visible"].items())
    print(
        f"visible: {visible}; {len(QUERIES)} queries x {info['rounds']} rounds per user and path after "
        f"{info['warmup']} warm-up round(s), interleaved, in {result['timing_s']:.0f} s; load average "
        f"{result['load'][0]:.2f} before, {result['load'][1]:.2f} after, on {os.cpu_count()} CPUs"
    )
    print()
    print(f"{'path':<17} {'user':<5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    stats = result["stats"]
    for path in PATHS:
        for label, _clearance, _department in USERS:
            row = stats[f"{path}|{label}"]
            print(f"{path:<17} {label:<5} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['max']:>8.1f}")
    print("(embedded = EmbeddedBackend.search, limit 10; +facets = with_facets=True; search_for = plan, viewer,")
    print(" backend, snippets; icontains = baseline LIKE scan with the same filter and required clauses)")
    print()
    for label, _clearance, _department in USERS:
        embedded, baseline = stats[f"embedded|{label}"]["p50"], stats[f"icontains|{label}"]["p50"]
        print(f"embedded / icontains, {label} user: p50 {embedded:.1f} / {baseline:.1f} ms = {embedded / baseline:.2f}")
    print()
    labels = [label for label, _c, _d in USERS]
    header = " ".join(f"{f'{label} ms':>8} {f'{label} hits':>9}" for label in labels)
    print(f"{'query':<34} {header}   {'icontains ms / hits':>22}")
    per_query = result["per_query"]
    for query in QUERIES:
        cells = []
        for label in labels:
            ms, total = per_query[f"embedded|{label}|{query}"]
            cells.append(f"{ms:>8.1f} {total:>9,}")
        base = " ".join(
            f"{per_query[f'icontains|{label}|{query}'][0]:>6.1f}/{per_query[f'icontains|{label}|{query}'][1]:<6,}"
            for label in labels
        )
        width = 34 - sum(1 for ch in query if ord(ch) > 0x2E7F)
        print(f"{query:<{width}} {' '.join(cells)}   {base:>22}")
    if "explain" in result:
        detail = result["explain"]
        print()
        print(f"slowest query for the {detail['user']} user: {detail['query']!r}; terms and their postings:")
        print("  " + ", ".join(f"{term} {detail['postings'].get(term, 0):,}" for term in detail["terms"]))
        print("  cumulative time of the CTE chain of _matches_sql (best of 3, SELECT COUNT(*) FROM <cte>):")
        for stage, count, ms in detail["stages"]:
            print(f"    {stage}: {count:>9,} rows {ms:>8.1f} ms")
        print("  plan of the main statement (_ranked):")
        for line in detail["plan"]:
            print(f"    {line}")
    print()
    for path in ("embedded", "search_for"):
        for label in labels:
            p50 = stats[f"{path}|{label}"]["p50"]
            passed = p50 <= GOAL_MS
            goals.append(passed)
            print(
                f"GOAL {name} {path} p50 for the {label} user {p50:.1f} ms <= {GOAL_MS:.0f} ms "
                f"-> {'PASS' if passed else 'FAIL'}"
            )


# --- PostgreSQL in a child process -----------------------------------------------------------------------------------


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if url and urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}:
        return url
    return None


def run_postgres_child(args, tmp_dir, corpus_path, database):
    db_name = f"portal_bench_search_{os.getpid()}"
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CELERY_RESULT_BACKEND"}}
    env["DATABASE_URL"] = urlunsplit(urlsplit(database)._replace(path=f"/{db_name}"))
    result_path = tmp_dir / "postgres.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--pg-phase",
        str(corpus_path),
        str(result_path),
        "--rounds",
        str(args.rounds),
        "--warmup",
        str(args.warmup),
    ]
    if args.explain:
        command.append("--explain")
    completed = subprocess.run(command, env=env, cwd=REPO_ROOT, check=False, timeout=1800)  # noqa: S603
    if completed.returncode != 0 or not result_path.exists():
        raise RuntimeError(f"the PostgreSQL run failed (exit {completed.returncode}); its output is above")
    return json.loads(result_path.read_text())


def postgres_phase(args):
    """The child: a new database on the server of DATABASE_URL, the parent's corpus, one database run."""
    use_bench_imports()
    from bench.ack_fanout import create_database, drop_database

    corpus_path, result_path = (Path(value) for value in args.pg_phase)
    url = os.environ["DATABASE_URL"]
    create_database(url)
    try:
        migrate_s = setup_django(url, result_path.parent)
        with corpus_path.open("rb") as handle:
            corpus, weights = pickle.load(handle)  # noqa: S301 - written by the parent process a moment ago
        result = database_run(args, corpus, weights)
        result["migrate_s"] = migrate_s
        result["database"] = urlsplit(url).path.lstrip("/")
        result["host"] = urlsplit(url).hostname
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)
    result_path.write_text(json.dumps(result))


# --- main ------------------------------------------------------------------------------------------------------------


def main():
    args = parse_args()
    if args.pg_phase:
        postgres_phase(args)
        return
    database = postgres_url()
    tmp_dir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        ok = run(args, tmp_dir, database)
    finally:
        if args.keep:
            print(f"temporary directory kept: {tmp_dir}")
        else:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    sys.exit(0 if ok else 1)


def run(args, tmp_dir, database):
    setup_django(f"sqlite:///{tmp_dir / 'bench.sqlite3'}", tmp_dir)
    from django import get_version
    from wagtail import __version__ as wagtail_version

    from search.analysis import tokenizer

    started = time.perf_counter()
    corpus, material = generate_corpus(args.units, args.seed)
    generated_s = time.perf_counter() - started
    tokenizer()  # jieba's dictionary load is a per-process cost, not the corpus's
    started = time.perf_counter()
    weights = analyse(corpus)
    analysis_s = time.perf_counter() - started
    units = [unit for unit, _scope in corpus]
    text_bytes = sum(len(unit.text.encode()) for unit in units)
    shares = {
        level: sum(unit.effective_clearance == level for unit in units) / len(units) for level, _w in CLEARANCE_MIX
    }
    scoped = sum(scope is not None for _unit, scope in corpus) / len(corpus)
    info = {
        "units": len(units),
        "analysis_s": analysis_s,
        "text_bytes": text_bytes,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "where": {"sqlite": "throwaway file"},
    }
    corpus_path = tmp_dir / "corpus.pickle"
    if database:
        with corpus_path.open("wb") as handle:
            pickle.dump((corpus, weights), handle, protocol=pickle.HIGHEST_PROTOCOL)

    sqlite_result = database_run(args, corpus, weights)

    from portal.enums import CLEARANCE_MARK

    print(
        f"search bench: Django {get_version()}, Wagtail {wagtail_version}, embedded backend, "
        "settings portal.settings.test, locmem cache"
    )
    print(
        f"corpus: {len(units):,} 条 units in {-(-len(units) // ARTICLES_PER_REGULATION):,} regulations, recombined "
        f"from {material['articles']} articles ({material['sentences']} sentences) of {material['regulations']} seed "
        f"regulations; generated in {generated_s:.1f} s"
    )
    print(
        "marking: "
        + ", ".join(f"{CLEARANCE_MARK[level]} {100 * share:.1f} %" for level, share in shares.items())
        + f"; 知悉范围 on {100 * scoped:.1f} % ({len(DEPARTMENTS)} departments)"
    )
    print(
        f"text: {mib(text_bytes):.1f} MiB UTF-8, {sum(len(unit.text) for unit in units) / len(units):.0f} characters "
        f"per unit on average"
    )
    print(
        f"analysis: UnitData.term_weights() of {len(units):,} units in {analysis_s:.1f} s "
        f"({len(units) / analysis_s:,.0f} units/s, one process; computed once for every database)"
    )
    goals = []
    print_run(sqlite_result, info, goals)
    sys.stdout.flush()

    print()
    if not database:
        print("PostgreSQL: skipped -- DATABASE_URL is not a PostgreSQL URL")
    else:
        try:
            pg_result = run_postgres_child(args, tmp_dir, corpus_path, database)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            print(f"PostgreSQL: FAILED: {error}")
            goals.append(False)
        else:
            info["where"]["postgresql"] = (
                f"database {pg_result['database']} at {pg_result['host']}, migrated in {pg_result['migrate_s']:.1f} "
                "s, dropped afterwards"
            )
            print_run(pg_result, info, goals)
    print()
    ok = all(goals)
    print(f"search: {'PASS' if ok else 'FAIL'} (goal: p50 <= {GOAL_MS:.0f} ms for both users on every database)")
    return ok


if __name__ == "__main__":
    main()

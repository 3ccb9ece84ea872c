"""Query understanding: what the user typed → clauses of weighted alternatives the backends match.

1. Normalise and segment with jieba (the index dictionary), then join adjacent words that together form a
   thesaurus term (外来 + 人员 → 外来人员).
2. Drop question and function words (什么, 怎么, 吗, 的 …); generic words (公司, 工作, 规定 …) stay as optional
   clauses that add to the score but are not required.
3. Expand each remaining word through the 保密 thesaurus (跳槽 → 离职, 辞职, 调离), each synonym weighted.
4. Each alternative becomes the index terms it needs (`analysis.match_terms`): the word itself when the index
   dictionary knows it, otherwise its character bigrams.

Backends require every required clause first and fall back to half of them when that finds nothing.
"""

import math
import re
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache

from search.analysis import match_terms, normalize, query_words

THESAURUS_VERSION_KEY = "search:thesaurus:version"
# "什么是技术秘密？" asks for a definition: the 条 that defines a term says 是指 or 所称.
DEFINITION_QUESTION = re.compile(r"什么是|是什么|什么叫|何为|何谓|定义|含义|指什么")
# How a regulation defines a term: 「本办法所称X，是指…」, 「X指…」. Not 定义: it is mostly a chapter heading
# (…的定义、确立和管理机制) shared by every 条 of the chapter, defining or not.
DEFINITION_MARKERS = ("是指", "所称", "术语", "指")
DEFINITION_WEIGHT = 1.5
MAX_CLAUSES = 8
RELAXED_SHARE = 0.5
# A clause scores its best alternative plus this share of the others that match (dis_max's tie_breaker): a unit that
# names a 密级 and its grades (绝密, 机密) is more about 密级 than one that says 密级 once, without letting a pile of
# weak synonyms outrank the word itself.
ALTERNATIVE_TIE_BREAKER = 0.3

STOP_WORDS = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 么 嘛 哦 着 过 之 与 和 及 或 并 而 且 但 就 都 也 还 又
    再 才 只 即 则 若 如 如果 因为 所以 是 为 在 有 被 把 给 对 从 向 到 于 以 由
    让 将 去 来 上 下 中 内 外 里 前 后 时 请 问 想 看 说 做 弄 搞 办 我 你 他 她
    它 我们 你们 他们 咱们 自己 本人 大家 别人 人家 这 那 这个 那个 这些 那些 这样 那样
    这种 那种 什么 怎么 怎么样 怎样 如何 为什么 为何 哪 哪里 哪儿 哪些 哪个 谁 几 多少
    是否 能否 可否 有没有 是不是 能不能 可不可以 会不会 要不要 怎么办 咋 咋办 啥 什么样 一下
    一些 有些 有关 关于 相关 等 等等 之类 情况 可以 能 能够 会 要 需要 应该 应当 必须 得
    该 可能 已经 曾经 正在 还要 要求 注意 知道 了解
    """.split()  # noqa: SIM905 - a word list reads best as text
)

# Words so common in regulations that they should rank, never decide.
WEAK_WORDS = frozenset(
    """
    公司 单位 企业 本单位 工作 人员 员工 职工 规定 管理 制度 办法 问题 方面 有关 进行
    工作人员 部门 情况 内容
    """.split()  # noqa: SIM905 - a word list reads best as text
)


@dataclass(frozen=True)
class Alternative:
    text: str
    terms: tuple
    weight: float


@dataclass
class Clause:
    word: str
    optional: bool
    alternatives: list = field(default_factory=list)


@dataclass
class QueryPlan:
    raw: str
    clauses: list

    @property
    def required(self):
        return [clause for clause in self.clauses if not clause.optional]

    def min_required(self, relaxed=False):
        required = len(self.required)
        if not relaxed:
            return required
        return max(1, math.ceil(required * RELAXED_SHARE))

    @property
    def highlight_words(self):
        words = {alt.text for clause in self.clauses for alt in clause.alternatives}
        return sorted(words, key=len, reverse=True)

    @property
    def is_empty(self):
        return not self.required


def thesaurus():
    """{term: [(synonym, weight)]}, two-way entries expanded both ways. Cached per process until an entry changes."""
    from search.models import ThesaurusEntry

    version = cache.get(THESAURUS_VERSION_KEY)
    if version is None:
        thesaurus_changed()
        version = cache.get(THESAURUS_VERSION_KEY)
    cached = getattr(thesaurus, "_cached", None)
    if cached and cached[0] == version:
        return cached[1]
    mapping = {}
    for entry in ThesaurusEntry.objects.all():
        term = normalize(entry.term).strip()
        synonyms = [normalize(word) for word in entry.synonym_list()]
        weight = min(max(entry.weight, 0.1), 1.0)
        mapping.setdefault(term, []).extend((word, weight) for word in synonyms)
        if entry.two_way:
            group = [term, *synonyms]
            for word in synonyms:
                mapping.setdefault(word, []).extend((other, weight) for other in group if other != word)
    thesaurus._cached = (version, mapping)
    return mapping


def thesaurus_changed():
    # A random token, not a counter: a counter restarted by an emptied cache could match a stale process copy.
    cache.set(THESAURUS_VERSION_KEY, uuid.uuid4().hex, None)


def _join_thesaurus_terms(words, known):
    """Greedy longest match of up to three adjacent words against thesaurus terms."""
    joined, i = [], 0
    while i < len(words):
        for size in (3, 2):
            candidate = "".join(words[i : i + size])
            if i + size <= len(words) and candidate in known:
                joined.append(candidate)
                i += size
                break
        else:
            joined.append(words[i])
            i += 1
    return joined


def plan_query(raw):
    mapping = thesaurus()
    words = _join_thesaurus_terms(query_words(raw), mapping)
    clauses, seen = [], set()
    for word in words:
        if word in seen:
            continue
        seen.add(word)
        synonyms = mapping.get(word, [])
        if word in STOP_WORDS and not synonyms:
            continue
        optional = (
            word in WEAK_WORDS
            or word in STOP_WORDS
            or (len(word) == 1 and not word.isascii() and not synonyms)
            or bool(synonyms and all(synonym in WEAK_WORDS for synonym, _ in synonyms))
        )
        alternatives = {word: Alternative(word, tuple(match_terms(word)), 1.0)}
        for synonym, weight in synonyms:
            if synonym not in alternatives:
                alternatives[synonym] = Alternative(synonym, tuple(match_terms(synonym)), weight)
        clauses.append(Clause(word=word, optional=optional, alternatives=list(alternatives.values())))
    clauses = clauses[:MAX_CLAUSES]
    if clauses and DEFINITION_QUESTION.search(normalize(raw)):
        markers = [Alternative(marker, tuple(match_terms(marker)), DEFINITION_WEIGHT) for marker in DEFINITION_MARKERS]
        clauses.append(Clause(word=DEFINITION_MARKERS[0], optional=False, alternatives=markers))
    return QueryPlan(raw=raw, clauses=clauses)

"""「您是不是要找」: a one-character correction of a query word that found nothing.

Candidates are dictionary words of the index (jieba's and the 保密 words) one substitution, insertion or deletion
away from the typed word (保蜜期限 → 保密期限). A correction is offered only when the corrected query finds
something the viewer may open, through the same access-filtered search, so it never reveals an invisible item.
"""

from collections import defaultdict
from functools import cache

from search.analysis import HAN_RUN, USER_DICTIONARY, normalize, query_words, tokenizer

MAX_CANDIDATES = 12
MAX_WINDOW = 4
CANDIDATES_PER_WINDOW = 2
MAX_TRIES = 6  # each try is one access-filtered search


@cache
def _words_by_edge():
    """Dictionary words (2–6 characters, seen in jieba's corpus) by first and by last character."""
    by_first, by_last = defaultdict(list), defaultdict(list)
    for word, freq in tokenizer().FREQ.items():
        # Cheap tests first: this runs once per process over about half a million entries.
        if freq and 1 < len(word) < 7 and "\u3400" <= word[0] <= "\u9fff" and "\u3400" <= word[-1] <= "\u9fff":
            by_first[word[0]].append(word)
            by_last[word[-1]].append(word)
    return by_first, by_last


@cache
def _domain_words():
    """The 保密 words shipped with the index dictionary: preferred over everyday words (秘级 → 密级, not 各级)."""
    lines = USER_DICTIONARY.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip())


def _one_edit_apart(a, b):
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def corrections(word):
    """Dictionary words one edit away from `word`, most frequent first."""
    if len(word) < 2 or not HAN_RUN.fullmatch(word):
        return []
    by_first, by_last = _words_by_edge()
    freq, domain = tokenizer().FREQ, _domain_words()
    found = {w for w in (*by_first.get(word[0], ()), *by_last.get(word[-1], ())) if _one_edit_apart(word, w)}
    return sorted(found, key=lambda w: (w not in domain, -freq[w], w))[:MAX_CANDIDATES]


def stray_characters(query):
    """Positions of single Han characters the segmenter could not join into a word (保蜜期限 → 保 蜜 期限): the
    usual trace of a typo. Function words (的, 了) are not stray."""
    from search.query import STOP_WORDS

    positions, offset = set(), 0
    for word in query_words(query):
        offset = query.find(word, offset)
        if len(word) == 1 and HAN_RUN.fullmatch(word) and word not in STOP_WORDS:
            positions.add(offset)
        offset += len(word)
    return positions


def _windows(query):
    """Stretches of the query's Han runs that are not dictionary words, longest first; when the query has stray
    characters, only the stretches that cover one."""
    freq = tokenizer().FREQ
    stray = stray_characters(query)
    found = []
    for match in HAN_RUN.finditer(query):
        run = match.group()
        for size in range(min(len(run), MAX_WINDOW), 1, -1):
            for start in range(len(run) - size + 1):
                window = run[start : start + size]
                covers = range(match.start() + start, match.start() + start + size)
                if not freq.get(window) and (not stray or stray.intersection(covers)):
                    found.append(window)
    return found


def did_you_mean(query, found_nothing_for):
    """A corrected query or "". `found_nothing_for(q)` is False when q finds something the viewer may open."""
    query = normalize(query)
    tries = 0
    for window in _windows(query):
        for candidate in corrections(window)[:CANDIDATES_PER_WINDOW]:
            corrected = query.replace(window, candidate, 1)
            if not found_nothing_for(corrected):
                return corrected
            tries += 1
            if tries >= MAX_TRIES:
                return ""
    return ""

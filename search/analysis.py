"""Text analysis shared by indexing and querying.

Han text is indexed twice: as jieba words in search mode (a long word also yields the dictionary words inside it,
so 保密 is found in 保密期限) and as overlapping character bigrams (prefixed with "~"). A query word that the index
dictionary knows is matched as a word, so 司机 does not match 公司机密 (jieba reads 公司/机密); a word it does not know
is matched as a bigram phrase, so new terms are found without re-indexing. ASCII words are kept as they are, and a
Chinese ordinal after 第 also yields its Arabic number (第二百一十九条 → 219).
"""

import logging
import re
import threading
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

BIGRAM_PREFIX = "~"
USER_DICTIONARY = Path(__file__).with_name("dict") / "baomi.txt"
MAX_TERM_LENGTH = 48

HAN = r"\u3400-\u9fff\uf900-\ufaff"
TOKEN_RUN = re.compile(rf"[{HAN}]+|[a-z0-9]+(?:[.][0-9]+)*")
HAN_RUN = re.compile(rf"[{HAN}]+")
ORDINAL = re.compile(r"第([零〇一二两三四五六七八九十百千]+)")
WORD = re.compile(rf"[{HAN}a-z0-9]")

_lock = threading.Lock()


def normalize(text):
    """NFKC (full-width → half-width) and lower case: the form every index term and query term is taken from."""
    return unicodedata.normalize("NFKC", text or "").lower()


@cache
def tokenizer():
    """The index dictionary: jieba's own plus the 保密 words shipped with the app. Fixed in code, so the index
    is reproducible; thesaurus entries edited in the admin never change how documents are segmented."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not ours to print
    with _lock:
        instance = jieba.Tokenizer()
        instance.initialize()
        instance.load_userdict(str(USER_DICTIONARY))
    return instance


def is_index_word(word):
    """True when the index holds `word` as a word wherever a reader would see it as one."""
    if not HAN_RUN.search(word):
        return True  # ASCII words and numbers are always indexed as words
    return tokenizer().FREQ.get(word, 0) > 0


def bigrams(run):
    """Overlapping character bigrams of a Han run; a one-character run is kept whole."""
    if len(run) == 1:
        return [BIGRAM_PREFIX + run]
    return [BIGRAM_PREFIX + run[i : i + 2] for i in range(len(run) - 1)]


def _ordinal_numbers(text):
    from policies.parsing import cn_to_int

    numbers = []
    for match in ORDINAL.finditer(text):
        try:
            numbers.append(str(cn_to_int(match.group(1))))
        except ValueError:
            continue
    return numbers


def words(text):
    """jieba search-mode words of normalised text (punctuation and spaces dropped)."""
    return [w for w in tokenizer().cut_for_search(text, HMM=False) if WORD.search(w) and len(w) <= MAX_TERM_LENGTH]


def index_terms(text):
    """Counter of every term a text is indexed under: words, bigrams and ordinal numbers."""
    text = normalize(text)
    terms = Counter(words(text))
    for run in HAN_RUN.findall(text):
        terms.update(bigrams(run))
    terms.update(_ordinal_numbers(text))
    return terms


def query_words(text):
    """jieba precise-mode words of a query (no search-mode splitting: the query says what the user means)."""
    return [w for w in tokenizer().lcut(normalize(text), HMM=False) if WORD.search(w)]


def match_terms(word):
    """The index terms that must all be present for a unit to contain `word`."""
    word = normalize(word)
    if is_index_word(word):
        return [word]
    terms = []
    for run in TOKEN_RUN.findall(word):
        if HAN_RUN.fullmatch(run):
            terms.extend(bigrams(run))
        else:
            terms.append(run)
    return list(dict.fromkeys(terms))

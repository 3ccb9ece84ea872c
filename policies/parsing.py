"""Parse a plain-text 保密制度 into regulations, chapters (章), articles (条) and clauses (款/项).

Standard library only, so importers, management commands and tests can use it without Django.

The texts this has to read are scraped and messy: one file is a single 5,000-character line holding four
documents, another bundles sixteen short texts, each with its title printed twice, plus an English essay and
web-page furniture. The parser works in three passes:

1. ``_paragraphs``: split into non-blank paragraphs with their line numbers, strip adverts and web-page
   furniture, read 【key】value header lines, rejoin hard-wrapped lines and cut 「…【第N篇】」 parts apart.
2. ``_Splitter``: group paragraphs into one block per document, using title lines (first line, a title
   printed twice, a title block just before 第一章) and 篇 markers.
3. ``_build``: turn each block into a ``Regulation``, using 第N章/第N条 markers when the text has 条 and its
   top-level numbered items (一、 / 1、 / 1. / 1) / 「1 」) otherwise.

Nothing is dropped silently: whatever cannot be placed is returned as a ``Problem`` with its line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

__all__ = [
    "META_COLLECTION",
    "META_ORIGINAL_TITLE",
    "MSG_ADVERT",
    "MSG_BARE_TITLE",
    "MSG_EMPTY_CHAPTER",
    "MSG_ENGLISH",
    "MSG_GAP",
    "MSG_NO_ARTICLES",
    "MSG_NO_TITLE",
    "MSG_UNPLACED",
    "MSG_WEB",
    "UNTITLED",
    "Article",
    "Chapter",
    "ParseResult",
    "Problem",
    "Regulation",
    "cn_to_int",
    "parse_regulations",
]

UNTITLED = "未命名制度"
# Metadata keys the parser adds itself (all others come from 【key】 lines in the text).
META_ORIGINAL_TITLE = "原标题"  # the title line a better title replaced
META_COLLECTION = "合集"  # the bundle heading a 「…1篇」 part belongs to

MSG_ADVERT = "删除广告文字"
MSG_WEB = "网页附带文字，已跳过"
MSG_UNPLACED = "无法识别的文本，已跳过"
MSG_ENGLISH = "非制度内容（英文），已排除"
MSG_BARE_TITLE = "只有标题没有正文，已排除"
MSG_NO_ARTICLES = "没有条文，不作为制度，已排除"
MSG_NO_TITLE = f"缺少标题，使用“{UNTITLED}”"
MSG_EMPTY_CHAPTER = "章下没有条文，已忽略"
MSG_GAP = "条号不连续，请核对"

PROBLEM_TEXT_LIMIT = 80


@dataclass
class Article:
    """One 条, or one top-level numbered item in a text without 条."""

    label: str
    number: int
    clauses: list[str]
    line: int


@dataclass
class Chapter:
    """One 章; label and title are "" for articles that are not inside any chapter."""

    label: str
    title: str
    articles: list[Article]


@dataclass
class Regulation:
    title: str
    metadata: dict[str, str]
    preamble: str
    chapters: list[Chapter]
    line: int

    def articles(self) -> list[Article]:
        return [article for chapter in self.chapters for article in chapter.articles]


@dataclass
class Problem:
    line: int
    message: str
    text: str


@dataclass
class ParseResult:
    regulations: list[Regulation]
    problems: list[Problem]


# ---------------------------------------------------------------------------
# Numbers


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """Chinese or Arabic numeral → int: 十一 → 11, 四十三 → 43, 一百零一 → 101, 二〇一九 → 2019, "12" → 12."""
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):
        # Digit-by-digit form, as in years: 二〇一九.
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit:  # two non-zero digits in a row, e.g. 十二三
                raise ValueError(f"not a numeral: {text!r}")
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]  # 十一: a bare 十 means 一十
            digit = None
        else:
            raise ValueError(f"not a numeral: {text!r}")
    return total + (digit or 0)


def _to_int(text: str) -> int | None:
    try:
        return cn_to_int(text)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Patterns

_NUMERAL = r"[零〇一二两三四五六七八九十百千\d]+"
_MARKER_RE = re.compile(rf"第({_NUMERAL})([章条])")
_RESTART_RE = re.compile(r"\s*第[一1][章条]")
_FIRST_ARTICLE_RE = re.compile(r"第[一1]条")
_PIAN_RE = re.compile(r"【第[一二三四五六七八九十\d]+篇】")
_PIAN_NUMBER_RE = re.compile(r"(?P<head>(?P<base>\S{2,20}?)\d{1,2}篇)")
_COLLECTION_RE = re.compile(r"(?P<base>.+?)\d{1,2}篇")
_QUOTED_RE = re.compile(r"《([^》]+)》")
_INLINE_KEY_RE = re.compile(r"【([^】]{1,12})】")

# A title ends with the kind of document it is, maybe followed by (暂行) or 篇N.
_TITLE_TAIL = r"(?:办法|规定|条例|细则|制度|职责制|规则|准则|措施|方案)(?:\(暂行\)|（暂行）)?(?:篇\d{1,2})?"
_TITLE_RE = re.compile(rf".+{_TITLE_TAIL}")
# A title run into the first sentence of the body: 「领导干部保密工作职责制为保守…」.
_LEADING_TITLE_RE = re.compile(rf"(?P<title>[^\s,，。;；:：!！?？]{{2,40}}?{_TITLE_TAIL})(?=为|根据|目的)")

_SENTENCE_END = "。；;！!？?"
_CLAUSE_BREAK = _SENTENCE_END + "：:"
_TITLE_PUNCT = set("。，,；;：:！!？?")
_HEADING_PUNCT = set("。，,；;！!？?")
_MAX_HEADING = 30  # longest 章 title: 「技术秘密、商业秘密的定义、确立和管理机制」 is 20
_LABEL_SEP = " \t\u3000:：、.．"
_SPACES = " \t\u3000\ufeff\r"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_WRAP_END = set('。；;！!？?：:）)」』”"…')

ADVERTS = ("参考资料,少熬夜!", "参考资料，少熬夜！")
# Furniture of the web pages the seed texts were scraped from.
_WEB_LINES = {"合集下载", "相关文档", "最新文档"}
_WEB_MARKERS = ("欢迎访问", "当前位置:", "当前位置：", "本文标题:", "本文标题：", "链接地址:", "链接地址：")
_WEB_MARKERS += ("下载文档前", "仅部分预览", "联系客服")
_KNOWN_KEYS = {
    "发布部门",
    "发布文号",
    "发文字号",
    "效力级别",
    "时效状态",
    "时效性",
    "发布日期",
    "实施日期",
    "法律话题",
    "产业领域",
    "法规类别",
}

# Top-level item numbering for texts without 条. Look-behinds keep 2018、 or 十一、 from matching mid-number.
_ITEM_KINDS = {
    "cn": re.compile(r"(?<![一二三四五六七八九十])([一二三四五六七八九十]{1,3})、"),
    "dun": re.compile(r"(?<!\d)(\d{1,2})、"),
    "dot": re.compile(r"(?<![\d.])(\d{1,2})[.．](?!\d)"),
    "paren": re.compile(r"(?<![(（\d])(\d{1,2})[)）]"),
    "space": re.compile(r"(\d{1,2})[ \u3000](?=\S)"),  # 「1 范围」: only at the start of a paragraph
}


def _clip(text: str) -> str:
    return text if len(text) <= PROBLEM_TEXT_LIMIT else text[:PROBLEM_TEXT_LIMIT] + "…"


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in ("()", "（）", "【】", "《》", "“”"))


def _looks_like_title(text: str) -> bool:
    """Short, no sentence punctuation, balanced brackets, not a 章/条/item line (「供企事业单位参考）」 is not)."""
    if not 2 <= len(text) <= 40 or _TITLE_PUNCT & set(text) or not _balanced(text):
        return False
    if re.sub(r"\s", "", text) == "目录" or _starts_structural(text):
        return False
    return not text.isascii()


def _starts_structural(text: str) -> bool:
    return bool(_MARKER_RE.match(text)) or any(rx.match(text) for rx in _ITEM_KINDS.values())


def _is_english(text: str) -> bool:
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    return letters >= 20 and letters > visible / 2


def _is_heading(text: str, *, allow_empty: bool = False) -> bool:
    """Could this be the title of a 章 (「总 则」, 「:机构和职责」)?"""
    text = text.strip(_LABEL_SEP)
    return (allow_empty or bool(text)) and len(text) <= _MAX_HEADING and not _HEADING_PUNCT & set(text)


def _is_short_heading(text: str) -> bool:
    """An item that is only a heading, like 「管理办法」 in 「二、管理办法三、保密环节…」."""
    text = text.strip()
    return 2 <= len(text) <= 12 and not _TITLE_PUNCT & set(text)


def _normalise_heading(text: str) -> str:
    return re.sub(r"\s", "", text).strip(_LABEL_SEP)


# ---------------------------------------------------------------------------
# Pass 1: paragraphs


@dataclass
class _Para:
    line: int
    text: str
    pian: bool = False  # the 「保密管理制度【第二篇】」 heading of one part of a bundle
    meta: dict[str, str] | None = None  # set for 【key】value header lines


def _header_line(text: str) -> dict[str, str] | None:
    """「【发布部门】深圳市人大常委会 | 【发布文号】… |」 → {"发布部门": …}; None if not a header line."""
    if not text.startswith("【"):
        return None
    meta = {}
    for segment in text.split("|"):
        segment = segment.strip(_SPACES)
        if not segment:
            continue
        match = re.fullmatch(r"【([^】]+)】(.*)", segment)
        if not match:
            return None
        meta[match.group(1).strip(_SPACES)] = match.group(2).strip(_SPACES)
    # 「【保密制度】化工技术秘密保护管理办法(暂行)」 is a title with a tag, not a header line.
    if meta and ("|" in text or meta.keys() <= _KNOWN_KEYS):
        return meta
    return None


def _is_web_furniture(text: str) -> bool:
    return text in _WEB_LINES or any(marker in text for marker in _WEB_MARKERS)


def _strip_adverts(line: int, text: str, problems: list[Problem]) -> str:
    for advert in ADVERTS:
        for _ in range(text.count(advert)):
            problems.append(Problem(line, MSG_ADVERT, advert))
        text = text.replace(advert, "")
    return text


def _raw_paragraphs(text: str, problems: list[Problem]) -> list[_Para]:
    paras = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = _strip_adverts(number, raw.strip(_SPACES), problems).strip(_SPACES)
        if not stripped:
            continue
        if _is_web_furniture(stripped):
            problems.append(Problem(number, MSG_WEB, _clip(stripped)))
            continue
        paras.append(_Para(number, stripped, meta=_header_line(stripped)))
    return paras


def _join_wrapped(paras: list[_Para]) -> list[_Para]:
    """Rejoin hard-wrapped lines (「…应严格保守本公司的技术秘」+「密,不得…」).

    Only in texts whose paragraphs are separated by blank lines: there, two adjacent lines are one
    paragraph when the first is a long body line without closing punctuation.
    """
    adjacent = sum(b.line == a.line + 1 for a, b in pairwise(paras))
    if len(paras) < 2 or adjacent * 5 > len(paras):
        return paras
    joined = [paras[0]]
    for para in paras[1:]:
        prev = joined[-1]
        if (
            para.line == prev.line + 1
            and prev.meta is None
            and para.meta is None
            and len(prev.text) >= 40
            and prev.text[-1] not in _WRAP_END
            and not _starts_structural(para.text)
        ):
            joined[-1] = _Para(prev.line, prev.text + para.text)
        else:
            joined.append(para)
    return joined


def _explode_pian(para: _Para) -> list[_Para]:
    """Cut 「…为准。保密管理制度【第二篇】领导干部…」 into text, 篇 heading, text."""
    if para.meta is not None or not _PIAN_RE.search(para.text):
        return [para]
    parts, start = [], 0
    for match in _PIAN_RE.finditer(para.text):
        before = para.text[start : match.start()]
        cut = max(before.rfind(ch) for ch in _SENTENCE_END) + 1  # the heading starts after the last sentence
        if before[:cut].strip():
            parts.append(_Para(para.line, before[:cut].strip()))
        parts.append(_Para(para.line, (before[cut:] + match.group()).strip(), pian=True))
        start = match.end()
    if para.text[start:].strip():
        parts.append(_Para(para.line, para.text[start:].strip()))
    return parts


def _paragraphs(text: str, problems: list[Problem]) -> list[_Para]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paras = _join_wrapped(_raw_paragraphs(text, problems))
    return [part for para in paras for part in _explode_pian(para)]


# ---------------------------------------------------------------------------
# Pass 2: one block per document


@dataclass
class _Block:
    heading: str | None
    line: int
    pian: bool = False
    paras: list[_Para] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    collection_base: str | None = None  # 「保密管理措施」 for a 「保密管理措施3篇」 bundle


def _is_chapter_line(text: str) -> bool:
    match = _MARKER_RE.match(text)
    return bool(match) and match.group(2) == "章"


def _toc_length(paras: list[_Para], i: int) -> int:
    """Length of a 目录 (the 目录 line plus its 章 lines) starting at i, or 0.

    It is a table of contents only if the 章 lines are repeated right after it.
    """
    if re.sub(r"\s", "", paras[i].text) != "目录":
        return 0
    entries, j = [], i + 1
    while j < len(paras) and _is_chapter_line(paras[j].text):
        entry = _normalise_heading(paras[j].text)
        if entries and entry == entries[0]:
            return j - i
        entries.append(entry)
        j += 1
    return 0


def _title_run(paras: list[_Para], i: int) -> int:
    """How many title lines start at i and stand right before a 第一章/第一条 line.

    Example: 「有限公司」「技术保密管理办法」 before 「第一章总则」. The last of them must name a kind of
    document, so that a note like 「（2024年1月1日起施行）」 is not a title.
    """
    j = i
    while j < len(paras) and j - i < 3 and paras[j].meta is None and _looks_like_title(paras[j].text):
        j += 1
    if j > i and j < len(paras) and _RESTART_RE.match(paras[j].text) and _TITLE_RE.fullmatch(paras[j - 1].text):
        return j - i
    return 0


class _Splitter:
    """Groups paragraphs into blocks, one per document."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.blocks = [_Block(heading=None, line=1)]  # text before the first title
        self.pending_meta: dict[str, str] = {}

    @property
    def current(self) -> _Block:
        return self.blocks[-1]

    def start(self, heading: str, line: int, *, pian: bool = False, inherit: _Block | None = None) -> None:
        block = _Block(heading=heading, line=line, pian=pian, metadata=self.pending_meta)
        self.pending_meta = {}
        if inherit is not None:  # the next 篇 of a 「保密管理措施3篇」 bundle
            block.collection_base = inherit.collection_base
            block.metadata.setdefault(META_COLLECTION, inherit.metadata.get(META_COLLECTION, ""))
        elif match := _COLLECTION_RE.fullmatch(heading):
            block.collection_base = match.group("base")
        self.blocks.append(block)

    def append(self, line: int, text: str) -> None:
        block = self.current
        if not block.paras:
            block.metadata.update(self.pending_meta)
            self.pending_meta = {}
            if block.heading is None:
                block.line = line
        block.paras.append(_Para(line, text))

    def is_first_content(self) -> bool:
        return len(self.blocks) == 1 and not self.current.paras

    def feed(self, paras: list[_Para]) -> list[_Block]:
        i = 0
        while i < len(paras):
            i += self.step(paras, i)
        if self.pending_meta:
            self.current.metadata.update(self.pending_meta)
        return self.blocks

    def step(self, paras: list[_Para], i: int) -> int:
        """Handle paras[i]; return how many paragraphs it used."""
        para, block = paras[i], self.current
        if para.meta is not None:
            self.pending_meta.update(para.meta)
            return 1
        if para.pian:
            self.start(para.text, para.line, pian=True)
            return 1
        if _is_english(para.text):
            self.problems.append(Problem(para.line, MSG_ENGLISH, _clip(para.text)))
            return 1
        if toc := _toc_length(paras, i):
            return toc
        if block.heading and not block.paras and para.text == block.heading:
            return 1  # the title printed a second time
        if _looks_like_title(para.text):
            repeated = i + 1 < len(paras) and paras[i + 1].text == para.text
            if self.is_first_content() or repeated:
                self.start(para.text, para.line)
                return 1
            if block.paras and (run := _title_run(paras, i)):
                self.start(" ".join(p.text for p in paras[i : i + run]), para.line)
                return run
        self.append_body(para)
        return 1

    def append_body(self, para: _Para) -> None:
        block, text = self.current, para.text
        if block.heading and not block.paras:
            # 「技术研发中心保密管理办法技术研发中心保密管理办法为了…」: the body repeats the title.
            while text.startswith(block.heading) and len(text) > len(block.heading):
                text = text[len(block.heading) :].lstrip(_SPACES)
        match = _PIAN_NUMBER_RE.match(text)
        if match and block.collection_base and match.group("base") == block.collection_base:
            if block.paras:
                self.start(match.group("head"), para.line, pian=True, inherit=block)
            else:  # the bundle heading itself has no text: its first 篇 takes its place
                block.metadata[META_COLLECTION] = block.heading or ""
                block.heading, block.pian = match.group("head"), True
            text = text[match.end() :].strip(_SPACES)
        if text:
            self.append(para.line, text)


# ---------------------------------------------------------------------------
# Pass 3: markers inside a paragraph


class _Mark(NamedTuple):
    start: int
    end: int
    kind: str  # "chapter" | "article"
    label: str
    number: int


@dataclass
class _Piece:
    kind: str  # "text" | "chapter" | "article"
    text: str
    label: str = ""
    number: int = 0


@dataclass
class _Counter:
    article: int = 0
    chapter: int = 0


def _pieces(text: str, marks: list[_Mark]) -> list[_Piece]:
    """Cut text at the accepted markers: leading text, then one piece per marker with the text after it."""
    head = text[: marks[0].start] if marks else text
    pieces = [_Piece("text", head.strip())] if head.strip() else []
    ends = [mark.start for mark in marks[1:]] + [len(text)]
    for mark, end in zip(marks, ends, strict=False):  # ends is one longer when there are no marks
        body = text[mark.end : end]
        pieces.append(_Piece(mark.kind, body.strip().lstrip(_LABEL_SEP).strip(), mark.label, mark.number))
    return pieces


def _next_article(text: str, pos: int, expected: int) -> int | None:
    """Start of the expected 第N条 right after the 章 title that begins at pos, if it is there."""
    for match in _MARKER_RE.finditer(text, pos, pos + _MAX_HEADING + 15):  # title, separators and the 条 label
        if match.group(2) == "条" and _to_int(match.group(1)) == expected:
            return match.start()
    return None


def _split_statute(text: str, count: _Counter) -> list[_Piece]:
    """Pieces of a paragraph in a text with 第N章/第N条.

    At the start of a paragraph a marker always counts. Inside running text (seed 001 is one line) a 第N条
    counts only if it is the next number and sits where an article can start, so that references such as
    「依《刑法》第二百一十九条」 or 「根据本《规定》第四条的规定」 stay in the text.
    """
    marks: list[_Mark] = []
    for match in _MARKER_RE.finditer(text):
        number = _to_int(match.group(1))
        if number is None:
            continue
        at_start = not text[: match.start()].strip()
        label = f"第{match.group(1)}{match.group(2)}"
        if match.group(2) == "章":
            article_at = _next_article(text, match.end(), count.article + 1)
            heading = text[match.end() : article_at if article_at is not None else len(text)]
            inline_ok = number == count.chapter + 1 and article_at is not None
            if _is_heading(heading, allow_empty=at_start) and (at_start or inline_ok):
                count.chapter = number
                marks.append(_Mark(match.start(), match.end(), "chapter", label, number))
        elif at_start or (number == count.article + 1 and _inline_article_ok(text, match, marks)):
            count.article = number
            marks.append(_Mark(match.start(), match.end(), "article", label, number))
    return _pieces(text, marks)


def _inline_article_ok(text: str, match: re.Match[str], marks: list[_Mark]) -> bool:
    before = text[match.start() - 1]
    after = text[match.end() : match.end() + 1]
    after_chapter = bool(marks) and marks[-1].kind == "chapter" and _is_heading(text[marks[-1].end : match.start()])
    return before in _SENTENCE_END or after in (":", "：", "、") or after_chapter


def _split_items(text: str, kind: str, count: _Counter) -> list[_Piece]:
    """Pieces of a paragraph in a text without 条, whose top-level items are numbered in the given style."""
    marks: list[_Mark] = []
    for match in _ITEM_KINDS[kind].finditer(text):
        number = _to_int(match.group(1))
        if number is None or (kind == "space" and match.start() > 0):
            continue
        if match.start() == 0:
            accepted = number > count.article
        else:
            heading_before = bool(marks) and _is_short_heading(text[marks[-1].end : match.start()])
            accepted = number == count.article + 1 and (text[match.start() - 1] in _CLAUSE_BREAK or heading_before)
        if accepted:
            count.article = number
            marks.append(_Mark(match.start(), match.end(), "article", match.group(1), number))
    return _pieces(text, marks)


def _top_item_kind(paras: list[_Para]) -> str | None:
    """The numbering style of the first item that starts a paragraph or follows a full stop or colon."""
    for para in paras:
        found = []
        for kind, regex in _ITEM_KINDS.items():
            for match in regex.finditer(para.text):
                at_start = match.start() == 0
                after_break = match.start() > 0 and para.text[match.start() - 1] in _CLAUSE_BREAK
                if at_start or (kind != "space" and after_break and _to_int(match.group(1)) == 1):
                    found.append((match.start(), kind))
                    break
        if found:
            return min(found)[1]
    return None


def _split_circled(text: str) -> list[str]:
    """「…职责制。①不泄露…。②不在…」 → one clause per circled item; other text is kept whole."""
    cuts = [i for i, ch in enumerate(text) if ch in _CIRCLED and i > 0 and text[i - 1] in _CLAUSE_BREAK + "."]
    if len(cuts) < 2:
        return [text]
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in pairwise(bounds) if text[a:b].strip()]


# ---------------------------------------------------------------------------
# Building a regulation from a block


def _inline_metadata(text: str, heading: str | None) -> tuple[dict[str, str], str]:
    """「【法规类别】…【发文字号】国科发创[2018]124号…【效力级别】部门规范性文件科技部关于印发…」 → (metadata, rest).

    The last value runs into the body; it ends where the document's heading is repeated.
    """
    meta: dict[str, str] = {}
    matches = list(_INLINE_KEY_RE.finditer(text))
    if not matches or matches[0].start() != 0:
        return meta, text
    end = 0
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        value = text[match.end() : end]
        cut = value.find(heading) if heading and following is None else -1
        if cut > 0:
            value, end = value[:cut], match.end() + cut
        if _HEADING_PUNCT & set(value):  # body text, not a value: the header run ended before this key
            return meta, text[match.start() :].strip(_SPACES)
        meta[match.group(1)] = value.strip(_SPACES)
    return meta, text[end:].strip(_SPACES)


class _Builder:
    """Collects the pieces of one block into a Regulation."""

    def __init__(self, block: _Block, problems: list[Problem]):
        self.block = block
        self.problems = problems
        self.metadata = dict(block.metadata)
        self.title = block.heading or ""
        self.preamble: list[tuple[int, str]] = []
        self.chapters: list[tuple[int, Chapter]] = []
        self.chapter: Chapter | None = None
        self.article: Article | None = None
        self.last_number = 0
        self.seen_text = False
        self.inner_title_found = False

    def feed(self, line: int, pieces: list[_Piece]) -> None:
        for index, piece in enumerate(pieces):
            if piece.kind == "chapter":
                self.chapter = Chapter(piece.label, _normalise_heading(piece.text), [])
                self.chapters.append((line, self.chapter))
                self.article = None
            elif piece.kind == "article":
                self.add_article(line, piece)
            else:
                self.add_text(line, piece.text, before_marker=index < len(pieces) - 1)

    def add_article(self, line: int, piece: _Piece) -> None:
        if piece.number != self.last_number + 1:  # kept, but someone should look at the numbering
            self.problems.append(Problem(line, MSG_GAP, piece.label))
        self.last_number = piece.number
        if self.chapter is None:
            self.chapter = Chapter("", "", [])
            self.chapters.append((line, self.chapter))
        self.article = Article(piece.label, piece.number, _split_circled(piece.text) if piece.text else [], line)
        self.chapter.articles.append(self.article)

    def add_text(self, line: int, text: str, *, before_marker: bool) -> None:
        if self.article is not None:
            self.article.clauses.extend(_split_circled(text))
        elif self.chapter is not None:  # between a 章 heading and its first 条
            self.problems.append(Problem(line, MSG_UNPLACED, _clip(text)))
        else:
            text = self.take_inner_title(text, before_marker=before_marker)
            if not text:
                return
            if self.block.heading is None and not self.inner_title_found:
                self.problems.append(Problem(line, MSG_UNPLACED, _clip(text)))
            else:
                self.preamble.append((line, text))

    def take_inner_title(self, text: str, *, before_marker: bool) -> str:
        """Find a title inside the body and return the text left over.

        Two shapes: a title standing right before 第一章/第一条 (「企业技术秘密、商业秘密管理办法第一章总则…」),
        and a title run into the first sentence (「领导干部保密工作职责制为保守…」).
        """
        first, self.seen_text = not self.seen_text, True
        if self.inner_title_found:
            return text
        if before_marker and _TITLE_RE.fullmatch(text) and _looks_like_title(text):
            title, rest = text, ""
        elif first and (match := _LEADING_TITLE_RE.match(text)):
            title, rest = match.group("title"), text[match.end() :]
        else:
            return text
        self.inner_title_found = True
        return (self.set_inner_title(title) + rest).strip(_SPACES)

    def set_inner_title(self, title: str) -> str:
        """Adopt an inner title; return any text before it (「科技部2018年8月8日」 before the quoted title)."""
        heading = self.block.heading
        if self.block.pian:  # keep the 篇 marker: 「保密管理措施1篇 技术保密管理制度」
            self.title = f"{heading} {title}"
            return ""
        leftover = ""
        quoted = _QUOTED_RE.search(heading or "")
        if quoted and title != quoted.group(1) and title.endswith(quoted.group(1)):
            leftover, title = title[: -len(quoted.group(1))], quoted.group(1)
        if heading and heading != title:
            self.metadata[META_ORIGINAL_TITLE] = heading
        self.title = title
        return leftover

    def finish(self, title_override: str | None) -> Regulation | None:
        chapters = []
        for line, chapter in self.chapters:
            if chapter.articles:
                chapters.append(chapter)
            else:
                self.problems.append(Problem(line, MSG_EMPTY_CHAPTER, f"{chapter.label} {chapter.title}".strip()))
        if not chapters:
            if self.title:
                self.problems.append(Problem(self.block.line, MSG_NO_ARTICLES, self.title))
            self.problems.extend(Problem(line, MSG_UNPLACED, _clip(text)) for line, text in self.preamble)
            return None
        title = self.title
        if title_override:
            if title and title != title_override:
                self.metadata[META_ORIGINAL_TITLE] = title
            title = title_override
        elif not title:
            title = UNTITLED
            self.problems.append(Problem(self.block.line, MSG_NO_TITLE, ""))
        preamble = "\n".join(text for _, text in self.preamble)
        return Regulation(title, self.metadata, preamble, chapters, self.block.line)


def _has_articles(paras: list[_Para]) -> bool:
    """Does the text number its articles 第N条 (else its top-level items are the articles)?"""
    for para in paras:
        match = _MARKER_RE.match(para.text)
        if _FIRST_ARTICLE_RE.search(para.text) or (match and match.group(2) == "条"):
            return True
    return False


def _build(block: _Block, problems: list[Problem], title_override: str | None) -> Regulation | None:
    if not block.paras:
        if block.heading:
            problems.append(Problem(block.line, MSG_BARE_TITLE, block.heading))
        return None
    paras = list(block.paras)
    builder = _Builder(block, problems)
    if paras[0].text.startswith("【"):
        meta, rest = _inline_metadata(paras[0].text, block.heading)
        builder.metadata.update(meta)
        paras[0] = _Para(paras[0].line, rest)
    count = _Counter()
    statute = _has_articles(paras)
    kind = None if statute else _top_item_kind(paras)
    for para in paras:
        if statute:
            pieces = _split_statute(para.text, count)
        elif kind:
            pieces = _split_items(para.text, kind, count)
        else:
            pieces = [_Piece("text", para.text)] if para.text else []
        builder.feed(para.line, pieces)
    return builder.finish(title_override)


def parse_regulations(text: str, *, title: str | None = None) -> ParseResult:
    """Parse a plain-text file holding one or more regulations.

    ``title`` names the first regulation, for texts without a title line (seed 004) or with a wrong one.
    """
    problems: list[Problem] = []
    blocks = _Splitter(problems).feed(_paragraphs(text, problems))
    regulations: list[Regulation] = []
    for block in blocks:
        regulation = _build(block, problems, None if regulations else title)
        if regulation is not None:
            regulations.append(regulation)
    problems.sort(key=lambda problem: problem.line)  # stable: keeps the order within a line
    return ParseResult(regulations, problems)

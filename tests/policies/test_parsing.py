"""Tests for policies.parsing, the plain-text 保密制度 parser, against hand-written texts and the five seed texts.

Every count below was checked against the seed text itself with grep, e.g.
``grep -c '^第[一二三四五六七八九十]*条' 003_*.txt`` (41) or ``grep -o '参考资料,少熬夜!' 001_*.txt | wc -l`` (6).
"""

import re
from pathlib import Path

import pytest

from policies.parsing import (
    META_COLLECTION,
    META_ORIGINAL_TITLE,
    MSG_ADVERT,
    MSG_BARE_TITLE,
    MSG_EMPTY_CHAPTER,
    MSG_ENGLISH,
    MSG_GAP,
    MSG_NO_TITLE,
    MSG_UNPLACED,
    MSG_WEB,
    UNTITLED,
    ParseResult,
    Problem,
    cn_to_int,
    parse_regulations,
)

SEEDS = Path(__file__).resolve().parents[2] / "policies" / "seeds"

# The seeds without a usable title line are named by the caller (obligations.md §0).
SEED_TITLES = {"000": "技术保密管理规定", "004": "科学技术保密规定"}


def seed_text(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} is missing")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def parse_seed(prefix: str, **kwargs) -> ParseResult:
    kwargs.setdefault("title", SEED_TITLES.get(prefix))
    return parse_regulations(seed_text(prefix), **kwargs)


def labels(regulation) -> list[str]:
    return [article.label for article in regulation.articles()]


def chinese_labels(first: int, last: int) -> list[str]:
    digits = "一二三四五六七八九"

    def numeral(n: int) -> str:
        tens, units = divmod(n, 10)
        head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
        return head + (digits[units - 1] if units else "")

    return [f"第{numeral(n)}条" for n in range(first, last + 1)]


# ---------------------------------------------------------------------------
# cn_to_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("四十三", 43),
        ("九十九", 99),
        ("一百", 100),
        ("一百零一", 101),
        ("一百〇五", 105),
        ("二百一十九", 219),
        ("两", 2),
        ("零", 0),
        ("〇", 0),
        ("二〇一九", 2019),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_cn_to_int(text, expected):
    """cn_to_int reads 条 numbers up to 九十九 and beyond, including 〇/零/两 and Arabic digits."""
    assert cn_to_int(text) == expected


@pytest.mark.parametrize("text", ["", "第一", "abc", "十二三"])
def test_cn_to_int_rejects_non_numerals(text):
    """cn_to_int raises ValueError for text that is not a numeral."""
    with pytest.raises(ValueError):
        cn_to_int(text)


# ---------------------------------------------------------------------------
# Hand-written texts

SAMPLE = """【发布部门】保密办 | 【发布日期】 2024-01-01 |
示例保密制度
（2024年1月1日起施行）
第一章 总 则
第一条 为了保护公司技术秘密，制定本制度。
第二条:员工应当遵守下列规定：
（一）不得泄露技术秘密；
(二)不得私自复制涉密资料。
违反前款规定的，按照公司规定处理。
第二章附则
第三条 本制度自发布之日起施行，依照第一条的规定解释。
"""


def test_hand_written_regulation_with_items():
    """A small regulation: metadata, title, preamble, 章 with and without a space, (一)(二) items as clauses."""
    result = parse_regulations(SAMPLE)

    assert result.problems == []
    (regulation,) = result.regulations
    assert regulation.title == "示例保密制度"
    assert regulation.line == 2
    assert regulation.metadata == {"发布部门": "保密办", "发布日期": "2024-01-01"}
    assert regulation.preamble == "（2024年1月1日起施行）"
    assert [(c.label, c.title) for c in regulation.chapters] == [("第一章", "总则"), ("第二章", "附则")]
    first, second, third = regulation.articles()
    assert (first.label, first.number, first.line) == ("第一条", 1, 5)
    assert first.clauses == ["为了保护公司技术秘密，制定本制度。"]
    assert (second.label, second.number, second.line) == ("第二条", 2, 6)
    assert second.clauses == [
        "员工应当遵守下列规定：",
        "（一）不得泄露技术秘密；",
        "(二)不得私自复制涉密资料。",
        "违反前款规定的，按照公司规定处理。",
    ]
    # A reference to another 条 inside the text is not a new article.
    assert third.clauses == ["本制度自发布之日起施行，依照第一条的规定解释。"]


def test_unplaceable_line_is_reported_with_its_line_number():
    """A line between a 章 heading and its first 条 cannot be placed: it is reported at line 3, not dropped."""
    text = "示例制度\n第一章 总则\n这一行在章标题之后、第一条之前。\n第一条 正文。\n"

    result = parse_regulations(text)

    assert result.problems == [Problem(3, MSG_UNPLACED, "这一行在章标题之后、第一条之前。")]
    assert result.regulations[0].articles()[0].clauses == ["正文。"]


def test_text_without_title_gets_placeholder_and_problem():
    """Without a title line and without title=, the regulation is 未命名制度 and both facts are reported."""
    text = "这是一段说明，不是标题。\n\n第一条 正文。\n第二条 正文二。"

    result = parse_regulations(text)

    (regulation,) = result.regulations
    assert regulation.title == UNTITLED
    assert result.problems == [Problem(1, MSG_UNPLACED, "这是一段说明，不是标题。"), Problem(1, MSG_NO_TITLE, "")]


def test_numbering_gap_and_empty_chapter_are_reported():
    """A skipped 条 number is kept but reported; a 章 with no 条 is left out and reported."""
    text = "示例制度\n第一章 总则\n第一条 正文一。\n第三条 正文三。\n第二章 空章\n第三章 附则\n第四条 正文四。"

    result = parse_regulations(text)

    assert labels(result.regulations[0]) == ["第一条", "第三条", "第四条"]
    assert [c.title for c in result.regulations[0].chapters] == ["总则", "附则"]
    assert result.problems == [Problem(4, MSG_GAP, "第三条"), Problem(5, MSG_EMPTY_CHAPTER, "第二章 空章")]


def test_run_on_line_is_split_at_articles_only():
    """In one long line, 章/条 start where the next number follows a full stop or a 章 title; references stay."""
    text = (
        "示例制度\n第一章:总则第一条:员工应当保密。第二条:违反第一条的,依照第五条处理。"
        + "第二章:附则第三条:自发布之日起施行。"
    )

    (regulation,) = parse_regulations(text).regulations

    assert [(c.label, c.title) for c in regulation.chapters] == [("第一章", "总则"), ("第二章", "附则")]
    assert [a.clauses for a in regulation.articles()] == [
        ["员工应当保密。"],
        ["违反第一条的,依照第五条处理。"],
        ["自发布之日起施行。"],
    ]
    assert {a.line for a in regulation.articles()} == {2}


def test_advert_and_english_are_reported():
    """Advert text is stripped and reported per occurrence; an English paragraph is excluded and reported."""
    text = (
        "示例制度\n第一条 员工参考资料,少熬夜!应当保密。\nThis paragraph is an unrelated English essay about music.\n"
    )

    result = parse_regulations(text)

    assert result.regulations[0].articles()[0].clauses == ["员工应当保密。"]
    assert [(p.line, p.message) for p in result.problems] == [(2, MSG_ADVERT), (3, MSG_ENGLISH)]


# ---------------------------------------------------------------------------
# Seed 003: 深圳经济特区企业技术秘密保护条例


def test_seed_003_regulation_and_header():
    """O05 深圳条例 header: 1 regulation, its metadata, the 修正 note as preamble, 第一条–第四十一条."""
    result = parse_seed("003")

    assert result.problems == []
    (regulation,) = result.regulations
    assert regulation.title == "深圳经济特区企业技术秘密保护条例"
    assert regulation.line == 5
    assert regulation.metadata["发布部门"] == "深圳市人大常委会"
    assert regulation.metadata["发布文号"] == "深圳市第六届人民代表大会常务委员会公告第167号"
    assert regulation.metadata["效力级别"] == "经济特区法规"
    assert regulation.metadata["时效状态"] == "现行有效"
    assert regulation.metadata["发布日期"] == "2019-11-13"
    assert regulation.metadata["实施日期"] == "2019-11-13"
    assert regulation.preamble.startswith("(1995年11月3日")
    assert "第二次修正" in regulation.preamble
    assert labels(regulation) == chinese_labels(1, 41)
    assert [a.number for a in regulation.articles()] == list(range(1, 42))


def test_seed_003_table_of_contents_is_skipped():
    """The 目 录 (lines 7–12) repeats the 章 headings: it yields no chapter, and every one of the 5 章 has 条."""
    (regulation,) = parse_seed("003").regulations

    assert [(c.label, c.title) for c in regulation.chapters] == [
        ("第一章", "总则"),
        ("第二章", "企业技术秘密管理"),
        ("第三章", "企业技术秘密保护"),
        ("第四章", "法律责任"),
        ("第五章", "附则"),
    ]
    assert [len(c.articles) for c in regulation.chapters] == [9, 7, 12, 9, 4]
    assert regulation.articles()[0].line == 14


def test_seed_003_article_11_clauses():
    """O01/O02 第十一条: the 保密制度 article, with its (一)–(五) items and its second paragraph as clauses."""
    (regulation,) = parse_seed("003").regulations

    article = regulation.articles()[10]
    assert (article.label, article.number, article.line) == ("第十一条", 11, 26)
    assert article.clauses[0].startswith("企业可以建立保密制度,主要包括:")
    assert article.clauses == [
        "企业可以建立保密制度,主要包括:",
        "(一)保密对象;",
        "(二)涉密场所;",
        "(三)保密标志的内容或者保密文件的内容;",
        "(四)保密措施;",
        "(五)其他需要规定的内容。",
        "保密制度应当在企业内部公开。",
    ]


def test_title_argument_wins_and_keeps_original():
    """title= names the first regulation; the title line found in the text is kept as 原标题."""
    (regulation,) = parse_seed("003", title="企业技术秘密条例").regulations

    assert regulation.title == "企业技术秘密条例"
    assert regulation.metadata[META_ORIGINAL_TITLE] == "深圳经济特区企业技术秘密保护条例"


# ---------------------------------------------------------------------------
# Seed 004: 科学技术保密规定 (no title line)


def test_seed_004_with_title():
    """O05 004 第四十三条: with title=, 5 章 and 第一条–第四十三条, nothing reported."""
    result = parse_seed("004")

    assert result.problems == []
    (regulation,) = result.regulations
    assert regulation.title == "科学技术保密规定"
    assert regulation.preamble == ""
    assert [c.title for c in regulation.chapters] == [
        "总则",
        "国家科学技术秘密的范围和密级",
        "国家科学技术秘密的确定、变更和解除",
        "国家科学技术秘密保密管理",
        "附则",
    ]
    assert labels(regulation) == chinese_labels(1, 43)
    assert regulation.articles()[41].clauses == ["本规定由科学技术部和国家保密局负责解释。"]
    assert "1995年发布的《科学技术保密规定》" in regulation.articles()[42].clauses[0]


def test_seed_004_without_title():
    """Seed 004 starts at 第一章: without title= it is 未命名制度 and the missing title is reported at line 1."""
    result = parse_seed("004", title=None)

    (regulation,) = result.regulations
    assert regulation.title == UNTITLED
    assert len(regulation.articles()) == 43
    assert result.problems == [Problem(1, MSG_NO_TITLE, "")]


# ---------------------------------------------------------------------------
# Seed 000: 技术保密管理规定 (company template)


def test_seed_000_structure_and_junk_first_line():
    """Seed 000 with title=: 6 章, 第一条–第三十条; the junk first line 「供企事业单位参考）」 is reported."""
    result = parse_seed("000")

    (regulation,) = result.regulations
    assert regulation.title == "技术保密管理规定"
    assert [c.title for c in regulation.chapters] == [
        "总则",
        "机构和职责",
        "保密范围",
        "技术保密管理规定",
        "奖励与惩罚",
        "附则",
    ]
    assert labels(regulation) == chinese_labels(1, 30)
    assert regulation.preamble == ""
    assert result.problems == [Problem(1, MSG_UNPLACED, "供企事业单位参考）")]


def test_seed_000_clauses_and_inline_references():
    """000 第五条 has 11 clauses (one per line: 一、, 二、, 1、–4、); 第二十八条 keeps its mention of 第四条."""
    articles = parse_seed("000").regulations[0].articles()

    fifth = articles[4]
    assert len(fifth.clauses) == 11
    assert fifth.clauses[:3] == ["技术保密工作小组和技术保密工作者职责", "一、技术保密工作小组职责", fifth.clauses[2]]
    assert fifth.clauses[2].startswith("1、制订技术保密工作规划")
    assert articles[11].line == 27  # 「 第十二条」 starts with a space
    assert "根据本《规定》第四条的规定" in articles[27].clauses[0]


# ---------------------------------------------------------------------------
# Seed 001: a scraped page with four documents on one line

SEED_001_TITLES = [
    "保密管理制度【第一篇】",
    "保密管理制度【第二篇】 领导干部保密工作职责制",
    "保密规章制度【第三篇】",
    "保密管理制度【第四篇】",
]


def test_seed_001_documents():
    """Seed 001 holds 4 documents: 第一篇 (6 章, 30 条), 第二篇 (1–5), 第三篇 (第一条–第六条), 第四篇 (cut off)."""
    first, second, third, fourth = parse_seed("001").regulations

    assert [r.title for r in (first, second, third, fourth)] == SEED_001_TITLES
    assert [c.title for c in first.chapters] == [
        "总则",
        "机构和职责",
        "保密范围",
        "技术保密管理规定",
        "奖励与惩罚",
        "附则",
    ]
    assert labels(first) == chinese_labels(1, 30)
    assert labels(second) == ["1", "2", "3", "4", "5"]
    assert second.preamble.startswith("为保守党和国家秘密")
    assert labels(third) == chinese_labels(1, 6)
    assert labels(fourth) == ["一"]
    assert fourth.preamble.endswith("具体规定如下:")
    assert {a.line for r in (first, second, third, fourth) for a in r.articles()} == {3}


def test_seed_001_is_the_template_and_keeps_references():
    """§4 row 27: 001 第一篇 is seed 000 (same 章 and 条); 「第二百一十九条和第二百二十条」 stays inside 第二十六条."""
    template = parse_seed("000").regulations[0]
    first = parse_seed("001").regulations[0]

    assert [(c.label, c.title) for c in first.chapters] == [(c.label, c.title) for c in template.chapters]
    assert labels(first) == labels(template)
    assert "第二百一十九条和第二百二十条" in first.articles()[25].clauses[0]


def test_seed_001_leader_duties_items():
    """001 第二篇 item 1 splits into its lead sentence and ①–⑨, one clause each."""
    second = parse_seed("001").regulations[1]

    item = second.articles()[0]
    assert len(item.clauses) == 10
    assert item.clauses[0] == "局领导务必模范遵守保密法律、法规和下列保密职责制。"
    assert [clause[0] for clause in item.clauses[1:]] == list("①②③④⑤⑥⑦⑧⑨")


def test_seed_001_adverts_stripped_and_reported():
    """§4 row 27: each of the 6 「参考资料,少熬夜!」 adverts is reported at line 3 and appears in no text."""
    result = parse_seed("001")

    adverts = [p for p in result.problems if p.message == MSG_ADVERT]
    assert [(p.line, p.text) for p in adverts] == [(3, "参考资料,少熬夜!")] * 6
    for regulation in result.regulations:
        texts = [regulation.title, regulation.preamble, *(c for a in regulation.articles() for c in a.clauses)]
        assert not any("少熬夜" in text or "参考资料" in text for text in texts)
    # The advert was cut out of the middle of a word: 「本本单参考资料,少熬夜!位」.
    assert "利用了本本单位所拥有的" in result.regulations[0].articles()[13].clauses[0]


def test_seed_001_page_furniture_reported():
    """The page's greeting, breadcrumb, title and link lines (1, 2, 4, 5) and its 导读 are reported: 11 problems."""
    result = parse_seed("001")

    web = [p.line for p in result.problems if p.message == MSG_WEB]
    assert web == [1, 2, 4, 5]
    (intro,) = [p for p in result.problems if p.message == MSG_UNPLACED]
    assert intro.line == 3
    assert intro.text.startswith("保密制度建设【实用4篇】【导读指引】")
    assert len(result.problems) == 11


# ---------------------------------------------------------------------------
# Seed 002: a bundle of short texts

SEED_002_TITLES = [
    "技术研发中心保密管理办法",
    "集团公司技术秘密保护管理办法(暂行)",
    "保密管理措施1篇 技术保密管理制度",
    "保密管理措施2篇",
    "保密工作管理办法",
    "保密工作管理方案办法",
    "企业技术秘密、商业秘密管理办法",
    "国家科学技术秘密定密管理办法",
    "保密制度管理办法篇1",
    "技术秘密管理办法",
    "技术资料保密细则",
    "防止泄露技术机密的管理办法",
    "技术保密管理办法",
    "技术人员保密制度",
    "技术秘密管理办法",
    "有限公司 技术保密管理办法",
]


def test_seed_002_sub_document_titles():
    """Seed 002 yields the 16 sub-documents named in obligations.md §0, in order."""
    result = parse_seed("002")

    assert [r.title for r in result.regulations] == SEED_002_TITLES


def test_seed_002_article_counts():
    """Per sub-document: 条 where the text has them, top-level items (一、/1、/「1 」) otherwise."""
    regulations = parse_seed("002").regulations

    assert [labels(r) for r in regulations] == [
        ["一"],
        chinese_labels(1, 7),
        [str(n) for n in range(1, 11)],
        ["一", "二"],
        ["一", "二", "三", "四"],
        ["一", "二", "三", "四"],
        chinese_labels(1, 6),
        chinese_labels(1, 6),
        chinese_labels(1, 5),
        ["1", "2", "3", "4", "5"],
        ["一", "二", "三"],
        ["一", "二"],
        ["一", "二", "三"],
        ["一", "二", "三", "四", "五", "六"],
        chinese_labels(1, 6),
        chinese_labels(1, 21),
    ]


def test_seed_002_limited_company_regulation():
    """002 有限公司办法: 4 章 and 第一条–第二十一条; 第十四条's hard-wrapped line (571–572) is one clause."""
    regulation = parse_seed("002").regulations[-1]

    assert regulation.line == 531
    assert [c.title for c in regulation.chapters] == ["总则", "保密范围", "技术保密管理", "附则"]
    assert labels(regulation) == chinese_labels(1, 21)
    article = regulation.articles()[13]
    assert article.line == 571
    assert article.clauses == [
        "公司有关员工在国内外学术交流活动讲学、发表论文、参加会议、参观访问、提供咨询以及通讯联系、洽谈生意等时,"
        "应严格保守本公司的技术秘密,不得透露公司技术秘密,不得向他人提供载有技术秘密信息的的资料和其他物品。"
    ]


def test_seed_002_repeated_titles_stripped():
    """A body that repeats its title (「技术研发中心保密管理办法技术研发中心保密管理办法为了…」) loses the repeats."""
    regulations = parse_seed("002").regulations

    assert (
        regulations[0].preamble
        == "为了加强技术信息、营销信息、生产信息、管理信息的监督、控制、管理、保密,特制定本办法。"
    )
    assert regulations[0].articles()[0].line == 11
    assert regulations[4].articles()[0].clauses[0] == "引言保密工作是每个组织和企业都面临的重要问题。"


def test_seed_002_notice_metadata_and_inner_title():
    """002 定密管理办法: inline 【key】 metadata, the 通知 as preamble, the 办法's own title from before 第一章."""
    regulation = parse_seed("002").regulations[7]

    assert regulation.metadata["发文字号"] == "国科发创[2018]124号"
    assert regulation.metadata["发布部门"] == "科学技术部"
    assert regulation.metadata["效力级别"] == "部门规范性文件"
    assert regulation.metadata[META_ORIGINAL_TITLE] == "科技部关于印发《国家科学技术秘密定密管理办法》的通知"
    assert regulation.preamble.startswith("科技部关于印发《国家科学技术秘密定密管理办法》的通知(国科发创〔2018〕124号)")
    assert regulation.preamble.endswith("科技部2018年8月8日")
    assert regulation.articles()[0].clauses[0].startswith("为了加强国家科学技术秘密定密管理")


def test_seed_002_copy_of_template():
    """§4 row 27: 002 保密制度管理办法篇1 repeats 000 第一条–第五条 (same text, punctuation width aside)."""
    template = parse_seed("000").regulations[0].articles()[:5]
    copy = parse_seed("002").regulations[8].articles()

    fold = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})
    assert ["".join(a.clauses).translate(fold) for a in template] == ["".join(a.clauses) for a in copy]


def test_seed_002_inline_item_after_heading_item():
    """002 细则 「二、管理办法三、保密环节…」: 二 is a bare heading and 三 starts on the same line."""
    regulation = parse_seed("002").regulations[10]

    second, third = regulation.articles()[1:]
    assert second.clauses == ["管理办法"]
    assert (third.label, third.line) == ("三", 371)
    assert third.clauses[0].startswith("保密环节(一)文件打印1.打印文件")


def test_seed_002_excluded_texts_reported():
    """§4 row 27: the English essay (line 349) and the bare titles (lines 1, 345) are excluded and reported."""
    result = parse_seed("002")

    problems = [(p.line, p.message) for p in result.problems]
    assert (349, MSG_ENGLISH) in problems
    (essay,) = [p for p in result.problems if p.message == MSG_ENGLISH]
    assert essay.text.startswith("有关传统乐器的英语作文Title:")
    assert len(essay.text) <= 81
    assert [(p.line, p.text) for p in result.problems if p.message == MSG_BARE_TITLE] == [
        (1, "技术保密管理办法"),
        (345, "国家科学技术秘密定密管理办法"),
    ]
    assert [p.line for p in result.problems if p.message == MSG_WEB] == [3, 527, 528, 529, 589, 590]
    assert len(result.problems) == 9
    for regulation in result.regulations:
        assert not any("Title:" in clause for a in regulation.articles() for clause in a.clauses)


# ---------------------------------------------------------------------------
# Properties over all five seeds

ALL_SEEDS = ["000", "001", "002", "003", "004"]

# Lines the parser reads without returning their text. Seed 003 line 7 heads its table of contents; the 章 lines
# under it repeat the real 章 headings, so the chapter fragments cover them.
ACCOUNTED = {"003": {7: "目 录"}}

# What may be left of a line once every fragment is marked: labels, numerals and punctuation.
RESIDUE_OK = set("第章条篇一二三四五六七八九十百千零〇两0123456789:：、.．,，;；。!！?？()（）【】《》“”\"'|>-—…·")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fragments(result: ParseResult, *, parser_keys: bool = True) -> list[str]:
    """Every piece of text the parser returned, problems included (truncated problem texts are handled apart)."""
    found = []
    for regulation in result.regulations:
        found += regulation.title.split()
        found += [key for key in regulation.metadata if parser_keys or key not in PARSER_KEYS]
        found += regulation.metadata.values()
        found += regulation.preamble.split("\n")
        for chapter in regulation.chapters:
            found += [chapter.label, chapter.title]
            for article in chapter.articles:
                found += [article.label, *article.clauses]
    found += [p.text for p in result.problems if not p.text.endswith("…")]
    return [squash(text) for text in found if squash(text)]


PARSER_KEYS = {META_ORIGINAL_TITLE, META_COLLECTION}


def without_adverts(line: int, text: str, result: ParseResult) -> str:
    """The line as the parser read it: every advert it reported for this line taken out."""
    for problem in result.problems:
        if problem.message == MSG_ADVERT and problem.line == line:
            text = text.replace(problem.text, "", 1)
    return text


def body_stream(prefix: str, result: ParseResult) -> tuple[str, list[int]]:
    """The seed's non-blank, non-header lines squashed into one string, and the line number of each character.

    One string, so that a clause rejoined from a hard-wrapped line (002 lines 571–572) is found whole.
    """
    chars, owners = [], []
    for number, raw in enumerate(seed_text(prefix).split("\n"), start=1):
        if raw.lstrip().startswith("【") and "|" in raw:
            continue
        if number in ACCOUNTED.get(prefix, {}):
            assert raw.strip() == ACCOUNTED[prefix][number]
            continue
        line = squash(without_adverts(number, raw, result))
        chars.append(line)
        owners += [number] * len(line)
    return "".join(chars), owners


def mark_all(stream: str, covered: list[bool], fragment: str) -> None:
    start = stream.find(fragment)
    while start != -1:
        covered[start : start + len(fragment)] = [True] * len(fragment)
        start = stream.find(fragment, start + 1)


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_round_trip_covers_every_line(prefix):
    """No silent drops: clauses, titles, metadata, preambles, headings and problems cover every non-blank line.

    Header lines (【key】value | …) are metadata and reported adverts are taken out first. Repeated title lines are
    covered by the title. A truncated problem text covers its line from where it starts up to the next piece of
    text accounted for otherwise.
    """
    result = parse_seed(prefix)
    stream, owners = body_stream(prefix, result)
    covered = [False] * len(stream)
    for piece in sorted({f for f in fragments(result) if len(f) >= 2}, key=len, reverse=True):
        mark_all(stream, covered, piece)
    for problem in result.problems:
        if problem.text.endswith("…"):
            head = squash(problem.text[:-1])
            start = stream.find(head, owners.index(problem.line))
            assert start != -1 and owners[start] == problem.line, problem
            end = start + len(head)
            while end < len(stream) and owners[end] == problem.line and not covered[end]:
                end += 1
            covered[start:end] = [True] * (end - start)

    residue: dict[int, str] = {}
    for ch, done, number in zip(stream, covered, owners, strict=True):
        if not done and ch not in RESIDUE_OK:
            residue[number] = residue.get(number, "") + ch
    assert residue == {}, f"seed {prefix}: text not accounted for: {residue}"


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_no_invented_text(prefix):
    """Every title part, metadata value, preamble line, heading and clause is text of the seed (whitespace aside)."""
    result = parse_seed(prefix)
    stream, _ = body_stream(prefix, result)
    source = stream + squash(seed_text(prefix))  # header lines and reported adverts are in the raw text only

    returned = [f for f in fragments(result, parser_keys=False) if f not in SEED_TITLES.values()]
    returned += [squash(p.text[:-1]) for p in result.problems if p.text.endswith("…")]
    missing = [f for f in returned if f not in source]
    assert missing == []


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_article_lines_point_at_their_labels(prefix):
    """Article.line is the 1-based line where the article starts: that line holds its label."""
    lines = seed_text(prefix).split("\n")

    for regulation in parse_seed(prefix).regulations:
        for article in regulation.articles():
            assert article.label in lines[article.line - 1], (regulation.title, article.label, article.line)


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_no_empty_chapters_or_articles(prefix):
    """Every chapter holds at least one article and every article at least one clause; numbers match labels."""
    for regulation in parse_seed(prefix).regulations:
        for chapter in regulation.chapters:
            assert chapter.articles, (regulation.title, chapter.label)
            for article in chapter.articles:
                assert article.clauses, (regulation.title, article.label)
                assert article.number == cn_to_int(article.label.strip("第条"))

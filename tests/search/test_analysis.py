"""Chinese text analysis: words inside long Han runs are found, cross-boundary look-alikes are not."""

import pytest

from search.analysis import index_terms, match_terms, normalize
from search.query import plan_query


def test_a_two_character_word_inside_a_long_run_is_an_index_term():
    terms = index_terms("国家秘密的具体保密期限已满的自行解密")
    for word in ("保密", "期限", "解密", "保密期限"):
        assert word in terms


def test_a_word_across_a_word_boundary_is_not_an_index_word():
    """司机 inside 公司机密 and 担保 inside 承担保密 are not words of those texts (the bigrams still exist)."""
    assert "司机" not in index_terms("不得泄露公司机密")
    assert "担保" not in index_terms("承担保密义务")
    assert match_terms("司机") == ["司机"]


def test_ascii_and_ordinal_numbers_are_indexed():
    terms = index_terms("依《中华人民共和国刑法》第二百一十九条追究，禁止用U盘拷贝")
    assert "219" in terms
    assert "u盘" in terms
    assert normalize("Ｕ盘") == "u盘"


def test_an_unknown_word_falls_back_to_its_bigrams():
    assert match_terms("保密办公室主任") != ["保密办公室主任"]
    assert all(term.startswith("~") for term in match_terms("脱密办理"))


@pytest.mark.django_db
def test_question_words_are_dropped_and_the_thesaurus_expands():
    plan = plan_query("离职后多久可以去竞争对手公司工作？")
    words = [clause.word for clause in plan.clauses]
    assert "可以" not in words and "后" not in words
    leave = next(clause for clause in plan.clauses if clause.word == "离职")
    assert {"辞职", "调离"} <= {alternative.text for alternative in leave.alternatives}
    assert next(clause for clause in plan.clauses if clause.word == "公司").optional

"""Agreement texts built from the regulation seeds (policies/seeds), quoted article by article, and the clauses cited
when the company template conflicts with the 条例."""

import re
from functools import cache
from pathlib import Path

from django.apps import apps

from records.enums import AgreementKind

SEED_FILES = {
    "000": "000_c710a75e6e0e3d3a.txt",
    "003": "003_d02bb220a7ceb05b.txt",
    "004": "004_9156094d470b6f12.txt",
}
SEED_TITLES = {
    "000": "《技术保密管理规定》",
    "003": "《深圳经济特区企业技术秘密保护条例》",
    "004": "《科学技术保密规定》",
}


@cache
def _seed_text(seed):
    return (Path(apps.get_app_config("policies").path) / "seeds" / SEED_FILES[seed]).read_text(encoding="utf-8")


def seed_article(seed, label):
    """The text of one article, e.g. seed_article("003", "二十三") → 「第二十三条 竞业限制的期限…」."""
    match = re.search(
        rf"^\s*(第{label}条.*?)(?=^\s*第[一二三四五六七八九十百]+[条章]|\Z)", _seed_text(seed), re.S | re.M
    )
    return match.group(1).strip() if match else ""


def citation(seed, label):
    return f"{SEED_TITLES[seed]} 第{label}条"


# (kind, title, preamble, [(seed, article)], who signs)
TEMPLATES = [
    (
        AgreementKind.NDA,
        "保密协议",
        "甲方（单位）与乙方（员工）依据下列条款订立本协议，乙方在职期间及离职后均负有保密义务：",
        [("000", "二"), ("000", "八"), ("003", "十八"), ("003", "十九"), ("000", "十二"), ("000", "二十二")],
        {"applies_to_all_staff": False, "post_categories": ["core", "important", "general"]},
    ),
    (
        AgreementKind.PLEDGE,
        "保密承诺书",
        "本人承诺遵守公司保密制度，履行下列保密义务：",
        [("000", "二"), ("003", "十八"), ("000", "二十二")],
        {"applies_to_all_staff": True, "post_categories": []},
    ),
    (
        AgreementKind.NONCOMPETE,
        "竞业限制协议",
        "甲方（单位）与乙方（员工）依据下列条款订立竞业限制协议：",
        [("000", "十一"), ("003", "二十二"), ("003", "二十三"), ("003", "二十四")],
        {"applies_to_all_staff": False, "post_categories": ["core"]},
    ),
]


def template_body(preamble, articles):
    parts = [preamble]
    for seed, label in articles:
        parts.append(f"{seed_article(seed, label)}（{citation(seed, label)}）")
    return "\n\n".join(parts)


# O43 / obligations §4 #1: the company template's 三年 against the 条例's two-year maximum.
NONCOMPETE_TERM_CONFLICT = {
    "company": ("000", "十一", "在离开本单位三年内"),
    "statute": ("003", "二十三", "最长不得超过解除或者终止劳动合同后两年,超过两年的,超过部分无效"),
}

"""Settings of the records app, with the defaults of obligations.md §4. A deployment overrides them in its settings."""

from django.conf import settings

DEFAULTS = {
    # §4 #21: 「借阅期限为30天」 (002 技术资料保密细则 三(五)).
    "LOAN_DAYS": 30,
    # §4 #6: `auto` follows 科学技术保密规定 第二十一条 (自行解密); `confirm` holds until the classifier acts.
    "EXPIRY_ACTION": "auto",
    "EXPIRY_REMINDER_DAYS": 30,
    "EXPIRY_REMINDER_INTERVAL_DAYS": 7,
    # §4 #1/#2: 深圳条例 第二十三条, 第二十四条.
    "NONCOMPETE_MAX_MONTHS": 24,
    "NONCOMPETE_MIN_RATIO": "0.5",
    # §4 #15: who must sign. Empty list = all staff for the NDA/pledge kinds.
    "AGREEMENT_DUE_DAYS": 7,
    # §4 #18: no seed value; 保密办 sets it per post category.
    "DECLEARANCE_MONTHS": {"core": 36, "important": 24, "general": 12, "none": 0},
}


def setting(name):
    return getattr(settings, f"RECORDS_{name}", DEFAULTS[name])

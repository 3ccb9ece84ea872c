"""The 保密 thesaurus seed (dict/thesaurus.tsv), loaded into the admin-editable table."""

from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent.parent / "dict" / "thesaurus.tsv"


def thesaurus_seed_rows(path=SEED_FILE):
    """[(term, synonyms, two_way, weight)] from the seed file (comments and blank lines skipped)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, synonyms, two_way, weight = line.split("\t")
        rows.append((term.strip(), synonyms.strip(), two_way.strip() == "1", float(weight)))
    return rows


def thesaurus_seed(model, *, path=SEED_FILE):
    """Add the seed entries that are missing; entries 保密办 already edited are left alone."""
    existing = set(model.objects.values_list("term", flat=True))
    model.objects.bulk_create(
        [
            model(term=term, synonyms=synonyms, two_way=two_way, weight=weight)
            for term, synonyms, two_way, weight in thesaurus_seed_rows(path)
            if term not in existing
        ]
    )

import time

import pytest
from django.core.cache import cache

from policies.models import PolicyIndexPage
from policies.parsing import parse_regulations
from policies.services.importing import regulation_import, titles_disambiguated
from portal.demo import data
from portal.demo.policies import SEEDS_DIR
from search.models import ThesaurusEntry
from search.query import THESAURUS_VERSION_KEY, thesaurus_changed
from search.services.indexing import index_rebuild


@pytest.fixture
def seed_corpus(home):
    """The five seed texts imported as regulations (no 签收), and the index rebuilt."""
    index = PolicyIndexPage(title="保密制度", slug="zhidu")
    home.add_child(instance=index)
    index.save_revision().publish()
    for filename, title, _options in data.REGULATION_SEEDS:
        result = parse_regulations((SEEDS_DIR / filename).read_text(encoding="utf-8"), title=title)
        titles_disambiguated(result.regulations)
        for parsed in result.regulations:
            regulation_import(parent=index, parsed=parsed, ack_required=False)
    index_rebuild()
    return index


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run `make()` with its on-commit callbacks executed, as after a real commit (the index tasks run eagerly)."""

    def run(make, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make(*args, **kwargs)

    return run


@pytest.fixture
def thesaurus(db):
    """thesaurus({term: (synonyms, weight)}) → only these entries, in effect for the next plan."""

    def make(entries):
        ThesaurusEntry.objects.all().delete()
        for term, (synonyms, weight) in entries.items():
            ThesaurusEntry.objects.create(term=term, synonyms=synonyms, weight=weight, two_way=False)
        # A version no earlier test used: the per-process thesaurus copy is keyed by it, and the cache (holding the
        # counter) is emptied before every test, so a plain bump could repeat a version seen with other entries.
        cache.set(THESAURUS_VERSION_KEY, time.time_ns())
        thesaurus_changed()

    return make

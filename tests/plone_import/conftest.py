import json
from pathlib import Path

import pytest

from plone_import.mapping import load_mapping
from plone_import.services import PloneImport

SAMPLE = Path(__file__).resolve().parents[2] / "plone_import" / "sample"


def sample_json(name):
    return json.loads((SAMPLE / name).read_text(encoding="utf-8"))


@pytest.fixture
def run_import(home):
    """run_import(directory=SAMPLE, mapping=None, dry_run=False) → ImportResult."""

    def run(directory=SAMPLE, mapping=None, dry_run=False):
        return PloneImport(directory=directory, mapping=mapping or load_mapping(), dry_run=dry_run).execute()

    return run


@pytest.fixture
def imported(run_import):
    result = run_import()
    assert not result.errors, [str(p) for p in result.errors]
    return result

"""Rebuild the search index (embedded, and Elasticsearch when configured) from the database, with a progress bar."""

import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from search.services.indexing import index_rebuild

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the search index from every live page, regulation article and document."

    def handle(self, *args, **options):
        started = time.monotonic()
        interactive = sys.stdout.isatty() and options["verbosity"] > 0

        def progress(done, total):
            if options["verbosity"] == 0:
                return
            if interactive or done == total or done % 100 == 0:
                filled = BAR_WIDTH * done // max(total, 1)
                end = "\r" if interactive and done < total else "\n"
                self.stdout.write(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending=end)
                self.stdout.flush()

        total = index_rebuild(progress=progress)
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Search index rebuilt: %(count)d sources in %(seconds).1f s.")
                    % {"count": total, "seconds": time.monotonic() - started}
                )
            )

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plone_import.export import ExportError
from plone_import.mapping import MappingError, load_mapping
from plone_import.services import PloneImport


class ProgressBar:
    """A one-line progress bar on stderr (only when it is a terminal, or when forced)."""

    def __init__(self, stream, *, enabled, width=40):
        self.stream, self.enabled, self.width = stream, enabled, width
        self.last = -1

    def __call__(self, done, total):
        if not self.enabled or not total:
            return
        filled = self.width * done // total
        if filled == self.last and done != total:
            return
        self.last = filled
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}", ending="\n" if done == total else "")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a collective.exportimport export of a Plone site (content.json with base-64 blobs, members.json, "
        "localroles.json, ordering.json, defaultpages.json, relations.json, redirects.json). Re-running updates "
        "items in place by Plone UID. Ends with an access report comparing Plone's readers with the portal's."
    )

    def add_arguments(self, parser):
        parser.add_argument("export_dir", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Read, plan and report; write nothing.")
        parser.add_argument("--mapping", type=Path, help="Mapping file (JSON or .toml): types, states, groups, rules.")
        parser.add_argument("--report", type=Path, help="Write the full access report to this CSV file.")
        parser.add_argument(
            "--progress", action="store_true", help="Show the progress bar even when not on a terminal."
        )
        parser.add_argument("--no-progress", action="store_true", help="Never show the progress bar.")

    def handle(self, *args, export_dir, dry_run=False, mapping=None, report=None, **options):
        try:
            loaded = load_mapping(mapping)
        except MappingError as error:
            raise CommandError(str(error)) from error
        enabled = not options["no_progress"] and (options["progress"] or sys.stderr.isatty())
        job = PloneImport(
            directory=export_dir, mapping=loaded, dry_run=dry_run, progress=ProgressBar(self.stderr, enabled=enabled)
        )
        try:
            result = job.execute()
        except ExportError as error:
            raise CommandError(_("The export cannot be imported: %(error)s") % {"error": error}) from error

        for problem in result.problems:
            label = _("ERROR") if problem.level == "error" else _("warning")
            self.stderr.write(f"{label}: {problem}")
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            for path, kind, state, readers, decision in result.decisions:
                scope = decision.as_json()["scope"]
                self.stdout.write(
                    f"  {path} [{kind}, {state}] plone: {readers} -> "
                    + _("clearance %(clearance)s, scope %(scope)s")
                    % {
                        "clearance": decision.clearance,
                        "scope": ", ".join(scope) if scope is not None else _("unrestricted"),
                    }
                )
        for path, action, fields in result.changes:
            self.stdout.write(f"  {action}: {path}: {', '.join(fields)}")
        self.stdout.write(_("Counts:"))
        for key in sorted(result.counts):
            self.stdout.write(f"  {key}: {result.counts[key]}")
        if result.report is not None:
            rows = result.report.rows
            self.stdout.write(
                _("Access report: %(n)s items, %(same)s same, %(narrower)s narrower, %(wider)s WIDER")
                % {
                    "n": len(rows),
                    "same": len(rows) - len(result.report.narrowed) - len(result.report.widened),
                    "narrower": len(result.report.narrowed),
                    "wider": len(result.report.widened),
                }
            )
            for row in result.report.widened:
                self.stderr.write(
                    _("WIDENED: %(path)s: also readable by %(who)s") % {"path": row.path, "who": ", ".join(row.gained)}
                )
            if report:
                with report.open("w", encoding="utf-8", newline="") as stream:
                    result.report.write_csv(stream)
                self.stdout.write(_("Access report written to %(file)s") % {"file": report})
        errors = len(result.errors)
        summary = _("%(errors)s items failed; see the messages above.") % {"errors": errors}
        if errors:
            self.stdout.write(self.style.WARNING(summary))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import finished without errors.")))
        if result.report is not None and result.report.widened:
            raise CommandError(_("Access was widened on %(n)s items.") % {"n": len(result.report.widened)})

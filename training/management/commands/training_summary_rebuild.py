from django.core.management.base import BaseCommand

from training.services.summary import summary_differences, summary_rebuild


class Command(BaseCommand):
    help = "Recount the training dashboard summary from the assignments (after a bulk load, or to repair it)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only compare; exit 1 if they disagree.")

    def handle(self, *args, check=False, **options):
        if check:
            differences = summary_differences()
            for key, (kept, recounted) in sorted(differences.items(), key=str):
                self.stdout.write(f"{key}: summary {kept}, assignments {recounted}")
            if differences:
                raise SystemExit(1)
            self.stdout.write("summary agrees with the assignments")
            return
        self.stdout.write(f"{summary_rebuild()} summary rows")

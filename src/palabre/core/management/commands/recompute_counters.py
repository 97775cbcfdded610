from django.core.management.base import BaseCommand, CommandError

from palabre.core import components
from palabre.core.models import Project
from palabre.core.services import project_dates_refresh


class Command(BaseCommand):
    help = "Recompute every cached counter from the rows it caches and report drift."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report only, fix nothing")

    def handle(self, *args, check=False, **options):
        ids = Project.objects.values_list("pk", flat=True)
        drifts = project_dates_refresh(project_ids=ids, fix=not check)
        for component in components.components():
            if component.recompute_counters is not None:
                drifts += component.recompute_counters(fix=not check)
        for line in drifts:
            self.stdout.write(line)
        self.stdout.write(f"{len(drifts)} counter drift(s) {'found' if check else 'fixed'}.")
        if check and drifts:
            raise CommandError("cached counters drift from the rows")

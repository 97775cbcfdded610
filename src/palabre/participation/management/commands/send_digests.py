"""Send the daily digest of notifications (run once a day, from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from palabre.participation import notifications
from palabre.participation.tasks import send_digests


class Command(BaseCommand):
    help = "Send each participant who chose the daily digest one email with their pending news."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the digest for the task worker (manage.py db_worker) instead.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_digests.enqueue()
            self.stdout.write(f"Digest queued (task {result.id}).")
            return
        count = notifications.digests_send()
        self.stdout.write(f"{count} digest email(s) sent.")

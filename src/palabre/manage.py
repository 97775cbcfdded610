import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings.base")
    # The statement timeout guards web requests from a stalled database; commands (migrate
    # building an index on a large table, load_demo, recompute_counters, db_worker's tasks)
    # run long statements on purpose: none unless the operator sets one for them.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""manage.py verify_ledger [code ...]: recompute every ledger's hash chain from the stored rows,
exactly as an outside verifier would from ledger.json. Exits 1 naming the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from disclosure import ledger, selectors
from disclosure.models import LedgerEntry
from projects.models import Project


class Command(BaseCommand):
    help = "Verify the hash chain of every project's ledger (or of the projects named)."

    def add_arguments(self, parser):
        parser.add_argument(
            "codes", nargs="*", metavar="code", help="project codes (default: every project with a ledger)"
        )

    def handle(self, *args, codes, **options):
        projects = Project.objects.filter(pk__in=LedgerEntry.objects.values("project_id")).order_by("code")
        if codes:
            projects = Project.objects.filter(code__in=codes).order_by("code")
            unknown = sorted(set(codes) - set(projects.values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"no such project: {', '.join(unknown)}")
        broken = []
        checked = entries = 0
        for project in projects.iterator():
            check = ledger.verify_chain(selectors.ledger_documents(project))
            checked += 1
            entries += check.entries
            if check.ok:
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{project.code}: ok ({check.entries} entries)")
            else:
                broken.append(f"{project.code}: chain broken at entry {check.broken_seq} ({check.reason})")
                self.stderr.write(broken[-1])
        if broken:
            raise CommandError(f"{len(broken)} of {checked} ledgers broken; first: {broken[0]}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{checked} ledgers verified, {entries} entries, no break."))

import time

from django.core.management.base import BaseCommand

from disclosure.services.checkpoints import ledger_verify_all
from portal import demo


class Command(BaseCommand):
    help = "Build the demo city (idempotent). --scale nanning adds Nanning's 2019 stock for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "nanning"], default="demo")
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not print the demo accounts.")
        parser.add_argument(
            "--ledger-entries",
            type=int,
            default=demo.NANNING["ledger_entries"],
            help="With --scale nanning: ledger entries per project with a published budget (≈2,700 for a million).",
        )

    def handle(self, *args, scale, quiet_accounts, ledger_entries, **options):
        if scale == "nanning":
            report = demo.seed_nanning(targets={**demo.NANNING, "ledger_entries": ledger_entries})
        else:
            report = demo.seed_demo_city()
        created = ", ".join(f"{n} {what}" for what, n in report.created.items() if n) or "nothing (already seeded)"
        self.stdout.write(self.style.SUCCESS(f"seed_demo --scale {scale}: created {created}."))
        # What the periodic job leaves in production: every ledger verified, each head trusted.
        started = time.perf_counter()
        verified = ledger_verify_all()
        self.stdout.write(f"ledgers verified: {verified['checked']} in {time.perf_counter() - started:.1f} s")
        if verified["broken"]:
            self.stderr.write("; ".join(verified["broken"]))
        if quiet_accounts:
            return
        self.stdout.write("\nDemo accounts (password for all: %s)\n" % demo.DEMO_PASSWORD)
        width = max(len(a[0]) for a in report.accounts)
        for username, _password, what in report.accounts:
            self.stdout.write(f"  {username.ljust(width)}  {what}")
        self.stdout.write("\nSign in at /accounts/login/ with the username or phone number above.\n")

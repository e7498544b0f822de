"""manage.py verify_ledger [code ...] [--checkpoint FILE ...]: recompute every ledger's hash chain
from the stored rows, exactly as an outside verifier would from ledger.json, and hold it against
the heads published since: the project's checkpoints, the city's daily digests (each recomputed,
each linked to the one before) and any heads.json or digest file kept from earlier. Exits 1 naming
the first ledger that is broken, cut short or emptied."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from disclosure import heads, ledger, selectors
from disclosure.models import ZERO_HASH, HeadsDigest, LedgerCheckpoint, LedgerEntry
from disclosure.services.checkpoints import verified_head_record
from projects.models import Project


def _kept(paths) -> dict[str, list[dict]]:
    """Heads from files kept earlier: a project's heads.json ({"project", "checkpoints"}) or a day's
    digest ({"date", "heads"}). {project code: [{"seq", "hash"}, …]}."""
    kept: dict[str, list[dict]] = {}
    for path in paths:
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: not a readable JSON file ({error})") from None
        if "checkpoints" in document and "project" in document:
            kept.setdefault(document["project"], []).extend(document["checkpoints"])
        elif "heads" in document and "date" in document:
            for code, head in document["heads"].items():
                kept.setdefault(code, []).append(head)
        else:
            raise CommandError(f"{path}: neither a project's heads.json nor a daily digest")
    return kept


def _digest_breaks() -> tuple[list[str], dict[str, list[dict]]]:
    """Each stored digest recomputed and linked to the previous one; the heads they name."""
    breaks, named = [], {}
    prev = ZERO_HASH
    for digest in HeadsDigest.objects.order_by("date"):
        document = ledger.digest_document(date=digest.date.isoformat(), heads=digest.heads, prev=digest.prev)
        if digest.prev != prev:
            breaks.append(f"digest of {digest.date}: does not follow the previous day's digest")
        if ledger.digest_hash(document) != digest.digest:
            breaks.append(f"digest of {digest.date}: its hash does not match its heads")
        prev = digest.digest
        for code, head in digest.heads.items():
            named.setdefault(code, []).append(head)
    return breaks, named


class Command(BaseCommand):
    help = "Verify every project's ledger against its hash chain and every published head."

    def add_arguments(self, parser):
        parser.add_argument(
            "codes", nargs="*", metavar="code", help="project codes (default: every project with a ledger)"
        )
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="a heads.json or daily digest saved earlier (repeatable)",
        )

    def handle(self, *args, codes, checkpoint, **options):
        kept = _kept(checkpoint)
        broken, named = _digest_breaks()
        published = {code: kept.get(code, []) + named.get(code, []) for code in set(kept) | set(named)}
        # A ledger with no entry left is still checked when anything says it had one.
        has_ledger = Q(pk__in=LedgerEntry.objects.values("project_id")) | Q(
            pk__in=LedgerCheckpoint.objects.values("project_id")
        )
        projects = Project.objects.filter(has_ledger | Q(code__in=list(published))).order_by("code")
        if codes:
            projects = Project.objects.filter(code__in=codes).order_by("code")
            unknown = sorted(set(codes) - set(projects.values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"no such project: {', '.join(unknown)}")
        existing = set(Project.objects.filter(code__in=list(published)).values_list("code", flat=True))
        missing = sorted(set(published) - existing)
        broken += [f"{code}: a published head names this project, which no longer exists" for code in missing]
        checked = entries = 0
        for project in projects.iterator():
            points = heads.checkpoints_of(project) + published.get(project.code, [])
            documents = selectors.ledger_documents(project)
            check = ledger.verify_against(documents, points)
            verified_head_record(project, documents, check.ok)  # what pages may trust from now on
            checked += 1
            entries += check.entries
            if check.ok:
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{project.code}: ok ({check.entries} entries, {len(points)} heads)")
            elif check.reason == "missing":
                broken.append(
                    f"{project.code}: entries from {check.broken_seq} on are missing "
                    f"(a published head reached entry {check.checkpoint_seq}; {check.entries} left)"
                )
            else:
                broken.append(f"{project.code}: chain broken at entry {check.broken_seq} ({check.reason})")
        for line in broken:
            self.stderr.write(line)
        if broken:
            raise CommandError(f"{len(broken)} problems in {checked} ledgers; first: {broken[0]}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{checked} ledgers verified, {entries} entries, no break."))

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews import record, selectors


class Command(BaseCommand):
    help = (
        "Recompute every signature's content and chain HMAC in order, recompute "
        "every signed content from today's records (orders disposed of under "
        "retention are named instead), check that every decision has "
        "its signature and that the chain holds every head in the heads log, print "
        "the chain head, and exit non-zero naming every failure. --head proves a "
        "head written down earlier is still in the chain; --heads-log checks a copy "
        "of the heads log instead of the configured one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--head",
            metavar="HASH",
            help="a chain head (signature hash) written down earlier, e.g. from a "
            "PDF record: fail unless it is still in the intact chain",
        )
        parser.add_argument(
            "--heads-log",
            metavar="FILE",
            type=Path,
            help="a heads log (or a copy of it) whose every head must be in the "
            "chain at the same signature id; default: SIGNING_CHAIN_HEADS_LOG "
            "when that file exists",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = selectors.chain_report(heads_log=options["heads_log"])
        for note in report.notes:
            self.stdout.write(note)
        if report.unkeyed:
            self.stdout.write(
                self.style.WARNING(
                    f"Warning: {report.unkeyed_note}; their links are not "
                    "protected by the chain key, only by the heads kept outside "
                    "the database."
                )
            )
        lines = [] if report.ok else [report.summary]
        if options["head"]:
            found = self._head_found(options["head"], report.count)
            if found is None:
                lines.insert(
                    0,
                    f"Head {options['head'].strip()} is NOT in the signature chain: "
                    "the chain was rewritten or shortened since it was written down.",
                )
            elif report.ok:
                self.stdout.write(found)
        disposed = record.disposed_orders()
        for note in disposed.values():
            self.stdout.write(
                f"{note}; its files and contact details were removed, which no "
                "signed content holds: its signatures are checked like the others"
            )
        lines += [
            f"Signed content differs: {p.summary}" for p in record.content_problems()
        ]
        if lines:
            if report.ok:
                lines.append(report.summary)
            raise CommandError("\n".join(lines))
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.summary}; every signed content matches today's records"
            )
        )

    def _head_found(self, head_hash: str, count: int) -> str | None:
        signature = selectors.head_lookup(head_hash)
        if signature is None:
            return None
        later = selectors.signatures_after(signature.pk)
        return (
            f"Head {signature.signature_hash} is in the chain: signature "
            f"#{signature.pk}, {signature.printed_name}, "
            f"{signature.signed_at:%Y-%m-%d %H:%M:%S} UTC, order "
            f"{signature.decision.review.order.number}; {later} later signature(s), "
            f"{count} in all, chain intact through it."
        )

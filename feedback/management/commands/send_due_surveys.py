from django.core.management.base import BaseCommand

from feedback import services


class Command(BaseCommand):
    help = (
        "Run the survey job once, as beat does: open due surveys, close ended ones (rating contractors), "
        "send invitations and reminders batch by batch. Safe to run at any time: nothing is sent twice."
    )

    def handle(self, *args, **options):
        plan = services.surveys_dispatch()
        sent = failed = 0
        for survey_id, kind, first_id, last_id in plan.batches:
            counts = services.survey_send_and_deliver(
                survey_id=survey_id, kind=kind, first_id=first_id, last_id=last_id
            )
            sent += counts["sent"]
            failed += counts["failed"]
        self.stdout.write(
            self.style.SUCCESS(
                f"send_due_surveys: opened {len(plan.opened)} survey(s), closed {len(plan.closed)}, "
                f"{len(plan.batches)} batch(es), {sent} message(s) sent, {failed} failed."
            )
        )

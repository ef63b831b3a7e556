"""Load the State Council's holiday arrangements into the working-day calendar (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wenming.core.calendar_data import package_years
from wenming.core.services import seed_calendar


class Command(BaseCommand):
    help = (
        "Seed the working-day calendar from the chinese-calendar package for the years it knows "
        "(default: last year to next year). Office overrides are kept; running it again changes nothing."
    )

    def add_arguments(self, parser):
        this_year = timezone.localdate().year
        parser.add_argument("--from", dest="year_from", type=int, default=this_year - 1)
        parser.add_argument("--to", dest="year_to", type=int, default=this_year + 1)
        parser.add_argument(
            "--no-provisional",
            dest="provisional",
            action="store_false",
            help="leave years the package does not know empty instead of seeding their statutory holidays",
        )

    def handle(self, *args, year_from: int, year_to: int, provisional: bool = True, **options):
        if year_from > year_to:
            raise CommandError("--from must not be after --to")
        if year_to - year_from > 50:
            raise CommandError("at most 50 years at a time")
        report = seed_calendar(years=range(year_from, year_to + 1), provisional=provisional)
        self.stdout.write(
            f"calendar: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.overrides_kept} office override(s) kept; years seeded: "
            f"{', '.join(map(str, report.seeded_years)) or '-'}"
        )
        if report.confirmed_years:
            self.stdout.write(
                f"confirmed from the package: {', '.join(map(str, report.confirmed_years))}; "
                f"{len(report.recomputed)} provisional deadline(s) recomputed"
            )
        if report.provisional_years:
            self.stderr.write(
                self.style.WARNING(
                    f"provisional (statutory holidays only, no 调休): {', '.join(map(str, report.provisional_years))}. "
                    "Import the State Council's notice on /calendar/import/ when it is published."
                )
            )
        elif report.skipped_years:
            known = package_years()
            self.stderr.write(
                self.style.WARNING(
                    f"not in the installed chinese-calendar ({known.start}–{known.stop - 1}): "
                    f"{', '.join(map(str, report.skipped_years))}. These years count Monday–Friday as working "
                    "days until their holidays are entered on /calendar/ (or the package is upgraded)."
                )
            )

"""Demo step: the working-day calendar from the statutory arrangements the package knows."""

from django.utils import timezone

from wenming.core.services import seed_calendar
from wenming.demo.context import DemoContext


def load_calendar(ctx: DemoContext) -> None:
    """Seed last year, this year and next; a year the package does not know gets its statutory holidays
    provisionally (暂定) until the office imports the State Council's notice."""
    year = timezone.localdate().year
    seed_calendar(actor=None, years=range(year - 1, year + 2), provisional=True)

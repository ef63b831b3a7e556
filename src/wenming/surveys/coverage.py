"""Training coverage per unit (培训覆盖): of a unit's active people, who attended at least one session (present)
in a period, and who has not been trained yet."""

from dataclasses import dataclass, field

from wenming.surveys.choices import AttendanceStatus


@dataclass
class UnitCoverage:
    unit: object
    people: int = 0
    trained: int = 0
    untrained: list = field(default_factory=list)  # Person rows, by name
    sessions: int = 0  # sessions with this unit in the audience

    @property
    def rate(self) -> float | None:
        return self.trained / self.people if self.people else None


def coverage(units, *, year: int | None = None) -> list[UnitCoverage]:
    """One row per unit (in the given order); people = active persons of the unit. Three queries."""
    from wenming.org.models import Person
    from wenming.surveys.models import Attendance, TrainingSession

    units = list(units)
    ids = [u.pk for u in units]
    rows = {u.pk: UnitCoverage(unit=u) for u in units}
    attended = Attendance.objects.filter(status=AttendanceStatus.PRESENT, person__unit_id__in=ids)
    sessions = TrainingSession.audience_units.through.objects.filter(unit_id__in=ids)
    if year:
        attended = attended.filter(session__date__year=year)
        sessions = sessions.filter(trainingsession__date__year=year)
    trained_ids = set(attended.values_list("person_id", flat=True))
    for person in (
        Person.objects.active()
        .filter(unit_id__in=ids)
        .order_by("name")
        .only("pk", "name", "unit_id", "title")
    ):
        row = rows[person.unit_id]
        row.people += 1
        if person.pk in trained_ids:
            row.trained += 1
        else:
            row.untrained.append(person)
    for unit_id in sessions.values_list("unit_id", flat=True):
        rows[unit_id].sessions += 1
    return [rows[u.pk] for u in units]

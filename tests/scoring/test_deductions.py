"""易扣分点: periods, Pareto tables by criterion / category / theme, the records behind a line, clear-to-zero."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_user
from tests.scoring.factories import make_inspection, make_round, make_world
from wenming.scoring import deductions
from wenming.scoring.deductions import PeriodError, parse_period
from wenming.scoring.models import DeductionTheme
from wenming.scoring.services import freeze_round


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-Q2", "2026-04-01", "2026-06-30"),
        ("2026q4", "2026-10-01", "2026-12-31"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-W01", "2025-12-29", "2026-01-04"),
        ("2026-05-03..2026-05-09", "2026-05-03", "2026-05-09"),
        (" 2026-05-03 至 2026-05-03 ", "2026-05-03", "2026-05-03"),
    ],
)
def test_parse_period(text, start, end):
    p = parse_period(text)
    assert (p.start.isoformat(), p.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("上个月", "无法识别的统计期"),
        ("2026-13", "不是有效日期"),
        ("2026-W60", "不是有效日期"),
        ("2026-05-09..2026-05-01", "结束日期不能早于开始日期"),
        ("2020-01-01..2026-01-01", "最长三年"),
    ],
)
def test_parse_period_refuses_with_a_chinese_reason(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_recent_weeks_ends_with_the_current_iso_week():
    p = deductions.recent_weeks(3, today=datetime.date(2026, 5, 14))  # a Thursday
    assert (p.start, p.end) == (datetime.date(2026, 4, 27), datetime.date(2026, 5, 17))
    assert [w.label for w in deductions.weeks_of(p)] == ["2026-W18", "2026-W19", "2026-W20"]


@pytest.mark.django_db
@pytest.mark.parametrize("frozen", [False, True])
def test_pareto_of_a_round_by_criterion_category_and_theme(frozen):
    w = make_world(state="closed" if frozen else "published")
    if frozen:
        freeze_round(actor=None, round=w.round)
    view = deductions.pareto_view(deductions.losses_of_round(w.round))
    assert (view.total_lost, view.total_count, view.inspections) == (5.0, 2, 3)
    assert (view.snapshot is not None) == frozen
    assert [
        (x.key, x.lost, x.count, x.problems, round(x.cumulative_share, 2), x.vital) for x in view.by_criterion
    ] == [
        (str(w.k2.pk), 3.0, 1, 3, 0.6, True),
        (str(w.k1.pk), 2.0, 1, 1, 1.0, True),
    ]
    assert [(x.key, x.label, x.lost) for x in view.by_category] == [
        ("TRAFFIC-04", "非机动车交通违法", 3.0),
        ("ENV-01", "道路不洁", 2.0),
    ]
    # the five seeded themes are always visible; TRAFFIC and ENV cover their subcategories
    assert [(x.label, x.lost, x.count) for x in view.by_theme] == [
        ("骑手等交通违法", 3.0, 1),
        ("保洁", 2.0, 1),
        ("不文明行为", 0.0, 0),
        ("社区小区管理", 0.0, 0),
        ("公益广告", 0.0, 0),
    ]


@pytest.mark.django_db
def test_pareto_of_a_period_counts_every_inspection_in_it():
    w = make_world(at=timezone.make_aware(datetime.datetime(2026, 5, 6, 10)))
    other = make_round(w.standard)
    make_inspection(
        other, w.p1, [(w.k2, "noncompliant", 1)], at=timezone.make_aware(datetime.datetime(2026, 5, 20, 9))
    )
    make_inspection(
        other, w.p1, [(w.k2, "noncompliant", 1)], at=timezone.make_aware(datetime.datetime(2026, 6, 2, 9))
    )
    view = deductions.pareto_view(deductions.losses_of_period(parse_period("2026-05")))
    assert view.inspections == 4
    assert [(x.key, x.lost, x.count) for x in view.by_criterion] == [
        (str(w.k2.pk), 4.0, 2),
        (str(w.k1.pk), 2.0, 1),
    ]


@pytest.mark.django_db
def test_loss_rows_are_limited_to_the_users_points():
    w = make_world()
    losses = deductions.losses_of_round(w.round)
    office = make_user("office")
    street2 = make_user("street", area=w.s2)
    assert [r.point_name for r in deductions.loss_rows(losses, office)] == ["徐厝路", "兴隆路"]
    assert [r.point_name for r in deductions.loss_rows(losses, street2)] == ["兴隆路"]
    assert [r.criterion for r in deductions.loss_rows(losses, office, category="TRAFFIC-04")] == ["K-TRF"]
    theme = DeductionTheme.objects.get(name="保洁")
    assert [(r.point_name, r.loss.lost) for r in deductions.loss_rows(losses, office, theme=theme)] == [
        ("兴隆路", 2.0)
    ]
    assert deductions.loss_rows(losses, street2, criterion=w.k2.pk) == []


@pytest.mark.django_db
def test_theme_tracks_count_per_iso_week_until_zero():
    # given traffic checked three weeks: 1 failure in W19, 1 in W20, none in W21; nothing in W22
    w = make_world(at=timezone.make_aware(datetime.datetime(2026, 5, 6, 10)))  # W19: P2 fails K2, P3 fails K1
    rnd = make_round(w.standard)
    make_inspection(
        rnd, w.p1, [(w.k2, "noncompliant", 2)], at=timezone.make_aware(datetime.datetime(2026, 5, 12, 9))
    )
    make_inspection(
        rnd, w.p2, [(w.k2, "compliant")], at=timezone.make_aware(datetime.datetime(2026, 5, 13, 9))
    )
    make_inspection(
        rnd,
        w.p1,
        [(w.k2, "compliant"), (w.k1, "na")],
        at=timezone.make_aware(datetime.datetime(2026, 5, 19, 9)),
    )
    period = parse_period("2026-05-04..2026-05-31")
    weeks, tracks = deductions.theme_tracks(period)
    assert [wk.label for wk in weeks] == ["2026-W19", "2026-W20", "2026-W21", "2026-W22"]
    by_name = {t.theme.name: t for t in tracks}
    traffic = by_name["骑手等交通违法"]
    assert traffic.cells == [(3, 1), (2, 1), (1, 0), (0, 0)]
    assert (traffic.cleared, traffic.zero_streak, traffic.last_count, traffic.total) == (True, 1, 0, 2)
    clean = by_name["保洁"]
    assert clean.cells == [(3, 1), (0, 0), (0, 0), (0, 0)]
    assert (clean.cleared, clean.last_count) == (False, 1)
    assert by_name["公益广告"].cells[0] == (2, 0)  # P3 marked K3 N/A: not checked
    assert by_name["不文明行为"].last_count is None
    # and each cell drills down to exactly its records (the page links a cell to its week and theme)
    office = make_user("office")
    for week, (_checked, bad) in zip(weeks, traffic.cells, strict=True):
        rows = deductions.loss_rows(
            deductions.losses_of_period(parse_period(week.label)), office, theme=traffic.theme
        )
        assert len(rows) == bad

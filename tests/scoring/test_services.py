"""freeze_round and the live figures it freezes, on the hand-computed world of tests/scoring/factories.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.scoring.factories import make_inspection, make_round, make_world
from wenming.inspections.models import Observation
from wenming.scoring import figures, live
from wenming.scoring.choices import Dimension
from wenming.scoring.models import ScoreSnapshot, SnapshotLoss, SnapshotPoint, SnapshotRollup
from wenming.scoring.services import freeze_round

pytestmark = pytest.mark.django_db


def rows_by_label(rows):
    return {r.label: (r.rank, round(r.mean_score, 2), r.passed, r.points) for r in rows}


def test_live_ranking_of_an_open_round_by_every_dimension():
    w = make_world()
    scored = live.score_round(w.round.pk)
    assert rows_by_label(figures.ranking_rows(scored, Dimension.STREET)) == {
        "湖里街道": (1, 83.33, 1, 2),
        "殿前街道": (2, 66.67, 0, 1),
    }
    assert rows_by_label(figures.ranking_rows(scored, Dimension.COMMUNITY)) == {
        "村里社区": (1, 100.0, 1, 1),  # P1 lies in a grid of 村里: the community is found through the path
        "徐厝社区": (2, 66.67, 0, 1),
        "兴隆社区": (2, 66.67, 0, 1),
    }
    assert rows_by_label(figures.ranking_rows(scored, Dimension.UNIT)) == {
        "湖里区市政园林局": (1, 83.33, 1, 2),
        "殿前街道办事处": (2, 66.67, 0, 1),
    }
    # the special group owns K1 only (through ENV-01): P1 100, P2 100, P3 0
    assert rows_by_label(figures.ranking_rows(scored, Dimension.GROUP)) == {
        "市容环境卫生整治组": (1, 66.67, 2, 3)
    }
    assert rows_by_label(figures.ranking_rows(scored, Dimension.TYPE)) == {"背街小巷": (1, 77.78, 1, 3)}
    ties = [r for r in figures.ranking_rows(scored, Dimension.COMMUNITY) if r.tied]
    assert {r.label for r in ties} == {"徐厝社区", "兴隆社区"}


def test_freeze_round_records_scores_observations_and_hash():
    # given a closed round
    w = make_world(state="closed")
    office = make_user("office")
    # when it is frozen
    snap = freeze_round(actor=office, round=w.round)
    # then the snapshot holds exactly the figures, the records used and their fingerprint
    assert (snap.version, snap.points, snap.passed, snap.created_by) == (1, 3, 1, office)
    assert round(snap.mean_score, 4) == round((100 + 200 / 3 + 200 / 3) / 3, 4)
    assert snap.inspection_ids == sorted(i.pk for i in w.inspections.values())
    assert snap.observation_ids == sorted(Observation.objects.values_list("pk", flat=True))
    assert len(snap.data_hash) == 64 and snap.data_hash == live.current_digest(snap.inspection_ids)
    p2 = SnapshotPoint.objects.get(snapshot=snap, point=w.p2)
    assert (round(p2.score, 2), p2.passed, p2.failing_criteria) == (66.67, False, [w.k2.pk])
    assert (p2.street_id, p2.community_id, p2.unit_id) == (w.s1.pk, w.c2.pk, w.u1.pk)
    assert p2.group_scores == {str(w.group.pk): [2.0, 2.0, 100.0, True, []]}
    losses = {
        (x.snapshot_point.point_id, x.criterion_id): (x.lost, x.problems) for x in SnapshotLoss.objects.all()
    }
    assert losses == {(w.p2.pk, w.k2.pk): (3.0, 3), (w.p3.pk, w.k1.pk): (2.0, 1)}
    streets = SnapshotRollup.objects.filter(snapshot=snap, dimension=Dimension.STREET).order_by("rank")
    assert [(r.label, r.rank, r.points, r.passed) for r in streets] == [
        ("湖里街道", 1, 2, 1),
        ("殿前街道", 2, 1, 0),
    ]
    assert set(SnapshotRollup.objects.filter(snapshot=snap).values_list("dimension", flat=True)) == set(
        Dimension.values
    )


def test_frozen_ranking_does_not_move_when_records_change_later():
    w = make_world(state="closed")
    snap = freeze_round(actor=make_user("office"), round=w.round)
    before = figures.ranking(w.round, Dimension.STREET)
    # when an observation behind it is edited after the round closed
    Observation.objects.filter(inspection=w.inspections["p3"], criterion=w.k1).update(result="compliant")
    # then the published ranking is unchanged and still the snapshot's, but the change is detectable
    after = figures.ranking(w.round, Dimension.STREET)
    assert after.snapshot == snap and after.rows == before.rows
    assert live.current_digest(snap.inspection_ids) != snap.data_hash
    # and the live computation would now differ
    live_rows = rows_by_label(figures.ranking_rows(live.score_round(w.round.pk), Dimension.STREET))
    assert live_rows["殿前街道"] == (1, 100.0, 1, 1)


def test_freezing_again_is_idempotent_and_changed_data_gives_a_new_version():
    w = make_world(state="closed")
    office = make_user("office")
    first = freeze_round(actor=office, round=w.round)
    assert freeze_round(actor=office, round=w.round) == first
    assert ScoreSnapshot.objects.count() == 1
    Observation.objects.filter(inspection=w.inspections["p2"], criterion=w.k2).update(problems=1)
    second = freeze_round(actor=office, round=w.round)
    assert second.version == 2 and second.data_hash != first.data_hash
    first.refresh_from_db()
    assert SnapshotPoint.objects.get(snapshot=first, point=w.p2).score == pytest.approx(600 / 9)
    assert SnapshotPoint.objects.get(snapshot=second, point=w.p2).score == pytest.approx(800 / 9)
    assert figures.ranking(w.round, Dimension.STREET).snapshot == second
    assert list(ScoreSnapshot.objects.current()) == [second]


def test_the_latest_inspection_of_a_point_counts_in_the_round():
    w = make_world()
    # given a re-inspection of P3 later in the round where everything complies
    later = make_inspection(w.round, w.p3, [(w.k1, "compliant"), (w.k2, "compliant")])
    scored = live.score_round(w.round.pk)
    assert [r.id for r in scored.inspections if r.point_id == w.p3.pk] == [later.pk]
    assert rows_by_label(figures.ranking_rows(scored, Dimension.STREET))["殿前街道"] == (1, 100.0, 1, 1)


def test_freeze_refuses_a_user_who_cannot_change_the_round_and_writes_nothing():
    w = make_world(state="closed")
    for user in (make_user("street", area=w.s1), make_user("leader"), make_user("inspector")):
        with pytest.raises(PermissionDenied):
            freeze_round(actor=user, round=w.round)
    assert ScoreSnapshot.objects.count() == 0


def test_freeze_refuses_a_draft_round_and_writes_nothing():
    w = make_world()
    draft = make_round(w.standard, state="draft")
    with pytest.raises(ValidationError):
        freeze_round(actor=make_user("office"), round=draft)
    assert ScoreSnapshot.objects.count() == 0


def test_system_freeze_without_actor_and_an_empty_round():
    w = make_world()
    empty = make_round(w.standard, state="closed")
    snap = freeze_round(actor=None, round=empty)
    assert (snap.points, snap.mean_score, snap.pass_rate, snap.observation_ids) == (0, None, None, [])
    assert figures.ranking(empty, Dimension.STREET).rows == []


def test_compare_two_rounds():
    w = make_world(state="closed")
    freeze_round(actor=None, round=w.round)
    nxt = make_round(w.standard)
    make_inspection(nxt, w.p1, [(w.k1, "noncompliant")])  # 湖里 drops to 0
    make_inspection(nxt, w.p3, [(w.k1, "compliant")])  # 殿前 rises to 100
    rows = figures.compare_rankings(figures.ranking(w.round, "street"), figures.ranking(nxt, "street"))
    assert {r.label: (r.change.status, round(r.change.delta, 2)) for r in rows} == {
        "湖里街道": ("worse", -83.33),
        "殿前街道": ("improved", 33.33),
    }


def test_quarterly_matrix_reads_only_frozen_city_quarterly_rounds():
    w = make_world(state="closed", kind="city_quarterly")
    freeze_round(actor=None, round=w.round)
    q2 = make_round(w.standard, kind="city_quarterly", state="closed", name="2026年第二季度")
    make_inspection(q2, w.p3, [(w.k1, "compliant")])
    make_inspection(q2, w.p1, [(w.k1, "noncompliant")])
    freeze_round(actor=None, round=q2)
    daily = make_round(w.standard, state="closed")
    freeze_round(actor=None, round=daily)
    snapshots, rows = figures.quarterly_matrix(Dimension.STREET)
    assert [s.round for s in snapshots] == [w.round, q2]
    assert [(r["label"], [c.rank for c in r["columns"]]) for r in rows] == [
        ("殿前街道", [2, 1]),
        ("湖里街道", [1, 2]),
    ]


def test_point_history_scores_every_inspection_and_marks_the_frozen_one():
    w = make_world(state="closed")
    freeze_round(actor=None, round=w.round)
    later = make_round(w.standard)
    make_inspection(later, w.p2, [(w.k2, "compliant")])
    rows = figures.point_history(w.p2)
    assert [(round(r.score, 2), r.frozen, r.round_id) for r in rows] == [
        (66.67, True, w.round.pk),
        (100.0, False, later.pk),
    ]
    assert rows[0].failing == ["K-TRF"]

"""DB-backed fixed-window counters: every process agrees; the window rolls over."""

import datetime

import pytest

from wenming.participation.models import RateCounter
from wenming.participation.ratelimit import Limit, RateLimited, consume, purge_old, window_start

pytestmark = pytest.mark.django_db
LIMIT = Limit("test", 3, datetime.timedelta(hours=1))
T = datetime.datetime(2026, 11, 28, 10, 15, tzinfo=datetime.UTC)


def test_hits_count_up_to_the_limit_then_refuse_without_counting():
    assert [consume(LIMIT, "a", now=T) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RateLimited) as exc:
        consume(LIMIT, "a", now=T)
    assert exc.value.retry_after == 45 * 60
    assert RateCounter.objects.get().count == 3


def test_a_new_window_starts_afresh_and_subjects_are_separate():
    for _ in range(3):
        consume(LIMIT, "a", now=T)
    assert consume(LIMIT, "b", now=T) == 1
    assert consume(LIMIT, "a", now=T + datetime.timedelta(hours=1)) == 1
    assert window_start(T, LIMIT.window) == datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


def test_old_windows_are_purged():
    consume(LIMIT, "a", now=T)
    consume(LIMIT, "a", now=T + datetime.timedelta(days=3))
    assert purge_old(now=T + datetime.timedelta(days=3)) == 1
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_several_threads_never_pass_the_limit():
    import threading

    from django.db import connection

    limit = Limit("threads", 5, datetime.timedelta(hours=1))
    outcomes = []

    def hit():
        try:
            consume(limit, "same-ip", now=T)
            outcomes.append("ok")
        except RateLimited:
            outcomes.append("limited")
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["limited"] * 7 + ["ok"] * 5
    assert RateCounter.objects.get().count == 5


def test_a_window_another_process_opens_meanwhile_counts_the_hit_instead_of_refusing_it(monkeypatch):
    # given another process that opens the window between this hit's update (no row yet) and what follows
    from django.db.models import QuerySet

    real_update = QuerySet.update
    opened = []

    def update(self, **kwargs):
        changed = real_update(self, **kwargs)
        if self.model is RateCounter and not opened:
            opened.append(True)
            key = self.query.where.children[0].rhs  # the counter's key, as consume() computed it
            RateCounter.objects.create(key=key, window_start=window_start(T, LIMIT.window), count=1)
        return changed

    monkeypatch.setattr(QuerySet, "update", update)

    # when this process's first hit arrives, then it is counted against the window just opened (no 429)
    assert consume(LIMIT, "a", now=T) == 2
    assert RateCounter.objects.get().count == 2

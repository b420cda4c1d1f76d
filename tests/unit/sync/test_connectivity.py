"""Reachability probe and sync schedule: no real sleeping, no real network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spokeapp.sync.client import HubHealth, HubUnreachable
from spokeapp.sync.connectivity import Backoff, HubProbe, SyncSchedule

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_backoff_doubles_and_is_capped() -> None:
    backoff = Backoff(base=2, factor=2, maximum=10)
    assert [backoff.delay(n) for n in range(6)] == [0, 2, 4, 8, 10, 10]
    jittered = Backoff(base=10, maximum=100, jitter=0.5)
    assert jittered.delay(1, rand=lambda: 0.0) == 5 and jittered.delay(1, rand=lambda: 1.0) == 15


def test_probe_backs_off_until_the_hub_answers() -> None:
    answers: list[HubHealth | None] = [None, None, HubHealth("ok", "e1")]
    slept: list[float] = []

    def check() -> HubHealth:
        answer = answers.pop(0)
        if answer is None:
            raise HubUnreachable("offline")
        return answer

    probe = HubProbe(check, sleep=slept.append, backoff=Backoff(base=1, maximum=60))
    assert probe.wait_for_hub(attempts=5)
    assert slept == [1, 2] and probe.last_health == HubHealth("ok", "e1")


def test_probe_gives_up_after_its_attempts_without_sleeping_at_the_end() -> None:
    slept: list[float] = []

    def check() -> HubHealth:
        raise HubUnreachable("offline")

    assert not HubProbe(check, sleep=slept.append, backoff=Backoff(base=1)).wait_for_hub(3)
    assert slept == [1, 2]


def test_schedule_syncs_at_once_then_every_interval() -> None:
    schedule = SyncSchedule(interval=timedelta(minutes=10))
    assert schedule.is_due(T0)  # never synced: now
    schedule.sync_started()
    assert not schedule.is_due(T0)  # never two at once
    schedule.sync_finished(T0, ok=True)
    assert not schedule.is_due(T0 + timedelta(minutes=9))
    assert schedule.is_due(T0 + timedelta(minutes=10))


def test_sync_now_and_regained_connectivity_are_immediate() -> None:
    schedule = SyncSchedule(interval=timedelta(minutes=10))
    schedule.sync_started()
    schedule.sync_finished(T0, ok=True)
    schedule.request_now()
    assert schedule.is_due(T0)
    schedule.sync_started()
    schedule.sync_finished(T0, ok=True)
    schedule.connectivity_changed(False)
    assert not schedule.is_due(T0 + timedelta(hours=1))  # offline: do not even try
    schedule.connectivity_changed(True)
    assert schedule.is_due(T0 + timedelta(seconds=1))


def test_failures_back_off_up_to_the_interval() -> None:
    schedule = SyncSchedule(interval=timedelta(minutes=10), backoff=Backoff(base=30))
    at = T0
    waits = []
    for _ in range(7):
        schedule.sync_started()
        schedule.sync_finished(at, ok=False)
        due = schedule.next_attempt()
        assert due is not None
        waits.append((due - at).total_seconds())
        at = due
    assert waits == [30, 60, 120, 240, 480, 600, 600]
    schedule.sync_started()
    schedule.sync_finished(at, ok=True)
    assert schedule.failures == 0 and schedule.next_attempt() == at + timedelta(minutes=10)

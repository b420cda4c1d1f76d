"""``GET /metrics`` scraped from a real hub on loopback and read by prometheus-client's own
parser: the counts an operator's dashboard shows move with what the laptops do."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spokeapp.hub import lone_working as hub_lw
from spokeapp.hub.app import create_app
from spokeapp.hub.backup import backup
from spokeapp.hub.config import HubSettings
from spokeapp.hub.models import HubRecord, LoneWorkingDelivery
from spokeapp.hub.notifiers import NotifierSettings, WebhookSettings
from tests.helpers.hub import ManualClock, RunningHub, running_hub, sqlite_url
from tests.helpers.lone_working import WEBHOOK_SECRET, WebhookReceiver, visit_plan
from tests.helpers.records import case, session, young_person

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
TOKEN = "fictional-metrics-token-0123"


def scrape(base_url: str, token: str | None = None) -> Samples:
    """Every sample of ``/metrics``, parsed by prometheus-client: (name, labels) -> value."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(f"{base_url}/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def no_metrics_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOKE_HUB_METRICS_TOKEN", raising=False)
    monkeypatch.delenv("SPOKE_HUB_METRICS_TOKEN_FILE", raising=False)


def test_pushes_pulls_records_and_devices_move_on_a_scrape(hub: RunningHub,
                                                            no_metrics_token: None) -> None:
    worker = hub.laptop(hub.admin.add_user("Test Worker", "worker", "north"))
    before = scrape(hub.base_url)
    assert value(before, "spoke_hub_database_up") == 1
    assert value(before, "spoke_hub_devices", status="active") == 1
    assert value(before, "spoke_hub_devices_seen_last_day") == 1
    stored = value(before, "spoke_hub_records_stored")

    yp = young_person()
    held = case(yp, key_worker=worker.user_id)
    records = [yp, held, session(held.id)]
    worker.push_records(*records)
    worker.pull_all()
    stranger = httpx.post(f"{hub.base_url}/v1/sync/push", content=b"{}",
                          headers={"Authorization": "Bearer not-a-token"})
    assert stranger.status_code == 401

    after = scrape(hub.base_url)
    assert value(after, "spoke_hub_pushes_total", status="200") == \
        value(before, "spoke_hub_pushes_total", status="200") + 1
    assert value(after, "spoke_hub_pushes_total", status="401") == \
        value(before, "spoke_hub_pushes_total", status="401") + 1
    assert value(after, "spoke_hub_pulls_total", status="200") >= \
        value(before, "spoke_hub_pulls_total", status="200") + 1
    assert value(after, "spoke_hub_push_seconds_count") == \
        value(before, "spoke_hub_push_seconds_count") + 2
    assert value(after, "spoke_hub_pull_seconds_count") >= \
        value(before, "spoke_hub_pull_seconds_count") + 1
    assert value(after, "spoke_hub_push_seconds_sum") > value(before, "spoke_hub_push_seconds_sum")
    assert value(after, "spoke_hub_records_stored") == stored + len(records)
    with Session(hub.engine) as db:
        assert value(after, "spoke_hub_records_stored") == db.scalar(
            select(func.count()).select_from(HubRecord))
    assert value(after, "process_resident_memory_bytes") > 0
    # Nothing personal in any label or help text.
    text = httpx.get(f"{hub.base_url}/metrics").text
    assert "Test Worker" not in text and worker.user_id not in text
    worker.close()


def test_a_token_is_asked_for_when_configured_else_only_this_machine(
    tmp_path: Path, no_metrics_token: None,
) -> None:
    settings = HubSettings(database_url=sqlite_url(tmp_path), metrics_token=TOKEN)
    with running_hub(settings.database_url, settings=settings) as hub:
        assert httpx.get(f"{hub.base_url}/metrics").status_code == 401
        wrong = httpx.get(f"{hub.base_url}/metrics",
                          headers={"Authorization": "Bearer fictional-wrong-token"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert wrong.json()["error"] == "metrics_token_required"
        assert value(scrape(hub.base_url, TOKEN), "spoke_hub_database_up") == 1

    # Without a token, a caller from another machine is refused (an ASGI client that says
    # where it comes from: no second network interface is needed).
    app = create_app(engine=hub.engine)

    async def from_address(host: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            return await client.get("/metrics")

    refused = asyncio.run(from_address("203.0.113.9"))
    assert refused.status_code == 403 and refused.json()["error"] == "metrics_loopback_only"
    assert asyncio.run(from_address("127.0.0.1")).status_code == 200
    app.state.engine.dispose()


def test_visits_notices_first_notice_latency_and_backup_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_metrics_token: None,
) -> None:
    """The escalation watch the app runs (no test ticks): an overdue visit is counted armed
    and overdue, its notices by channel, and deadline-to-first-notice observed on the hub's
    own (manual) clock: exactly 42 s for the buddy tier reached 42 s after it fell due."""
    monkeypatch.setenv("SPOKE_HUB_WATCH_SECONDS", "0.05")
    monkeypatch.setenv("SPOKE_HUB_WEBHOOK_SECRET", WEBHOOK_SECRET)
    clock = ManualClock()
    url = sqlite_url(tmp_path)
    with (WebhookReceiver({"/arc": WEBHOOK_SECRET}) as receiver,
          running_hub(url, clock) as hub):
        with Session(hub.engine) as db, db.begin():
            hub_lw.save_notifier_settings(db, NotifierSettings(
                webhooks=(WebhookSettings(name="arc", url=receiver.url("/arc")),)))
        before = scrape(hub.base_url)
        assert value(before, "spoke_hub_backup_age_seconds") == math.inf  # never backed up
        assert value(before, "spoke_hub_deadline_to_first_notice_seconds_count") == 0

        worker = hub.laptop(hub.admin.add_user("Test Worker", "worker", "north"))
        # First check-in due after 60 minutes, the buddy tier 15 minutes later: both in the
        # past of the hub's clock, the buddy tier by 42 s.
        plan = visit_plan(worker.user_id, clock.now - timedelta(minutes=75, seconds=42))
        worker.push_records(plan)

        def buddy_sent() -> bool:
            return any(body["alert"]["tier"] == "buddy" for body in receiver.bodies("/arc"))

        assert receiver.wait_for(buddy_sent, timeout=30)  # the hub's own thread sends
        with Session(hub.engine) as db:  # every notice of the round recorded
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and db.scalar(
                    select(func.count()).select_from(LoneWorkingDelivery)
                    .where(LoneWorkingDelivery.status != "sent")):
                time.sleep(0.05)
                db.expire_all()
            sent = db.scalar(select(func.count(func.distinct(LoneWorkingDelivery.alert_id)))
                             .where(LoneWorkingDelivery.status == "sent"))
        backup(url, tmp_path / "backup.db")

        after = scrape(hub.base_url)
        assert value(after, "spoke_hub_visits_armed") == 1
        assert value(after, "spoke_hub_visits_overdue") == 1
        assert value(after, "spoke_hub_notices", channel="webhook", state="sent") == sent >= 1
        assert value(after, "spoke_hub_notices", channel="webhook", state="failed") == 0
        assert value(after, "spoke_hub_notice_attempts_failed", channel="webhook") == 0
        # One observation per alert whose first notice went out; the buddy tier's is 42 s.
        assert value(after, "spoke_hub_deadline_to_first_notice_seconds_count") == sent
        in_30_to_60 = (
            value(after, "spoke_hub_deadline_to_first_notice_seconds_bucket", le="60.0")
            - value(after, "spoke_hub_deadline_to_first_notice_seconds_bucket", le="30.0"))
        assert in_30_to_60 >= 1
        assert value(after, "spoke_hub_backup_age_seconds") < math.inf
        assert value(after, "spoke_hub_watch_last_round_age_seconds") < 60
        worker.close()


"""1,000 armed visits whose deadlines fall in the same second: deadline to first notice.

    .venv/bin/python benchmarks/lone_working_escalation.py [--visits 1000] [--window 1]
        [--backend both|embedded|postgres] [--pg-hubs 2] [--runs 3]

Per backend and run, a fresh hub database: the embedded hub (an encrypted SQLite file, one
``spoke-hub serve``) and PostgreSQL with durability on (``fsync``, ``synchronous_commit``,
``full_page_writes``; read back with ``SHOW`` and printed) served by ``--pg-hubs`` hub
processes at once (default 2, as a charity scaling out would run them), each with its
escalation watch. The ARC webhook and the SMS gateway are a real, signature-checking HTTP
receiver on loopback. One laptop pushes ``--visits`` visit plans; their moments all fall
within ``--window`` seconds (default 1: visits end on the hour), ``LEAD_S`` seconds ahead:

* half are check-in deadlines: the first notification after each is the worker's "check-in
  due" reminder, by SMS, due at the deadline itself;
* half are the end of a grace period (deadline + 15 minutes): the first notification is the
  buddy tier's alert (SMS to the buddy, webhook to the ARC), due at that moment.

For each visit: latency = when the receiver got the first notification of that moment minus
the moment (same machine clock). Prints p50/p95/p99/max per run and p50/p99/max as min /
median / max over the runs; target p99 <= 2 s and no visit without its notice (BS 8484 asks
alarm centres to accept 80% of alarms within 10 s). Fictional data only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench import Figures, check, describe_settings, durable_postgres, pg_settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from spokeapp.domain.records import EscalationAlert
from spokeapp.hub import admin
from spokeapp.hub.ledger import lock_writes
from spokeapp.hub.lone_working import save_notifier_settings
from spokeapp.hub.models import HubRecord, LoneWorkingDelivery
from spokeapp.hub.notifiers import NotifierSettings, WebhookSettings
from tests.helpers.hub import Laptop, prepare_database, spawn_hub, sqlite_url
from tests.helpers.lone_working import (
    SMS_SECRET,
    WEBHOOK_SECRET,
    WebhookReceiver,
    visit_plan,
)

# The receiver stands for an alarm centre's or SMS gateway's web server, which accepts many
# connections at once (nginx queues 511); Python's default listen queue of 5 drops the hub's
# concurrent connections and the kernel retries them a second later.
ThreadingHTTPServer.request_queue_size = 128

TARGET_P99_S = 2.0
LEAD_S = 25.0  # arming 1,000 visits sends their earlier reminders first; let that settle


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, samples: list[float]) -> None:
    print(f"{name:<28} n={len(samples):5d}  min={min(samples):.3f}s  p50={pct(samples, 50):.3f}s  "
          f"p95={pct(samples, 95):.3f}s  p99={pct(samples, 99):.3f}s  max={max(samples):.3f}s",
          flush=True)


def one_run(url: str, args: argparse.Namespace, hubs: int, label: str,
            figures: Figures) -> None:
    """A fresh hub database at ``url`` served by ``hubs`` processes; adds the figures."""
    with WebhookReceiver({"/arc": WEBHOOK_SECRET, "/sms": SMS_SECRET}) as receiver:
        engine, _init = prepare_database(url)
        check(engine.dialect.name == ("postgresql" if url.startswith("postgresql")
                                      else "sqlite"), f"unexpected database {engine.dialect}")
        with Session(engine) as session, session.begin():
            lock_writes(session)
            worker = admin.add_user(session, "Bench Worker", "worker", "north")
            code = admin.create_enrolment_code(session, worker)
            save_notifier_settings(session, NotifierSettings(
                webhooks=(WebhookSettings(name="arc", url=receiver.url("/arc")),),
                sms_url=receiver.url("/sms"),
            ))
        with ExitStack() as stack:
            running = [stack.enter_context(spawn_hub(url)) for _ in range(hubs)]
            for hub in running:
                # keep reading each hub's output, or its log writes block once the pipe fills
                assert hub.process.stdout is not None
                threading.Thread(target=hub.process.stdout.read, daemon=True).start()
            laptop = Laptop(running[0].base_url)
            laptop.enrol(code)
            # All moments in one second (a whole second, ``LEAD_S`` ahead), as on the hour.
            now = datetime.now(UTC)
            base = now.replace(microsecond=0) + timedelta(seconds=LEAD_S)
            step = args.window / args.visits
            moments: dict[str, tuple[str, datetime]] = {}
            plans = []
            for n in range(args.visits):
                moment = base + timedelta(seconds=n * step)
                if n % 2 == 0:  # the deadline itself: the worker's reminder
                    deadline, kind = moment, "deadline reminder"
                else:  # the end of the grace period: the buddy tier
                    deadline, kind = moment - timedelta(minutes=15), "first tier (buddy)"
                plan = visit_plan(laptop.user_id, deadline - timedelta(minutes=60), hours=4)
                plans.append(plan)
                moments[plan.id] = (kind, moment)
            started = time.monotonic()
            for start in range(0, len(plans), 500):
                response = laptop.push_records(*plans[start:start + 500])
                check(response.status_code == 200, f"arming refused: {response.text[:300]}")
            laptop.close()
            armed = time.monotonic() - started
            check(datetime.now(UTC) < base, f"arming took {armed:.1f} s, past the deadlines: "
                  "raise LEAD_S")
            print(f"    {args.visits} visits armed in {armed:.1f} s through hub 1 of {hubs}; "
                  f"moments fall in [{base:%H:%M:%S}, +{args.window:g} s)", flush=True)
            end = base + timedelta(seconds=args.window + 10)
            while datetime.now(UTC) < end:
                time.sleep(0.5)
        # Match each receipt to its alert through the hub's outbox.
        with Session(engine) as session:
            delivery_alert = dict(session.execute(
                select(LoneWorkingDelivery.id, LoneWorkingDelivery.alert_id)).all())
            alerts = {
                body["id"]: EscalationAlert.from_dict(body)
                for body in session.scalars(select(HubRecord.body)
                                            .where(HubRecord.kind == "escalation_alert"))
            }
        engine.dispose()
        first: dict[str, float] = {}
        per_channel: dict[tuple[str, str], int] = {}  # (visit, receiver path) -> receipts
        for received in receiver.received:
            alert = alerts.get(delivery_alert.get(received.delivery_id, ""))
            if alert is None or alert.visit_id not in moments:
                continue
            kind, moment = moments[alert.visit_id]
            wanted = (alert.tier == "buddy" if kind.startswith("first")
                      else alert.tier == "worker_reminder" and alert.raised_at >= moment)
            if wanted:
                latency = received.at - moment.timestamp()
                first[alert.visit_id] = min(first.get(alert.visit_id, latency), latency)
                key = (alert.visit_id, received.path)
                per_channel[key] = per_channel.get(key, 0) + 1
        received_n = len(receiver.received)
    print(f"    received {received_n} notifications for {len(alerts)} alerts "
          f"({len(delivery_alert)} deliveries)", flush=True)
    check(received_n > 0 and first, "no notification reached the receiver")
    missing = [v for v in moments if v not in first]
    by_kind: dict[str, list[float]] = {}
    for visit_id, latency in first.items():
        by_kind.setdefault(moments[visit_id][0], []).append(latency)
    for kind, samples in sorted(by_kind.items()):
        report("    " + kind, samples)
    everything = list(first.values())
    report("    all", everything)
    figures.add(f"{label}: deadline to first notice p50", pct(everything, 50), "s",
                fmt="{:.2f}")
    figures.add(f"{label}: deadline to first notice p99", pct(everything, 99), "s",
                f"<= {TARGET_P99_S:.0f} s", lambda v: v <= TARGET_P99_S, "{:.2f}")
    figures.add(f"{label}: deadline to first notice max", max(everything), "s", fmt="{:.2f}")
    figures.add(f"{label}: visits with no notice", len(missing), "", "0", lambda v: v == 0)
    figures.add(f"{label}: most receipts of one notice on one channel (>1: duplicate)",
                max(per_channel.values()), "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--window", type=float, default=1.0,
                        help="seconds over which the moments fall (1: the same second)")
    parser.add_argument("--backend", choices=("both", "embedded", "postgres"), default="both")
    parser.add_argument("--pg-hubs", type=int, default=2,
                        help="hub processes serving the PostgreSQL database at once")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["SPOKE_HUB_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    os.environ["SPOKE_HUB_SMS_SECRET"] = SMS_SECRET
    figures = Figures(f"{args.visits} armed visits, moments within {args.window:g} s, "
                      f"{args.runs} runs")
    if args.backend in ("both", "embedded"):
        for run in range(args.runs):
            print(f"--- embedded hub (encrypted SQLite), run {run + 1} of {args.runs}",
                  flush=True)
            with tempfile.TemporaryDirectory(prefix="spoke-lw-") as tmp:
                one_run(sqlite_url(Path(tmp)), args, 1, "embedded, 1 hub", figures)
    if args.backend in ("both", "postgres"):
        with durable_postgres(True) as pg:
            settings = describe_settings(pg_settings(pg))
            print(f"##### {settings}", flush=True)
            for run in range(args.runs):
                print(f"--- PostgreSQL, {args.pg_hubs} hubs, run {run + 1} of {args.runs}",
                      flush=True)
                one_run(pg.new_database(), args, args.pg_hubs,  # type: ignore[attr-defined]
                        f"PostgreSQL (durable), {args.pg_hubs} hubs", figures)
        print(settings)
    return 0 if figures.report() else 1


if __name__ == "__main__":
    sys.exit(main())

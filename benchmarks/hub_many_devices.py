"""200 laptops syncing at once against a hub on real PostgreSQL: request latency and hub memory.

    .venv/bin/python benchmarks/hub_many_devices.py [--devices 200] [--rounds 5] [--per-push 10]
        [--mode both|burst|steady] [--interval 10] [--duration 40] [--runs 3]
        [--durability on|off|both]

Starts a throwaway PostgreSQL server with production durability (``fsync``,
``synchronous_commit`` and ``full_page_writes`` on, read back from the server with ``SHOW`` and
printed beside the figures; ``--durability off`` or ``both`` adds the labelled durability-off
figures), initialises a hub on it and runs ``spoke-hub serve --workers N`` (default 1: the
hub serialises pushes on its counter row anyway, and this 2-core machine also runs the load
generator; 2 measured no better) on loopback. Each of ``--runs`` runs (default 3) uses a fresh
database and hub process. Each simulated device (asyncio, one keep-alive
connection each through ``LeanHttp``, a minimal HTTP/1.1 client) takes a token, opens its own
case and pulls it back (not timed, as a newly enrolled laptop does), then per sync pushes one
signed, chained batch of session records to its case and pulls everything new in its scope.
Two modes, both run by default and reported apart:

* burst: all devices sync at the same instant, ``--rounds`` times (the worst case: every push
  queues for the hub's write lock at once);
* steady: each device syncs on its own timer, every ``--interval`` seconds +-50 % after a
  random start, for ``--duration`` seconds (a busy day: far more often than a real laptop).

Prints p50/p95/p99/max latency per request type for each mode and run, then each p99 as
min / median / max over the runs (target p99 <= 250 ms on the median, no errors), the
hub's RSS (all its processes) (target: bounded, not growing with the records pushed), and
per burst round the slowest push and pull and the CPU used by the hub, by PostgreSQL and by
this load generator. Fictional data only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson
import psutil
from _bench import Figures, check, describe_settings, durable_postgres, pg_settings
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession
from sync_push_pull import START, init_database, serve_hub, session_record

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Case, YoungPerson
from spokeapp.hub import admin
from spokeapp.hub.db import make_engine
from spokeapp.hub.ledger import lock_writes
from spokeapp.hub.models import HubRecord
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    ChainProof,
    ChangeIn,
    PushRequest,
    chain_heads,
    chain_message,
)

TARGET_P99_MS = 250.0
PG_PROCS: list[psutil.Process] = []


def tree_rss(process: psutil.Process) -> int:
    """RSS of the hub and its worker processes (``--workers``), added up."""
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total


def tree_cpu(process: psutil.Process) -> float:
    """CPU seconds (user + system) used so far by ``process`` and its children, those still
    running and those it has reaped (PostgreSQL's backends come and go)."""
    own = process.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    with contextlib.suppress(psutil.NoSuchProcess):
        for each in process.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                times = each.cpu_times()
                total += times.user + times.system
    return total


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


class LeanHttp:
    """One keep-alive HTTP/1.1 connection over asyncio streams, JSON bodies (orjson).

    The simulated laptops share this 2-core machine with the hub; httpx cost ~1.2 ms of CPU
    per request here, a quarter of a core taken from the hub it measures. Real laptops bring
    their own CPUs, so the load generator is kept lean (~0.05 ms a request). It reconnects
    after an idle spell near uvicorn's 5 s keep-alive timeout, and on a closed connection
    before anything was sent back (counted as an error otherwise).
    """

    IDLE_RECONNECT = 4.0

    def __init__(self, base_url: str) -> None:
        host_port = base_url.split("://", 1)[1].rstrip("/")
        host, _, port = host_port.rpartition(":")
        self.host, self.port = host, int(port)
        self.headers = f"Host: {host_port}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    def authorise(self, token: str) -> None:
        self.headers += f"Authorization: Bearer {token}\r\n"

    async def _connect(self) -> None:
        await self.aclose()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None
                      ) -> tuple[int, bytes]:
        """(status, body); raises OSError / IncompleteReadError if the connection fails."""
        if self.writer is None or time.perf_counter() - self.last_used > self.IDLE_RECONNECT:
            await self._connect()
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\n{self.headers}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        content = await self.reader.readexactly(length)
        self.last_used = time.perf_counter()
        if close:
            await self.aclose()
        return status, content


class Device:
    def __init__(self, base_url: str, code: str, user_id: str) -> None:
        self.http = LeanHttp(base_url)
        self.code = code
        self.user_id = user_id
        self.key = DeviceKey.generate()
        self.head = GENESIS_HEAD
        self.cursor = 0
        self.device_id = ""
        self.epoch = ""
        self.case_id = ""

    async def enrol(self) -> None:
        status, raw = await self.http.request("POST", "/v1/enrol", orjson.dumps({
            "code": self.code, "device_name": "bench", "public_key": self.key.public_key_b64(),
        }))
        assert status == 200, raw
        enrolled = orjson.loads(raw)
        self.device_id, self.epoch = enrolled["device_id"], enrolled["hub_epoch"]
        status, raw = await self.http.request("POST", "/v1/token", orjson.dumps({
            "device_id": self.device_id, "refresh_token": enrolled["refresh_token"]}))
        assert status == 200, raw
        self.http.authorise(orjson.loads(raw)["access_token"])

    def change(self, record: Any) -> ChangeIn:
        return ChangeIn(id=str(uuid.uuid4()), record_id=record.id, kind=record.KIND,
                        op="finalise" if record.EVENT else "put", payload=record.to_dict(),
                        author=self.user_id, local_time="2026-03-02T10:00:00+00:00")

    def body(self, records: list[Any]) -> bytes:
        changes = [self.change(r) for r in records]
        head = chain_heads(self.head, changes)[-1]
        request = PushRequest(hub_epoch=self.epoch, changes=changes, chain=ChainProof(
            prev_head=self.head, head=head,
            signature=self.key.sign(chain_message(self.device_id, self.head, head))))
        self.head = head
        return request.model_dump_json().encode()


async def timed(samples: dict[str, list[float]], errors: list[str], kind: str,
                device: Device, method: str, path: str, body: bytes | None = None
                ) -> bytes | None:
    started = time.perf_counter()
    try:
        status, content = await device.http.request(method, path, body)
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(f"{kind}: {type(exc).__name__}")
        await device.http.aclose()
        return None
    samples.setdefault(kind, []).append(time.perf_counter() - started)
    if status != 200:
        errors.append(f"{kind}: {status} {content[:120]!r}")
        return None
    return content


async def device_round(device: Device, body: bytes, samples: dict[str, list[float]],
                       errors: list[str]) -> None:
    await timed(samples, errors, "push", device, "POST", "/v1/sync/push", body)
    while True:
        content = await timed(samples, errors, "pull", device, "GET",
                              f"/v1/sync/pull?after={device.cursor}&limit=1000")
        if content is None:
            return
        page = orjson.loads(content)
        device.cursor = page["next_after"]
        if not page["more"]:
            return


def report(label: str, all_samples: dict[str, list[float]], errors: list[str],
           p99s: dict[str, float]) -> bool:
    """Print p50/p95/p99/max per request type (each p99 also into ``p99s``); True if every
    p99 and the errors meet the targets."""
    ok = True
    print(f"-- {label}")
    for kind, samples in sorted(all_samples.items()):
        p99 = pct(samples, 99)
        p99s[kind] = p99
        ok = ok and p99 <= TARGET_P99_MS
        print(f"{kind:<5} n={len(samples):<6} p50 {pct(samples, 50):7.1f} ms  p95 "
              f"{pct(samples, 95):7.1f} ms  p99 {p99:7.1f} ms  max {pct(samples, 100):7.1f} ms"
              f"   target p99 <= {TARGET_P99_MS:.0f} ms  "
              f"{'OK' if p99 <= TARGET_P99_MS else 'MISSED'}")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else "")
          + "   target 0   " + ("OK" if not errors else "MISSED"), flush=True)
    return ok and not errors


async def steady_device(device: Device, seed: int, until: float, interval: float,
                        per_push: int, samples: dict[str, list[float]],
                        errors: list[str]) -> int:
    """One laptop syncing on its own timer: first after a random part of ``interval``,
    then every ``interval`` +-50 %. Returns how many records it pushed."""
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, interval))
    pushed = 0
    n = 0
    while time.perf_counter() < until:
        body = device.body([
            session_record(rng, device.case_id, START + timedelta(days=400, hours=n * 50 + i))
            for i in range(per_push)
        ])
        n += 1
        await device_round(device, body, samples, errors)
        pushed += per_push
        await asyncio.sleep(interval * rng.uniform(0.5, 1.5))
    return pushed


async def run(base_url: str, codes: list[tuple[str, str]], rounds: int, per_push: int,
              hub_pid: int, mode: str, interval: float, duration: float) -> dict[str, Any]:
    """One run; returns {"p99": {"burst push": ms, ...}, "errors": n, "pushed": n,
    "peak_rss": bytes, "requests": n}."""
    rng = random.Random(5)
    devices = [Device(base_url, code, user) for code, user in codes]
    for start in range(0, len(devices), 20):
        await asyncio.gather(*(d.enrol() for d in devices[start:start + 20]))
    for device in devices:  # each device opens its own case first (not timed)
        yp = YoungPerson(id=new_id(), reference="MANY", name="Bench Person",
                         date_of_birth=date(2010, 1, 1))
        cs = Case(id=new_id(), young_person_id=yp.id, key_worker=device.user_id,
                  opened_on=date(2026, 1, 4))
        device.case_id = cs.id
        status, raw = await device.http.request("POST", "/v1/sync/push",
                                                device.body([yp, cs]))
        assert status == 200, raw
    for device in devices:  # ... and pulls it back, as a newly enrolled laptop does (not timed)
        status, raw = await device.http.request(
            "GET", f"/v1/sync/pull?after={device.cursor}&limit=1000")
        assert status == 200, raw
        device.cursor = orjson.loads(raw)["next_after"]
    hub = psutil.Process(hub_pid)
    PG_PROCS[:] = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"
                   and p.parent() is not None and p.parent().name() != "postgres"]
    peak = tree_rss(hub)
    print(f"hub RSS before the rounds: {peak / 2**20:.1f} MiB", flush=True)
    pushed = 0
    p99s: dict[str, float] = {}
    errors = 0
    requests = 0
    if mode in ("burst", "both"):
        burst_samples: dict[str, list[float]] = {}
        burst_errors: list[str] = []
        for round_no in range(rounds):
            bodies = [
                d.body([session_record(rng, d.case_id,
                                       START + timedelta(hours=round_no * 100 + i))
                        for i in range(per_push)])
                for d in devices
            ]
            round_samples: dict[str, list[float]] = {}
            hub_cpu = tree_cpu(hub)
            pg_cpu = sum(tree_cpu(p) for p in PG_PROCS)
            own_cpu = time.process_time()
            started = time.perf_counter()
            await asyncio.gather(*(device_round(d, b, round_samples, burst_errors)
                                   for d, b in zip(devices, bodies, strict=True)))
            wall = time.perf_counter() - started
            hub_cpu = tree_cpu(hub) - hub_cpu
            pg_cpu = sum(tree_cpu(p) for p in PG_PROCS) - pg_cpu
            own_cpu = time.process_time() - own_cpu
            for kind, samples in round_samples.items():
                burst_samples.setdefault(kind, []).extend(samples)
            pushed += per_push * len(devices)
            rss = tree_rss(hub)
            peak = max(peak, rss)
            print(f"burst round {round_no + 1}: {len(devices)} devices pushed {per_push} and "
                  f"pulled at the same instant, {wall:.2f} s wall; records on hub {pushed}; "
                  f"hub RSS {rss / 2**20:.1f} MiB; slowest push "
                  f"{max(round_samples.get('push', [0])) * 1000:.0f} ms, pull "
                  f"{max(round_samples.get('pull', [0])) * 1000:.0f} ms; CPU: hub "
                  f"{hub_cpu:.2f} s, PostgreSQL {pg_cpu:.2f} s, load generator {own_cpu:.2f} s",
                  flush=True)
        burst_p99: dict[str, float] = {}
        report(f"burst: all {len(devices)} devices at the same instant, {rounds} rounds",
               burst_samples, burst_errors, burst_p99)
        p99s.update({f"burst {k}": v for k, v in burst_p99.items()})
        errors += len(burst_errors)
        requests += sum(len(v) for v in burst_samples.values())
    if mode in ("steady", "both"):
        steady_samples: dict[str, list[float]] = {}
        steady_errors: list[str] = []
        until = time.perf_counter() + duration
        print(f"steady: each of {len(devices)} devices syncs every {interval:.0f} s +-50 % "
              f"(random start) for {duration:.0f} s ...", flush=True)
        counts = await asyncio.gather(*(
            steady_device(d, 1000 + n, until, interval, per_push, steady_samples,
                          steady_errors)
            for n, d in enumerate(devices)
        ))
        pushed += sum(counts)
        rss = tree_rss(hub)
        peak = max(peak, rss)
        print(f"steady: {sum(counts)} records pushed; hub RSS {rss / 2**20:.1f} MiB",
              flush=True)
        steady_p99: dict[str, float] = {}
        report(f"steady: {len(devices)} devices, each every {interval:.0f} s +-50 %",
               steady_samples, steady_errors, steady_p99)
        p99s.update({f"steady {k}": v for k, v in steady_p99.items()})
        errors += len(steady_errors)
        requests += sum(len(v) for v in steady_samples.values())
    for device in devices:
        await device.http.aclose()
    print(f"hub peak RSS {peak / 2**20:.1f} MiB over {pushed} records pushed")
    return {"p99": p99s, "errors": errors, "pushed": pushed, "peak_rss": peak,
            "requests": requests}


def one_run(pg: Any, args: argparse.Namespace, figures: Figures, tag: str,
            settings: str) -> None:
    """A fresh database and hub process on ``pg``; adds this run's p99s to ``figures``."""
    with tempfile.TemporaryDirectory(prefix="spoke-many-") as tmp:
        url = pg.new_database()
        check(url.startswith("postgresql"), f"not a PostgreSQL URL: {url}")
        init_database(url, Path(tmp))
        engine = make_engine(url)
        check(engine.dialect.name == "postgresql", "the hub database is not PostgreSQL")
        codes: list[tuple[str, str]] = []
        with DbSession(engine) as session, session.begin():
            lock_writes(session)
            for n in range(args.devices):
                user = admin.add_user(session, f"Bench Worker {n}", "worker", f"team-{n % 10}")
                codes.append((admin.create_enrolment_code(session, user), user))
        with DbSession(engine) as session:
            before = session.scalar(select(func.count()).select_from(HubRecord)) or 0
        with serve_hub(url, Path(tmp), workers=args.workers) as hub:
            assert hub.pid is not None
            print(f"hub: spoke-hub serve --workers {args.workers}; {settings}", flush=True)
            result = asyncio.run(run(hub.url, codes, args.rounds, args.per_push, hub.pid,
                                     args.mode, args.interval, args.duration))
        with DbSession(engine) as session:
            after = session.scalar(select(func.count()).select_from(HubRecord)) or 0
        engine.dispose()
    # The path named: every pushed session landed in PostgreSQL's hub_records.
    check(result["pushed"] > 0 and result["requests"] > 0, "no request was measured")
    check(after - before >= result["pushed"],
          f"PostgreSQL holds {after - before} new records, {result['pushed']} were pushed")
    print(f"PostgreSQL hub_records grew by {after - before} (pushed sessions + cases + people)",
          flush=True)
    for name, p99 in sorted(result["p99"].items()):
        figures.add(f"{tag}{name} p99", p99, "ms", f"<= {TARGET_P99_MS:.0f} ms",
                    lambda v: v <= TARGET_P99_MS, "{:.1f}")
    figures.add(f"{tag}errors", result["errors"], "", "0", lambda v: v == 0)
    figures.add(f"{tag}hub peak RSS", result["peak_rss"] / 2**20, "MiB", "(bounded)", None,
                "{:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-push", type=int, default=10)
    parser.add_argument("--mode", choices=("burst", "steady", "both"), default="both",
                        help="burst: every device at the same instant, each round; steady: "
                        "each device on its own timer with jitter")
    parser.add_argument("--interval", type=float, default=10.0,
                        help="steady mode: seconds between one device's syncs (+-50 %%)")
    parser.add_argument("--duration", type=float, default=40.0,
                        help="steady mode: seconds to run")
    parser.add_argument("--workers", type=int, default=1,
                        help="spoke-hub serve --workers (uvicorn worker processes)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--durability", choices=("on", "off", "both"), default="on",
                        help="PostgreSQL fsync/synchronous_commit/full_page_writes; the "
                        "target is judged with it on (production); off is printed labelled")
    args = parser.parse_args()
    ok = True
    for durable in {"on": (True,), "off": (False,), "both": (True, False)}[args.durability]:
        with durable_postgres(durable) as pg:
            settings = describe_settings(pg_settings(pg))
            print(f"\n##### {settings}", flush=True)
            tag = "" if durable else "[DURABILITY OFF] "
            figures = Figures(f"{args.devices} devices on PostgreSQL, {args.runs} runs; "
                              f"{settings}")
            for n in range(args.runs):
                print(f"\n--- run {n + 1} of {args.runs}", flush=True)
                one_run(pg, args, figures, tag, settings)
            met = figures.report()
            ok = ok and (met or not durable)  # durability off is printed, never judged
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Sync throughput on this machine: N session records pushed and pulled through the real
device engine (SyncEngine + HubClient + SQLCipher casebook) against a real embedded hub,
timed as the whole sync the worker waits for.

    .venv/bin/python benchmarks/sync_push_pull.py [--records 10000] [--large 100000]
        [--cases 50] [--runs 3] [--in-process] [--skip-bare]

The hub is ``spoke-hub serve`` in its own process (as deployed) on loopback, on an encrypted
SQLite file (SQLCipher, ``synchronous = FULL``); signatures, chain verification, scope checks
and record validation are all on. Each laptop's sync runs in a fresh child process (the app
process: its casebook opened from disk, one ``SyncEngine.sync_once``), sampled for peak RSS.
Per size (``--records``, then ``--large``; 0 skips it) and run, on a fresh hub:

* push: laptop A's outbox of N finalised sessions (~400 bytes of notes each); the figure is
  N / the whole ``sync_once`` (push, then the pull that follows it) - what the worker waits
  for. The time to the last acknowledged batch is printed beside, as is how many of its own
  records A downloaded back (target 0: the hub's acknowledgement gives their sequence numbers);
* pull: a second laptop of the same worker, empty, pulls all of it (one whole ``sync_once``);
* the peak RSS of each laptop's process during its sync (target < 300 MB);
* the CPU seconds each laptop's process used in its ``sync_once``, and the hub's process
  while that laptop's process ran: on a busy machine they change much less than the wall
  time, so they show whether a change made the work smaller or only the wait;
* each casebook's size on disk per record after the sync (writer <= 1.3x receiver);
* at ``--large``: pull records/s no more than 10 % below the ``--records`` figure;
* hub-side (base size, unless ``--skip-bare``): the same N pushed and pulled with a bare HTTP
  client (no casebook), so the hub's own throughput shows apart from the laptop's.

Throughput targets (push >= 13,500/s, pull >= 24,000/s) are for 10,000 records and are judged
on the ``--records`` size; min / median / max over ``--runs``, judged on the median. Everything
is fictional test data. ``--in-process`` runs the hub in a thread of this process instead
(sharing the GIL: slower, but profilable with cProfile).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import psutil
from _bench import Figures, check
from sqlalchemy.orm import Session as DbSession

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.crypto.keyfile import FAST_KDF_FOR_TESTS
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import (
    Case,
    ChosenBy,
    ContactType,
    MeetAgain,
    Referral,
    ReferralDecision,
    Session,
    SourceType,
    VenueType,
    YoungPerson,
)
from spokeapp.hub import admin, schema
from spokeapp.hub.db import create_key_file, make_engine
from spokeapp.hub.ledger import lock_writes
from spokeapp.store.casebook import Casebook
from spokeapp.sync.engine import SyncEngine, SyncEvent
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    MAX_BATCH_CHANGES,
    ChainProof,
    ChangeIn,
    PushRequest,
    chain_heads,
    chain_message,
)

PASSPHRASE = "benchmark passphrase, not a secret"
HUB_BIN = Path(sys.executable).parent / "spoke-hub"
WORDS = (
    "school bus park cafe library friend older phone app party night late money gift car "
    "worried happy plan safety trust family sister brother football music college train "
    "station shopping centre snapchat instagram message photo boyfriend house key curfew"
).split()
START = datetime(2026, 1, 5, 16, 0, tzinfo=UTC)


def note(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:chars]


def session_record(rng: random.Random, case_id: str, when: datetime,
                   contact: ContactType = ContactType.ONE_TO_ONE) -> Session:
    """A session with ~400 bytes of notes (discussed 300, words 60, actions 40)."""
    return Session(
        id=new_id(), case_id=case_id, contact_type=contact, occurred_at=when,
        duration_minutes=45 if contact is ContactType.ONE_TO_ONE else 10,
        venue_type=VenueType.CAFE if contact is ContactType.ONE_TO_ONE else None,
        venue_chosen_by=ChosenBy.YOUNG_PERSON, pace_set_by=ChosenBy.TOGETHER,
        discussed=note(rng, 300), young_persons_words=note(rng, 60),
        wants_to_meet_again=MeetAgain.YES, concerns="", actions=note(rng, 40),
    )


def open_cases(book: Casebook, worker: str, count: int, tag: str = "BENCH") -> list[str]:
    case_ids = []
    for n in range(count):
        yp = YoungPerson(id=new_id(), reference=f"{tag}-{n:04d}", name=f"Bench Person {n}",
                         date_of_birth=date(2010, 1, 1))
        ref = Referral(id=new_id(), young_person_id=yp.id, received_on=date(2026, 1, 2),
                       source_agency="Bench County Council",
                       source_type=SourceType.CHILDRENS_SOCIAL_CARE, reason="Fictional.",
                       decision=ReferralDecision.ACCEPTED, decided_on=date(2026, 1, 3))
        cs = Case(id=new_id(), young_person_id=yp.id, referral_id=ref.id, key_worker=worker,
                  opened_on=date(2026, 1, 4))
        for record in (yp, ref, cs):
            book.save(record)
        case_ids.append(cs.id)
    return case_ids


# ------------------------------------------------------------------------------ the hub
@dataclass
class Hub:
    url: str
    database_url: str
    folder: Path
    pid: int | None = None

    def admin_session(self) -> Iterator[DbSession]:  # pragma: no cover - helper
        raise NotImplementedError

    def add_user(self, name: str, role: str = "worker", team: str = "north") -> str:
        engine = make_engine(self.database_url)
        try:
            with DbSession(engine) as session, session.begin():
                lock_writes(session)
                return admin.add_user(session, name, role, team)
        finally:
            engine.dispose()

    def code(self, user_id: str) -> str:
        engine = make_engine(self.database_url)
        try:
            with DbSession(engine) as session, session.begin():
                lock_writes(session)
                return admin.create_enrolment_code(session, user_id)
        finally:
            engine.dispose()


def init_database(database_url: str, folder: Path) -> None:
    """What ``spoke-hub init`` does."""
    if database_url.startswith("sqlcipher:"):
        create_key_file(folder / "hub.db")
    engine = make_engine(database_url)
    schema.migrate(engine)
    admin.init_hub(engine, "Bench Charity", "Bench Admin")
    engine.dispose()


@contextmanager
def serve_hub(database_url: str, folder: Path, *, in_process: bool = False,
              extra_env: dict[str, str] | None = None, workers: int = 1) -> Iterator[Hub]:
    """``spoke-hub serve --port 0`` as a child process (or uvicorn in a thread)."""
    if in_process:
        import uvicorn

        from spokeapp.hub.app import create_app

        engine = make_engine(database_url)
        app = create_app(engine=engine)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield Hub(f"http://127.0.0.1:{port}", database_url, folder)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            engine.dispose()
        return
    log_path = folder / "hub.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(HUB_BIN), "serve", "--port", "0", "--database", database_url,
             "--workers", str(workers)],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, **(extra_env or {})},
        )
    url = ""
    deadline = time.monotonic() + 30
    while not url and time.monotonic() < deadline:
        for line in log_path.read_text().splitlines():
            if line.startswith("Hub listening on "):
                url = line.split("Hub listening on ", 1)[1].strip()
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if not url:
        process.kill()
        raise SystemExit("spoke-hub serve did not start:\n" + log_path.read_text())
    try:
        yield Hub(url, database_url, folder, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def fresh_hub(prefix: str, cases: int = 1) -> Iterator[SimpleNamespace]:
    """A new embedded hub served by ``spoke-hub serve`` and a worker's laptop that opened
    ``cases`` cases (not synced yet): ``folder``, ``db_url``, ``hub``, ``worker``, ``book``,
    ``engine``, ``case_ids`` and ``case_id`` (the first)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        db_url = f"sqlcipher:///{folder / 'hub.db'}"
        init_database(db_url, folder)
        with serve_hub(db_url, folder) as hub:
            worker = hub.add_user("Bench Worker")
            book, engine = new_laptop(hub, folder, worker, "laptop-a")
            case_ids = open_cases(book, worker, cases)
            yield SimpleNamespace(folder=folder, db_url=db_url, hub=hub, worker=worker,
                                  book=book, engine=engine, case_ids=case_ids,
                                  case_id=case_ids[0])


# ------------------------------------------------------------------------------ laptops
class PhaseTimer:
    """Times the phases of one sync from the engine's progress events."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last: dict[str, float] = {}

    def __call__(self, event: SyncEvent) -> None:
        if event.kind == "progress" and event.phase is not None:
            self.last[event.phase] = time.perf_counter()

    def reset(self) -> None:
        self.start = time.perf_counter()
        self.last.clear()


def new_laptop(hub: Hub, folder: Path, user_id: str, name: str) -> tuple[Casebook, SyncEngine]:
    book, _ = Casebook.create(folder / name, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS,
                              author=user_id)
    engine = SyncEngine(book)
    engine.enrol(hub.url, hub.code(user_id), name)
    return book, engine


# ------------------------------------------------------------------------------ bare client
class BareDevice:
    """Push and pull over HTTP without a casebook: the hub's own throughput."""

    def __init__(self, hub: Hub, user_id: str) -> None:
        self.http = httpx.Client(base_url=hub.url, timeout=120)
        self.key = DeviceKey.generate()
        enrolled = self.http.post("/v1/enrol", json={
            "code": hub.code(user_id), "device_name": "bare", "public_key":
            self.key.public_key_b64()}).json()
        self.device_id = enrolled["device_id"]
        self.user_id = enrolled["user_id"]
        self.epoch = enrolled["hub_epoch"]
        token = self.http.post("/v1/token", json={
            "device_id": self.device_id, "refresh_token": enrolled["refresh_token"]}).json()
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"
        self.head = GENESIS_HEAD

    def change(self, record: Any) -> ChangeIn:
        return ChangeIn(id=str(uuid.uuid4()), record_id=record.id, kind=record.KIND,
                        op="finalise" if record.EVENT else "put", payload=record.to_dict(),
                        author=self.user_id, local_time="2026-03-02T10:00:00+00:00")

    def body(self, changes: list[ChangeIn]) -> bytes:
        head = chain_heads(self.head, changes)[-1]
        request = PushRequest(hub_epoch=self.epoch, changes=changes, chain=ChainProof(
            prev_head=self.head, head=head,
            signature=self.key.sign(chain_message(self.device_id, self.head, head))))
        self.head = head
        return request.model_dump_json().encode()

    def push(self, body: bytes) -> None:
        response = self.http.post("/v1/sync/push", content=body,
                                  headers={"Content-Type": "application/json"})
        if response.status_code != 200:
            raise SystemExit(f"push refused: {response.status_code} {response.text[:300]}")

    def pull_all(self, limit: int) -> int:
        after, count = 0, 0
        while True:
            response = self.http.get("/v1/sync/pull", params={"after": after, "limit": limit})
            if response.status_code != 200:
                raise SystemExit(f"pull refused: {response.status_code} {response.text[:300]}")
            page = response.json()
            count += len(page["changes"])
            after = page["next_after"]
            if not page["more"]:
                return count

    def close(self) -> None:
        self.http.close()


def line(label: str, value: float, unit: str, target: str, ok: bool) -> None:
    print(f"{label:<58} {value:>10.0f} {unit:<10} target {target:<14} "
          f"{'OK' if ok else 'MISSED'}", flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


# ------------------------------------------------------------------------------ app process
def child_sync(profile: Path, author: str) -> int:
    """In a fresh process: open the casebook from disk, one whole ``sync_once``, print it.

    httpx's transport module (httpcore) is imported before the clock starts: the app has
    made an HTTP client long before the sync a worker waits for (its connectivity check runs
    while offline), so only a benchmark's first request would pay that import (~0.1 s)."""
    import httpcore  # noqa: F401 - see above

    book = Casebook.open(profile, PASSPHRASE, author=author)
    engine = SyncEngine(book)
    timer = PhaseTimer()
    engine.set_listener(timer)
    timer.reset()
    cpu = time.process_time()
    seconds, report = timed(engine.sync_once)
    cpu = time.process_time() - cpu
    upload = timer.last.get("upload")
    result = {
        "ok": report.ok, "seconds": seconds, "cpu_s": cpu, "accepted": report.accepted,
        "pulled": report.pulled, "count": book.count(),
        "push_s": (upload - timer.start) if upload is not None else None,
        "report": str(report)[:500],
    }
    book.close()
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def sync_in_child(profile: Path, author: str) -> tuple[dict[str, Any], int]:
    """Run :func:`child_sync` as its own process; (its result, its peak RSS in bytes)."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(profile), author],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.01)
    assert proc.stdout is not None
    output = proc.stdout.read()
    proc.wait()
    results = [line for line in output.splitlines() if line.startswith("RESULT ")]
    check(proc.returncode == 0 and results, f"the laptop's sync process failed:\n{output}")
    return json.loads(results[-1][len("RESULT "):]), peak


def compile_bytecode() -> None:
    """Spoke's modules compiled to bytecode once, as every install has them (pip, the
    PyInstaller bundle, the .deb). Without it, where PYTHONDONTWRITEBYTECODE is set (as in
    this sandbox) each laptop process would compile what it imports, inside the timing."""
    import compileall

    check(compileall.compile_dir(str(ROOT / "spokeapp"), quiet=1, workers=1),
          "compiling spokeapp to bytecode failed")


def hub_cpu(hub: Hub) -> float:
    """CPU seconds the hub's process has used so far (0 for a hub in this process)."""
    if hub.pid is None:
        return 0.0
    times = psutil.Process(hub.pid).cpu_times()
    return float(times.user + times.system)


def casebook_bytes(profile: Path) -> int:
    """The casebook database on disk (with any WAL left), after it was closed."""
    return sum(p.stat().st_size for p in profile.glob("casebook.db*"))


def one_run(args: argparse.Namespace, records: int, rng: random.Random, figures: Figures,
            base: bool) -> float:
    """One fresh hub and two laptops; returns pull records/s."""
    tag = f"[{records} records] "
    with tempfile.TemporaryDirectory(prefix="spoke-bench-sync-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlcipher:///{folder / 'hub.db'}"
        init_database(db_url, folder)
        with serve_hub(db_url, folder, in_process=args.in_process) as hub:
            worker = hub.add_user("Bench Worker")
            book, engine = new_laptop(hub, folder, worker, "laptop-a")
            setup = time.perf_counter()
            case_ids = open_cases(book, worker, args.cases)
            assert engine.sync_once().ok  # the cases first; then only sessions are timed
            book._db().execute("PRAGMA synchronous = OFF")  # building only
            for i in range(records):
                book.save(session_record(rng, case_ids[i % len(case_ids)],
                                         START + timedelta(minutes=i)), finalise=True)
            book._db().execute("PRAGMA synchronous = FULL")
            book.close()
            book_b, _engine_b = new_laptop(hub, folder, worker, "laptop-b")
            book_b.close()
            where = "in-process" if args.in_process else "separate process"
            print(f"(setup: {records} sessions written to laptop A in "
                  f"{time.perf_counter() - setup:.1f} s; hub {where}, "
                  f"batch {MAX_BATCH_CHANGES} changes)", flush=True)

            hub_start = hub_cpu(hub)
            a, rss_a = sync_in_child(folder / "laptop-a", worker)
            hub_pushed = hub_cpu(hub)
            check(a["ok"] and a["accepted"] == records,
                  f"laptop A's sync did not push all {records}: {a['report']}")
            check(a["push_s"] is not None, "no upload progress event: nothing was pushed?")
            b, rss_b = sync_in_child(folder / "laptop-b", worker)
            hub_a, hub_b = hub_pushed - hub_start, hub_cpu(hub) - hub_pushed
            check(b["ok"] and b["pulled"] >= records,
                  f"laptop B pulled {b['pulled']} of {records}: {b['report']}")
            check(b["count"] >= records, f"laptop B holds {b['count']} records")
            size_a = casebook_bytes(folder / "laptop-a") / a["count"]
            size_b = casebook_bytes(folder / "laptop-b") / b["count"]
            push_rate = records / a["seconds"]
            pull_rate = b["pulled"] / b["seconds"]
            print(f"    laptop A: whole sync {a['seconds']:.3f} s (last batch acknowledged at "
                  f"{a['push_s']:.3f} s; then pulled {a['pulled']} records), peak RSS "
                  f"{rss_a / 2**20:.0f} MiB, {a['count']} records, {size_a:.0f} B/record",
                  flush=True)
            print(f"    laptop B: whole sync {b['seconds']:.3f} s, pulled {b['pulled']}, peak "
                  f"RSS {rss_b / 2**20:.0f} MiB, {b['count']} records, {size_b:.0f} B/record",
                  flush=True)
            hubs = (f" + hub {hub_a:.3f}", f" + hub {hub_b:.3f}") if hub.pid else ("", "")
            print(f"    CPU seconds: push laptop {a['cpu_s']:.3f}{hubs[0]}, pull laptop "
                  f"{b['cpu_s']:.3f}{hubs[1]}", flush=True)
            figures.add(f"{tag}push, whole sync (push + the pull after it)", push_rate,
                        "records/s", ">= 13500/s" if base else "(none at this size)",
                        (lambda v: v >= 13_500) if base else None)
            figures.add(f"{tag}push, to the last acknowledged batch", records / a["push_s"],
                        "records/s")
            figures.add(f"{tag}push, whole sync seconds", a["seconds"], "s", fmt="{:.2f}")
            figures.add(f"{tag}pull into an empty laptop, whole sync", pull_rate, "records/s",
                        ">= 24000/s" if base else "(see large/base below)",
                        (lambda v: v >= 24_000) if base else None)
            figures.add(f"{tag}pull, whole sync seconds", b["seconds"], "s", fmt="{:.2f}")
            # The hub's are counted while each laptop's process runs (its start-up too), so
            # they include whatever else the hub did meanwhile (its 1 s watch ticks).
            figures.add(f"{tag}push, CPU seconds of the laptop's process", a["cpu_s"], "s",
                        fmt="{:.3f}")
            figures.add(f"{tag}pull, CPU seconds of the laptop's process", b["cpu_s"], "s",
                        fmt="{:.3f}")
            if hub.pid is not None:
                figures.add(f"{tag}push, CPU seconds of the hub's process", hub_a, "s",
                            fmt="{:.3f}")
                figures.add(f"{tag}pull, CPU seconds of the hub's process", hub_b, "s",
                            fmt="{:.3f}")
            figures.add(f"{tag}writer's own records downloaded back", a["pulled"], "records",
                        "0", lambda v: v == 0)
            figures.add(f"{tag}peak RSS, writing laptop's process", rss_a / 2**20, "MiB",
                        "< 300 MB", lambda v: v * 2**20 < 300e6)
            figures.add(f"{tag}peak RSS, receiving laptop's process", rss_b / 2**20, "MiB",
                        "< 300 MB", lambda v: v * 2**20 < 300e6)
            figures.add(f"{tag}casebook size per record, writer", size_a, "bytes")
            figures.add(f"{tag}casebook size per record, receiver", size_b, "bytes")
            figures.add(f"{tag}casebook size per record, writer / receiver", size_a / size_b,
                        "x", "<= 1.3x", lambda v: v <= 1.3, "{:.2f}")

            if base and not args.skip_bare:
                bare_run(hub, args, records, rng, figures, tag)
    return float(pull_rate)


def bare_run(hub: Hub, args: argparse.Namespace, records_n: int, rng: random.Random,
             figures: Figures, tag: str) -> None:
    bare = BareDevice(hub, hub.add_user("Bench Worker Bare"))
    records: list[Any] = []
    bare_cases = []
    for n in range(args.cases):
        yp = YoungPerson(id=new_id(), reference=f"BARE-{n:04d}",
                         name=f"Bare Person {n}", date_of_birth=date(2010, 1, 1))
        cs = Case(id=new_id(), young_person_id=yp.id, key_worker=bare.user_id,
                  opened_on=date(2026, 1, 4))
        records += [yp, cs]
        bare_cases.append(cs.id)
    bare.push(bare.body([bare.change(r) for r in records]))
    sessions = [bare.change(session_record(rng, bare_cases[i % args.cases],
                                           START + timedelta(minutes=i)))
                for i in range(records_n)]
    bodies = [bare.body(sessions[i:i + MAX_BATCH_CHANGES])
              for i in range(0, len(sessions), MAX_BATCH_CHANGES)]
    push_s, _ = timed(lambda: [bare.push(b) for b in bodies])
    figures.add(f"{tag}hub only: push (pre-built signed batches)", records_n / push_s,
                "records/s")
    pull_s, count = timed(lambda: bare.pull_all(2000))
    check(count >= records_n, f"the bare client pulled {count} of {records_n}")
    figures.add(f"{tag}hub only: pull (pages of 2000, JSON parsed)", count / pull_s,
                "records/s")
    bare.close()


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return child_sync(Path(sys.argv[2]), sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000,
                        help="the large size, for pull at scale (0: skip)")
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--skip-bare", action="store_true")
    args = parser.parse_args()
    compile_bytecode()
    rng = random.Random(7)
    figures = Figures(f"sync push and pull, embedded hub, {args.runs} runs")
    pulls: dict[int, list[float]] = {}
    sizes = [args.records] + ([args.large] if args.large else [])
    for size in sizes:
        for run in range(args.runs):
            print(f"--- {size} records, run {run + 1} of {args.runs}", flush=True)
            pulls.setdefault(size, []).append(
                one_run(args, size, rng, figures, base=size == args.records))
    if args.large:
        ratio = statistics.median(pulls[args.large]) / statistics.median(pulls[args.records])
        figures.add(f"pull at {args.large} / pull at {args.records} (medians)", ratio, "x",
                    ">= 0.90x (no more than 10 % slower)", lambda v: v >= 0.9, "{:.2f}")
    return 0 if figures.report() else 1


if __name__ == "__main__":
    sys.exit(main())

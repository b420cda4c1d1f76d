"""The device side of sync (docs/sync.md, "Device engine"): push the outbox, pull the scope.

One ``sync_once`` does, in order:

1. resend the batch in flight, if the last run lost the hub's acknowledgement (the hub answers
   ``duplicate``: nothing is stored twice);
2. after a hub restore, re-push every change this laptop ever pushed, chained from genesis;
3. push safety records (visit plans, check-ins, alarms) first and alone, then the rest of the
   outbox in bounded batches, header edits squashed per record; each batch is hash-chained and
   signed with the device key, and its changes are marked sent only when the hub answers;
4. pull pages of the worker's scope, each applied with the cursor in one local transaction;
   then drop the pushed payloads the hub's newest backup holds (``backup_seq``), and after a
   disposal (or a refusal ``case_disposed``) rebuild the casebook so no freed page keeps the
   case (issue 16; docs/data-protection.md, "On the laptops: erased means erased").

Known problems (no connection, hub refusals) end the run with a plain-words message in the
report and in the status; the outbox keeps everything for the next run. The engine knows
nothing of Qt: progress and status go to a plain callback that the UI bridge re-emits on the
GUI thread. ``sync_once`` may run on a worker thread; runs are serialised.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import sys
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from itertools import pairwise
from typing import Any, Final, Literal

from pydantic import ValidationError

from spokeapp.crypto.device_keys import DeviceKey
from spokeapp.domain.areas import Area
from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.store.areas import save_areas
from spokeapp.store.attachments import AttachmentStore
from spokeapp.store.casebook import Casebook
from spokeapp.store.database import CasebookError
from spokeapp.store.people import save_names
from spokeapp.store.sync_state import (
    CASE_DISPOSED,
    HELD_OUT_OF_SCOPE,
    HELD_REJECTED,
    HELD_TOO_LARGE,
    Acknowledged,
    HeldRecord,
    HubAccount,
    NeedsConfirmation,
    PendingChange,
    PendingEntry,
    PulledRecord,
    PurgeConfirmation,
    SyncStore,
)
from spokeapp.sync.attachments import AttachmentTransfer
from spokeapp.sync.case_views import REPORTING_ROLES, report_case_views
from spokeapp.sync.client import (
    AuthRejected,
    BatchTooLarge,
    DeviceRetired,
    DeviceRevoked,
    EnrolmentRefused,
    EpochChanged,
    HubApi,
    HubClient,
    HubEndpoint,
    HubRejected,
    HubUnreachable,
    OutOfScope,
    SyncError,
)
from spokeapp.sync.protocol import (
    GENESIS_HEAD,
    HEADER_KINDS,
    MAX_BATCH_BYTES,
    MAX_BATCH_CHANGES,
    MAX_PULL_LIMIT,
    MAX_SEQ,
    SAFETY_KINDS,
    ChainProof,
    ChangeIn,
    EnrolReplaces,
    EnrolResponse,
    OwnWindow,
    PullResponse,
    PushRequest,
    PushResponse,
    canonical_bytes,
    canonical_change,
    chain_message,
    reenrol_message,
)

__all__ = [
    "ClientFactory",
    "NotEnrolled",
    "Outgoing",
    "SyncEngine",
    "SyncEvent",
    "SyncReport",
    "SyncStatus",
    "batch_plan",
    "batches",
    "default_client_factory",
    "squash",
]

log = logging.getLogger(__name__)
tr = translator(__name__)

#: Room left in a batch for the request envelope (epoch, chain proof, JSON punctuation).
_ENVELOPE_BYTES: Final = 4096
_PER_CHANGE_OVERHEAD: Final = 16
#: A run gives up after this many hub restores in a row (it would otherwise loop).
_MAX_RESTARTS: Final = 2
#: Casebook setting: the release the hub approves, as JSON {"version", "url"}, or "" for none.
RELEASE_SETTING: Final = "hub_release"
#: Pull progress is reported every this many rows (and at the end of each page).
_PROGRESS_EVERY: Final = 250
#: The GIL's switch interval during a run (:class:`RunTuning`; CPython's default: 5 ms).
SWITCH_INTERVAL_S: Final = 0.0005
#: Outbox groups whose payloads are loaded at a time while pushing (one batch's worth).
_LOAD_CHUNK: Final = MAX_BATCH_CHANGES
#: A push of more than one batch starts and ends with small ones (:func:`batch_plan`): the
#: first leaves after a few milliseconds instead of after a whole batch is loaded, signed
#: and written outgoing, and the last keeps the hub's final store and the laptop's final
#: acknowledgement short, so the pipeline fills and drains quickly (docs/sync.md, "Speed").
#: A pull's first page is as small, for the same reason (:func:`ramp`).
_RAMP_FIRST: Final = 250
_RAMP_LAST: Final = 250

RETIRED: Final = "retired"
#: The hub no longer accepts this laptop's sign-in (reused, expired or unknown): it must be
#: enrolled again (docs/sync.md, "Enrolling again").
SIGN_IN_ENDED: Final = "sign_in_ended"
#: Device statuses in which the laptop may be enrolled again with a new code. Revoked here
#: means revoked *without* wipe (hubs before retirement existed); a device told to wipe has
#: erased its casebook, and the hub refuses its re-enrolment with the wipe instruction.
ENROL_AGAIN_STATUSES: Final = frozenset({SIGN_IN_ENDED, "revoked"})
RETIRED_DONE: Final = tr.noop(
    "This laptop has been retired by your hub; everything on it has been sent."
)

ClientFactory = Callable[[HubEndpoint, str | None, str | None], HubApi]
"""Makes a hub connection: (endpoint, device id, refresh token) -> HubApi."""


def default_client_factory(
    endpoint: HubEndpoint, device_id: str | None, refresh_token: str | None
) -> HubApi:
    return HubClient(endpoint, device_id=device_id, refresh_token=refresh_token)


class NotEnrolled(SyncError):
    """This laptop has not been enrolled with a hub yet."""

    code = "not_enrolled"


def enrolled_account(store: SyncStore) -> HubAccount:
    """The hub account this laptop is enrolled with; raises NotEnrolled before enrolment."""
    account = store.account()
    if account is None:
        raise NotEnrolled(tr("This laptop is not enrolled with a hub yet."))
    return account


class _Restart(Exception):
    """The hub lost data (new epoch): start the run again from the beginning."""


# ------------------------------------------------------------------------------ reporting
Phase = Literal["safety", "upload", "reupload", "download", "attachments"]


#: Report codes of a run that never reached the hub (``SyncStatus.hub_reachable``).
_NOT_REACHED = frozenset({"unreachable", "certificate_mismatch", "insecure_address"})


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: when things last went through, what waits, what went wrong."""

    enrolled: bool
    user_name: str | None = None
    hub_url: str | None = None
    last_upload: datetime | None = None
    last_download: datetime | None = None
    waiting: int = 0
    held: int = 0
    open_conflicts: int = 0
    last_error: str | None = None
    device_status: str = "active"
    #: Plain words about the laptop's standing that are not an error (e.g. retired).
    notice: str | None = None
    #: The hub stopped accepting this laptop's sign-in: offer to enrol it again.
    can_enrol_again: bool = False
    #: The pinned certificate fingerprint of the hub (None on loopback http).
    hub_fingerprint: str | None = None
    #: Whether the hub answered this engine's last sync: None before the first one.
    hub_reachable: bool | None = None


def retired_notice(waiting: int, held: int) -> str:
    """What the status says once the hub has retired this laptop."""
    if waiting == 0 and held == 0:
        return tr(RETIRED_DONE)
    if not held:
        return tr.plural(
            waiting,
            "This laptop has been retired by your hub. It has {n} record still to send: keep it "
            "until they are sent or your supervisor has sorted them out.",
            "This laptop has been retired by your hub. It has {n} records still to send: keep it "
            "until they are sent or your supervisor has sorted them out.",
        )
    if not waiting:
        return tr.plural(
            held,
            "This laptop has been retired by your hub. It has {n} record the hub would not "
            "take: keep it until they are sent or your supervisor has sorted them out.",
            "This laptop has been retired by your hub. It has {n} records the hub would not "
            "take: keep it until they are sent or your supervisor has sorted them out.",
        )
    return tr(
        "This laptop has been retired by your hub. It has {waiting} and {held}: keep it until "
        "they are sent or your supervisor has sorted them out."
    ).format(
        waiting=tr.plural(waiting, "{n} record still to send", "{n} records still to send"),
        held=tr.plural(held, "{n} record the hub would not take",
                       "{n} records the hub would not take"),
    )


@dataclass(frozen=True)
class SyncEvent:
    """A plain event for the UI bridge.

    ``kind``: ``progress`` (phase, done, total), ``status`` (status), ``confirm`` (message and
    confirmation: the worker must agree before a large removal), ``wiped`` (the casebook was
    erased on the hub's instruction), ``revoked``.
    """

    kind: Literal["progress", "status", "confirm", "wiped", "revoked"]
    phase: Phase | None = None
    done: int = 0
    total: int = 0
    status: SyncStatus | None = None
    message: str | None = None
    confirmation: PurgeConfirmation | None = None


@dataclass
class SyncReport:
    """What one run did. ``error`` is a plain-words message when the run stopped early."""

    started_at: datetime
    finished_at: datetime | None = None
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    repushed: int = 0
    pulled: int = 0
    kept_local: int = 0
    purged: int = 0
    held: int = 0
    #: Unsent changes the hub refused for good because their case was disposed of there.
    dropped: int = 0
    #: Attached files whose bytes went to the hub / came from it in this run, and files that
    #: could not move yet (their author has not finished sending them).
    files_sent: int = 0
    files_received: int = 0
    files_waiting: int = 0
    #: The casebook was rebuilt after a disposal (no freed page keeps a copy).
    scrubbed: bool = False
    hub_restored: bool = False
    needs_confirmation: PurgeConfirmation | None = None
    revoked: bool = False
    wiped: bool = False
    retired: bool = False
    error: str | None = None
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.needs_confirmation is None and not self.revoked


# ------------------------------------------------------------------------------ outbox
@dataclass(frozen=True)
class Outgoing:
    """One wire change and the local change-log rows it carries."""

    change: ChangeIn
    covers: tuple[int, ...]
    scope: str

    @property
    def safety(self) -> bool:
        return self.change.kind in SAFETY_KINDS

    @cached_property
    def _made(self) -> tuple[bytes, bool]:
        return canonical_bytes(self.change)

    @property
    def wire(self) -> bytes:
        """The change's canonical bytes (what is hashed into the chain), made once."""
        return self._made[0]

    @property
    def same_as_log(self) -> bool:
        """True when the casebook's change-log row rebuilds to exactly :attr:`wire` (one
        unsquashed change, made by orjson as the store makes it): the acknowledgement then
        keeps a reference instead of the bytes without re-reading the row to compare."""
        return len(self.covers) == 1 and self._made[1]

    def size(self) -> int:
        return len(self.wire) + _PER_CHANGE_OVERHEAD


def _heads(prev_head: str, wires: Sequence[bytes]) -> list[str]:
    """``chain_heads`` over canonical bytes already made (the same hash, step by step)."""
    heads = []
    head = prev_head
    for wire in wires:
        head = hashlib.sha256(bytes.fromhex(head) + wire).hexdigest()
        heads.append(head)
    return heads


def _wire(first: PendingChange, last: PendingChange, op: Literal["put", "finalise"]) -> ChangeIn:
    fields: dict[str, Any] = {
        "id": last.id, "record_id": last.record_id, "kind": last.kind, "op": op,
        "payload": last.payload, "author": last.author[:64],
        "local_time": last.local_time[:40], "base_seq": first.base_seq, "base": first.base,
    }
    if _plainly_valid(first, last):
        # What validation would accept unchanged, built without it (~10 µs a change).
        return ChangeIn.model_construct(**fields)
    return ChangeIn(**fields)  # anything else is validated (and a malformed row refused)


def _plainly_valid(first: PendingChange, last: PendingChange) -> bool:
    """True when ``ChangeIn``'s rules certainly accept these values as they are: exact types
    (JSON objects from the casebook, strings, a non-negative int) within the length limits."""
    return (
        type(last.id) is str and len(last.id) == 36
        and type(last.record_id) is str and 1 <= len(last.record_id) <= 64
        and type(last.kind) is str and 1 <= len(last.kind) <= 40
        and type(last.payload) is dict and _str_keys(last.payload)
        and type(last.author) is str and type(last.local_time) is str
        and (first.base_seq is None
             or (type(first.base_seq) is int and 0 <= first.base_seq <= MAX_SEQ))
        and (first.base is None or (type(first.base) is dict and _str_keys(first.base)))
    )


def _str_keys(mapping: dict[Any, Any]) -> bool:
    """True if every key is a string (``str.join`` checks them at C speed)."""
    try:
        "".join(mapping)
    except TypeError:
        return False
    return True


def squash_plan(pending: Sequence[PendingEntry | PendingChange]) -> list[tuple[int, ...]]:
    """The outbox as groups of change seqs, in the order they are sent: the unsent edits of
    each header fold into one group at the position of the **earliest** (so a case travels
    before the sessions written after it); everything else (events) is a group of one, in
    order. Needs no payloads: the engine plans 100,000 changes in a few megabytes and loads
    the payloads a batch at a time (:meth:`SyncEngine._outgoing`)."""
    groups: dict[str, list[int]] = {}
    order: list[list[int]] = []
    for change in pending:
        if change.op == "put" and change.kind in HEADER_KINDS:
            group = groups.get(change.record_id)
            if group is None:
                group = groups[change.record_id] = []
                order.append(group)
            group.append(change.seq)
        else:
            order.append([change.seq])
    return [tuple(group) for group in order]


def squashed(first: PendingChange, last: PendingChange, covers: tuple[int, ...]
             ) -> Outgoing | None:
    """One group of :func:`squash_plan` as the change sent: the **latest** body and the id of
    the latest edit, the base of the **earliest** (the hub version the worker started from, so
    the hub's merge sees every field the worker changed). None if it cannot be sent
    (malformed for the wire; the engine holds the group)."""
    op: Literal["put", "finalise"] = "finalise" if last.op == "finalise" else "put"
    try:
        wire = _wire(first, last, op)
    except ValidationError:
        return None
    return Outgoing(wire, covers, first.scope)


def squash(pending: Sequence[PendingChange]) -> tuple[list[Outgoing], list[PendingChange]]:
    """Fold unsent edits of each header into one change; events pass through in order
    (:func:`squash_plan`, :func:`squashed`, over changes already loaded). Returns the changes
    to send and any rows that cannot be sent (malformed for the wire; the engine holds them).
    """
    by_seq = {change.seq: change for change in pending}
    result: list[Outgoing] = []
    bad: list[PendingChange] = []
    for group in squash_plan(pending):
        item = squashed(by_seq[group[0]], by_seq[group[-1]], group)
        if item is None:
            bad.extend(by_seq[seq] for seq in group)
        else:
            result.append(item)
    return result, bad


def batch_plan(total: int) -> list[int]:
    """How many changes each batch of a push of ``total`` may carry, in order.

    One batch's worth or less goes whole. More is pipelined (:meth:`SyncEngine._push_phase`:
    the laptop prepares the next batch while the hub stores this one), and a pipeline's
    time is the work plus filling and draining it: so the first batch is small (it leaves
    as soon as its few changes are loaded), the next ones grow to the protocol's limit, and
    the last is small again (the hub stores it while the laptop still acknowledges the one
    before). Measured at 10,000 sessions: benchmarks/sync_push_pull.py, docs/sync.md."""
    if total <= MAX_BATCH_CHANGES:
        return [total]
    plan: list[int] = []
    sizes, left = ramp(MAX_BATCH_CHANGES), total - _RAMP_LAST  # the small last one aside
    while left > 0:
        plan.append(min(next(sizes), left))
        left -= plan[-1]
    return [*plan, _RAMP_LAST]


def ramp(limit: int) -> Iterator[int]:
    """Sizes that start small and grow to ``limit``: ``_RAMP_FIRST``, four times that, ...,
    then ``limit`` for ever. A push's batches follow it (:func:`batch_plan`), and so do a
    pull's pages (250, 1,000, then 2,000: the casebook starts storing once the hub has read
    250 records, while the next, larger page is read ahead; docs/sync.md, "Device engine",
    "Pull"). A pull of a few records is one page either way."""
    size = min(_RAMP_FIRST, limit)
    while True:
        yield size
        size = min(size * 4, limit)


def batches(items: Iterable[Outgoing], plan: Sequence[int] = ()) -> Iterator[list[Outgoing]]:
    """Split into batches within the protocol's count and byte limits, keeping order: batch
    ``k`` takes at most ``plan[k]`` changes (:func:`batch_plan`; beyond the plan, or without
    one, the protocol's limit)."""
    limit = MAX_BATCH_BYTES - _ENVELOPE_BYTES
    batch: list[Outgoing] = []
    size = 0
    made = 0

    def cap() -> int:
        return min(plan[made], MAX_BATCH_CHANGES) if made < len(plan) else MAX_BATCH_CHANGES

    for item in items:
        n = item.size()
        if batch and size + n > limit:
            yield batch
            batch, size, made = [], 0, made + 1
        batch.append(item)
        size += n
        if len(batch) >= cap():
            # Full: it goes now, before the next item is even loaded (the first batch
            # leaves without waiting for the payloads of the second).
            yield batch
            batch, size, made = [], 0, made + 1
    if batch:
        yield batch


class RunTuning:
    """How this process collects garbage and hands over the GIL while a run works through
    thousands of records; one per run (``with RunTuning():`` in :meth:`SyncEngine.sync_once`).

    Garbage: a run allocates hundreds of thousands of short-lived, acyclic objects (changes,
    pages, dicts); at the default threshold the collector cost ~25 µs a record of pushing.
    Cycles are still collected (every ``threshold`` allocations).

    The GIL: a run's threads take turns. The engine's thread writes the casebook (SQLite lets
    go of the GIL for each row it stores and for each commit) while a helper fetches and
    parses the next page or the hub's answer, and the app's GUI thread draws. A thread whose
    SQLite call has returned waits for the GIL until the thread holding it lets go, which at
    CPython's default interval can be 5 ms, for a few microseconds of Python; during the run
    the interval is ``interval`` (a shorter one the process already has is kept). Measured:
    docs/sync.md, "Fourteenth round".

    On leaving, each setting it found is put back - unless it is no longer the one it set
    (another run in this process tuned it since, or put it back already): then it is left to
    that run, so overlapping runs always end with the settings they began from.
    """

    def __init__(self, threshold: int = 50_000, interval: float = SWITCH_INTERVAL_S) -> None:
        #: Allocations between young-generation collections during the run (CPython: 700).
        self.threshold = threshold
        #: Seconds a thread may hold the GIL while another waits for it, during the run.
        self.interval = interval
        self._saved: tuple[tuple[int, int, int], float] | None = None
        self._set: tuple[tuple[int, int, int], float] | None = None

    def __enter__(self) -> RunTuning:
        thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
        self._saved = (thresholds, interval)
        gc.set_threshold(max(thresholds[0], self.threshold), thresholds[1], thresholds[2])
        sys.setswitchinterval(min(interval, self.interval))
        # As CPython stores them (the interval in whole microseconds).
        self._set = (gc.get_threshold(), sys.getswitchinterval())
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._saved is not None and self._set is not None:
            if gc.get_threshold() == self._set[0]:
                gc.set_threshold(*self._saved[0])
            if sys.getswitchinterval() == self._set[1]:
                sys.setswitchinterval(self._saved[1])
        self._saved = self._set = None


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A batch chained, signed and written to the outgoing table (``slot``), ready to send."""

    request: PushRequest
    covers: dict[str, list[int]]
    chained: tuple[list[bytes], list[str]]
    slot: int
    same_as_log: frozenset[str] = frozenset()  # change ids (``Outgoing.same_as_log``)


def _parse_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _check_page(page: PullResponse, cursor: int) -> None:
    """Refuse, before anything is stored, a pull page no hub keeping the contract sends
    (docs/sync.md, "Records on the hub"): every record's seq after the cursor, the next
    cursor not behind this one, and every number one the casebook can hold. Such a page
    (a broken or hostile hub) would otherwise move the cursor back or below zero (every
    later pull refused, for good) or fail inside the casebook with no plain message. The
    records come in seq order, and a page saying there is more ends at its last record (so
    empty pages cannot keep the laptop pulling for ever)."""
    seqs = [change.seq for change in page.changes]
    fine = (
        0 <= cursor <= page.next_after <= MAX_SEQ and page.max_seq <= MAX_SEQ
        and all(cursor < seq <= MAX_SEQ for seq in seqs)
        and all(a <= b for a, b in pairwise(seqs))
        and (not page.more or (bool(seqs) and page.next_after == seqs[-1]))
        and (page.backup_seq is None or 0 <= page.backup_seq <= MAX_SEQ)
    )
    if not fine:
        log.warning("the hub sent a pull page whose numbers break the protocol; nothing of it "
                    "was applied")
        raise HubRejected(
            tr("The hub sent records this version of Spoke cannot use, so nothing was changed "
               "on this laptop. Tell your hub administrator."),
            status=200, error="bad_response",
        )


# ------------------------------------------------------------------------------ the engine
class SyncEngine:
    """Keeps one casebook in step with its hub. Create one per open casebook."""

    def __init__(
        self,
        casebook: Casebook,
        client_factory: ClientFactory = default_client_factory,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_event: Callable[[SyncEvent], None] | None = None,
        *,
        pull_limit: int = MAX_PULL_LIMIT,
    ) -> None:
        self.casebook = casebook
        self.store = SyncStore(casebook)
        self._client_factory = client_factory
        self._clock = clock
        self._on_event = on_event
        self._pull_limit = pull_limit
        self._run_lock = threading.Lock()
        self._confirmed_after: int | None = None
        self._wiped = False
        self._hub_reachable: bool | None = None
        # The seqs the hub gave this run's own events, by record id (docs/sync.md, "Own
        # records are not pulled back"); None once this run re-pushed or reset anything (its
        # pull is then a whole one).
        self._own_acks: dict[str, int] | None = {}

    # -------------------------------------------------------------- events and status
    def set_listener(self, on_event: Callable[[SyncEvent], None] | None) -> None:
        """Send events to ``on_event`` (called on the thread that runs the sync)."""
        self._on_event = on_event

    def _emit(self, event: SyncEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:  # a UI listener's bug must not break a sync half-way
            log.exception("sync event listener failed")

    def _progress(self, phase: Phase, done: int, total: int) -> None:
        self._emit(SyncEvent("progress", phase=phase, done=done, total=total))

    def status(self) -> SyncStatus:
        """The current sync status (cheap: reads the casebook only)."""
        if self._wiped or not self.casebook.is_open:
            return SyncStatus(enrolled=False, last_error=tr("The casebook is closed."))
        account = self.store.account()
        if account is None:
            return SyncStatus(enrolled=False, waiting=self.store.waiting_count())
        waiting = self.store.waiting_count()
        held = len(self.store.held())
        return SyncStatus(
            enrolled=True,
            user_name=account.user_name,
            hub_url=account.hub_url,
            last_upload=_parse_time(account.last_upload_at),
            last_download=_parse_time(account.last_download_at),
            waiting=waiting,
            held=held,
            open_conflicts=len(self.store.conflicts()),
            last_error=account.last_error,
            device_status=account.device_status,
            notice=(
                retired_notice(waiting, held) if account.device_status == RETIRED else None
            ),
            can_enrol_again=account.device_status in ENROL_AGAIN_STATUSES,
            hub_fingerprint=account.cert_fingerprint,
            hub_reachable=self._hub_reachable,
        )

    def held(self) -> list[HeldRecord]:
        return self.store.held()

    # -------------------------------------------------------------- enrolment
    def enrol(
        self, hub_url: str, code: str, device_name: str, cert_fingerprint: str | None = None
    ) -> HubAccount:
        """Register this laptop with its hub using a one-time code from the administrator.

        Makes the device's signing key and keeps it, with the credentials the hub returns,
        only inside the encrypted casebook.

        A laptop whose sign-in has ended (``SyncStatus.can_enrol_again``) is enrolled again
        here, as a new device of the same person on the same hub; everything not yet sent is
        kept and sent at the next sync (:meth:`_enrol_again`). Any other enrolled laptop is
        refused.
        """
        with self._run_lock:
            endpoint = HubEndpoint(hub_url, cert_fingerprint).checked()
            previous = self.store.account()
            if previous is not None and previous.device_status not in ENROL_AGAIN_STATUSES:
                raise CasebookError(
                    tr("This laptop is already enrolled with a hub; nothing was changed.")
                )
            if previous is not None:
                account = self._enrol_again(previous, endpoint, code, device_name)
                log.info("enrolled again as device %s, replacing device %s",
                         account.device_id, previous.device_id)
            else:
                account = self._enrol_first(endpoint, code, device_name)
            # From now on every record written here is the enrolled person's, before anyone
            # hears of the enrolment (the status below already shows the laptop enrolled).
            self.casebook.author = account.user_id
        if not self._wiped:
            self._emit(SyncEvent("status", status=self.status()))
        return account

    def _enrol_first(self, endpoint: HubEndpoint, code: str, device_name: str) -> HubAccount:
        key = DeviceKey.generate()
        client = self._client_factory(endpoint, None, None)
        try:
            enrolled = client.enrol(code, device_name, key.public_key_b64())
        finally:
            client.close()
        account = self._new_account(endpoint, device_name, enrolled, key)
        self.store.save_enrolment(account)
        log.info("enrolled as device %s", enrolled.device_id)
        return account

    def _new_account(self, endpoint: HubEndpoint, device_name: str, enrolled: EnrolResponse,
                     key: DeviceKey) -> HubAccount:
        return HubAccount(
            hub_url=endpoint.url, cert_fingerprint=endpoint.cert_fingerprint,
            hub_id=enrolled.hub_id, hub_epoch=enrolled.hub_epoch,
            device_id=enrolled.device_id, device_name=device_name,
            user_id=enrolled.user_id, user_name=enrolled.user_name, role=enrolled.role,
            team=enrolled.team, refresh_token=enrolled.refresh_token,
            device_key=key.private_bytes(), cursor=0, chain_head=GENESIS_HEAD,
            enrolled_at=self._clock().isoformat(),
        )

    def _enrol_again(self, previous: HubAccount, endpoint: HubEndpoint, code: str,
                     device_name: str) -> HubAccount:
        """Enrol a laptop whose sign-in ended as a new device (docs/sync.md, "Enrolling
        again"): a new key and device id; the old device stays as it is on the hub.

        The request names the old device, signed with its key, so the hub itself refuses a
        code for another person or a laptop of another hub (before using the code up), and
        tells a device it was asked to wipe to wipe: then this casebook is erased here and
        nothing is enrolled. On success, in one casebook transaction: the new identity, the
        chain back to genesis with every change ever pushed queued for re-push (the epoch
        mechanism: the hub answers ``duplicate`` for what it has, now also from the old device
        of the same person), batches still outgoing re-signed for the new device. The outbox
        is not touched; the next sync sends it.
        """
        key = DeviceKey.generate()
        public_key = key.public_key_b64()
        old_key = DeviceKey.from_private_bytes(previous.device_key)
        replaces = EnrolReplaces(
            device_id=previous.device_id,
            signature=old_key.sign(reenrol_message(previous.device_id, public_key)),
        )
        client = self._client_factory(endpoint, None, None)
        try:
            enrolled = client.enrol(code, device_name, public_key, replaces=replaces)
        except DeviceRevoked as exc:
            if exc.wipe:
                self._revoked(exc, SyncReport(started_at=self._clock()))
            raise
        finally:
            client.close()
        # The hub checked both; a hub that did not (it would have to ignore ``replaces``)
        # must not turn this casebook into another person's or another hub's.
        if enrolled.hub_id != previous.hub_id:
            raise EnrolmentRefused(
                tr(
                    "That hub is not the one this laptop was enrolled with, and its records belong "
                    "there. Nothing was changed on this laptop; ask your hub administrator."
                )
            )
        if enrolled.user_id != previous.user_id:
            raise EnrolmentRefused(
                tr(
                    "That enrolment code is for someone else. This laptop holds the caseload of "
                    "the person it was enrolled for. Nothing was changed on this laptop; ask your "
                    "hub administrator for a code in your own name."
                )
            )
        account = self._new_account(endpoint, device_name, enrolled, key)
        # The cursor is kept when the person's scope is the same (same person, role and team,
        # same hub epoch): pulls are by person, not device, so what was pulled still stands.
        keep_cursor = (
            enrolled.hub_epoch == previous.hub_epoch and enrolled.role == previous.role
            and enrolled.team == previous.team
        )
        outgoing = []
        for slot, text, _covers in self.store.outgoing_batches():
            try:
                request = PushRequest.model_validate_json(text)  # re-signed below: no body kept
            except ValidationError:
                continue  # dropped when it is due to be re-sent
            chain = request.chain
            signed = request.model_copy(update={
                "hub_epoch": enrolled.hub_epoch,
                "chain": chain.model_copy(update={"signature": key.sign(chain_message(
                    enrolled.device_id, chain.prev_head, chain.head))}),
            })
            outgoing.append((slot, signed.model_dump_json()))
        count = self.store.save_re_enrolment(
            account, replacing=previous.device_id, allowed=ENROL_AGAIN_STATUSES,
            outgoing=outgoing, keep_cursor=keep_cursor,
        )
        log.info("enrolled again: %d change(s) to re-send, %d batch(es) outgoing", count,
                 len(outgoing))
        return account

    # -------------------------------------------------------------- running
    def confirm_purge(self, confirmation: PurgeConfirmation) -> SyncReport:
        """The worker agreed to the removal they were asked about: apply it and carry on."""
        self._confirmed_after = confirmation.after
        try:
            return self.sync_once()
        finally:
            self._confirmed_after = None

    def release_held(self) -> int:
        """Try held changes again at the next sync (after a supervisor sorted out the case)."""
        return self.store.release_held()

    def resolve_conflict(self, conflict_id: str) -> None:
        """Mark a conflict resolved; the header edit that settles it is saved as usual."""
        account = self.store.account()
        self.store.resolve_conflict(
            conflict_id, account.user_id if account is not None else self.casebook.author
        )

    def settle_conflict(self, conflict_id: str, *, take_laptop: bool,
                        fields: Collection[str] | None = None) -> list[str]:
        """Settle a conflict, the fields a rule ties to it together if need be
        (:meth:`SyncStore.settle_conflict`); returns the conflicts resolved."""
        account = self.store.account()
        return self.store.settle_conflict(
            conflict_id, account.user_id if account is not None else self.casebook.author,
            take_laptop=take_laptop, fields=fields,
        )

    def sync_once(self) -> SyncReport:
        """Push what waits, pull what is new; never raises for known problems (see report)."""
        with self._run_lock, RunTuning():
            report = SyncReport(started_at=self._clock())
            if self._wiped:
                report.wiped = True
                report.error = tr("This laptop's casebook was erased on the hub's instruction.")
                return report
            try:
                self._run(report)
            except NeedsConfirmation as exc:
                report.needs_confirmation = exc.confirmation
                self._note_attempt(None)
                self._emit(
                    SyncEvent("confirm", message=str(exc), confirmation=exc.confirmation)
                )
            except DeviceRevoked as exc:
                self._revoked(exc, report)
            except AuthRejected as exc:
                # Reused, expired or unknown sign-in (MustEnrolAgain and plain 401s): the
                # outbox and everything else stay as they are for after re-enrolment, which
                # the status now offers. A later run the hub accepts sets the status back.
                report.error, report.error_code = str(exc), exc.code
                self.store.set_device_status(SIGN_IN_ENDED)
                self._note_attempt(str(exc))
                log.warning("the hub no longer accepts this laptop's sign-in (%s)", exc.code)
            except SyncError as exc:
                report.error, report.error_code = str(exc), exc.code
                self._note_attempt(str(exc))
            except SpokeError as exc:  # a known casebook problem (e.g. locked mid-run)
                report.error, report.error_code = str(exc), "casebook"
                if self.casebook.is_open:
                    self.store.record_attempt(error=str(exc))
            report.finished_at = self._clock()
            if report.error_code in _NOT_REACHED:
                self._hub_reachable = False
            elif report.error_code != "casebook":
                self._hub_reachable = True  # it answered, even if to refuse
        log.info(
            "sync finished: accepted=%d duplicates=%d conflicts=%d pulled=%d purged=%d held=%d "
            "dropped=%d error=%s", report.accepted, report.duplicates, report.conflicts,
            report.pulled, report.purged, report.held, report.dropped, report.error_code,
        )
        if not self._wiped:
            try:
                status = self.status()
            except CasebookError:
                if self.casebook.is_open:
                    raise
                return report  # locked as the run ended (auto-lock, sign-out): nothing to show
            self._emit(SyncEvent("status", status=status))
        return report

    def _note_attempt(self, error: str | None) -> None:
        """Record how this run ended, unless the casebook was locked as it ended (auto-lock,
        sign-out): there is nowhere to write it then, and the next run records its own."""
        try:
            self.store.record_attempt(error=error)
        except CasebookError:
            if self.casebook.is_open:
                raise

    def _run(self, report: SyncReport) -> None:
        account = enrolled_account(self.store)
        self._scrub(report)  # a disposal applied by a run that stopped before rebuilding
        if account.device_status == RETIRED and not self._has_work_to_send():
            # Retired and everything sent: this laptop no longer syncs.
            report.retired = True
            return
        client = self._client_factory(
            HubEndpoint(account.hub_url, account.cert_fingerprint),
            account.device_id, account.refresh_token,
        )
        # Refresh tokens rotate: each new one is written into the casebook before its access
        # token is used; after a hub restore the device key proves who we are (docs/sync.md,
        # "Refresh tokens"). Clients that never rotate (older hubs, test fakes) need neither.
        attach = getattr(client, "attach_device", None)
        if attach is not None:
            key = DeviceKey.from_private_bytes(account.device_key)
            attach(on_refresh=self.store.save_refresh_token, sign=key.sign)
        self._own_acks = {}
        try:
            for _attempt in range(_MAX_RESTARTS + 1):
                try:
                    self._run_with(client, report)
                    break
                except _Restart:
                    continue
            else:
                raise SyncError(
                    tr("The hub keeps changing its data underneath this laptop; try again later.")
                )
        finally:
            client.close()

    def _run_with(self, client: HubApi, report: SyncReport) -> None:
        client.ensure_token()
        account = self._account()
        if client.hub_epoch is not None and client.hub_epoch != account.hub_epoch:
            self._hub_restored(client.hub_epoch, report)
            account = self._account()
        device = client.device_status()
        if device.status != account.device_status and not (
            account.device_status == RETIRED and device.status == "active"
        ):
            self.store.set_device_status(device.status)
        if device.status == RETIRED or account.device_status == RETIRED:
            self._retire(client, report)
            return
        self._push(client, report)
        try:
            self._pull(client, report)
        except DeviceRetired:
            # Retired between the status call and the pull: send what is left, then stop.
            self._retire(client, report)
            return
        if account.role in REPORTING_ROLES:
            self._report_case_views(client)
        self._keep_areas(client)
        self._keep_people(client)
        self._keep_release(client)
        self._keep_attachment_limit(client)
        self._transfer_attachments(client, report)
        self.store.record_attempt(error=None)

    def _keep_attachment_limit(self, client: HubApi) -> None:
        """Keep the hub's limit for one attached file, checked before a file is attached
        offline (docs/attachments.md, "Size limit"); a hub without it leaves the last one."""
        fetch = getattr(client, "attachment_limits", None)  # test fakes may not have it
        if fetch is None:
            return
        try:
            answer = fetch()
        except (HubRejected, OutOfScope, HubUnreachable):
            return
        if answer.max_bytes != self.casebook.attachment_limit():
            self.casebook.set_attachment_limit(answer.max_bytes)

    def _transfer_attachments(self, client: HubApi, report: SyncReport) -> None:
        """Attached files' bytes, after the records naming them and the safety lane; before
        every chunk, any change written since (a check-in) is pushed first."""
        if getattr(client, "attachment_status", None) is None:  # test fakes
            return

        left_waiting = [self.store.waiting_count()]  # what the push before left (e.g. held)

        def safety_first() -> None:
            waiting = self.store.waiting_count()
            if waiting > left_waiting[0]:
                self._push(client, report)
                waiting = self.store.waiting_count()
            left_waiting[0] = waiting

        result = AttachmentTransfer(
            AttachmentStore(self.casebook), client, before_chunk=safety_first,
            progress=lambda done, total: self._progress("attachments", done, total),
        ).run()
        report.files_sent += result.files_sent
        report.files_received += result.files_received
        report.files_waiting += result.waiting
        if result.files_sent or result.files_received:
            log.info("attachments: %d sent, %d received, %d waiting", result.files_sent,
                     result.files_received, result.waiting)

    def _keep_areas(self, client: HubApi) -> None:
        """Keep the hub's local authority areas in the casebook, for new cases offline
        (``spokeapp.store.areas``). A hub without the list (older, 404) leaves the last one."""
        try:
            answer = client.areas()
        except (HubRejected, OutOfScope, HubUnreachable):
            return  # the list is a convenience: keep the last one, try again next sync
        save_areas(self.casebook, [Area(a.name, tuple(a.districts)) for a in answer.areas])

    def _keep_people(self, client: HubApi) -> None:
        """Keep the names this laptop may know in the casebook (``spokeapp.store.people``),
        so screens show names rather than user ids, offline too (issue 17). A hub without
        the endpoint (older, 404) leaves the names there are."""
        try:
            answer = client.people()
        except (HubRejected, OutOfScope, HubUnreachable):
            return  # names are a convenience: keep the last ones, try again next sync
        save_names(self.casebook, {p.user_id: p.name for p in answer.people})

    def _keep_release(self, client: HubApi) -> None:
        """Keep the Spoke version the hub's administrator approves (``RELEASE_SETTING``, for
        Settings' notice: spokeapp.present.release). Asked of this laptop's own hub, in a sync
        it was doing anyway; a hub without the endpoint (older, 404) leaves the last answer."""
        fetch = getattr(client, "approved_release", None)  # test fakes may not have it
        if fetch is None:
            return
        try:
            answer = fetch()
        except (HubRejected, OutOfScope, HubUnreachable):
            return  # a notice is a convenience: try again next sync
        value = "" if answer.version is None else json.dumps(
            {"version": answer.version, "url": answer.url})
        if self.casebook.setting(RELEASE_SETTING) != value:
            self.casebook.set_setting(RELEASE_SETTING, value)

    def _has_work_to_send(self) -> bool:
        return self.store.waiting_count() > 0 or self.store.outgoing() is not None

    def _retire(self, client: HubApi, report: SyncReport) -> None:
        """The hub retired this laptop: push everything waiting (the hub still accepts it),
        pull nothing, and stop syncing once all is sent (docs/sync.md, "Retirement")."""
        self.store.set_device_status(RETIRED)
        self._push(client, report)
        report.retired = True
        self.store.record_attempt(error=None)
        log.info("this device is retired; %s", "everything sent" if not
                 self._has_work_to_send() else "some changes are still waiting")

    def _account(self) -> HubAccount:
        return enrolled_account(self.store)

    def _hub_restored(self, epoch: str, report: SyncReport) -> None:
        self._own_acks = None  # the pull from zero is a whole one
        count = self.store.reset_for_restored_hub(epoch, GENESIS_HEAD)
        report.hub_restored = True
        log.warning("hub epoch changed; re-pushing %d changes and pulling from zero", count)

    def _revoked(self, exc: DeviceRevoked, report: SyncReport) -> None:
        report.revoked = True
        report.error, report.error_code = str(exc), exc.code
        if exc.wipe:
            log.warning("hub asked this device to wipe its casebook")
            self.casebook.destroy()
            self._wiped = True
            report.wiped = True
            self._emit(SyncEvent("wiped", message=str(exc)))
            return
        self.store.set_device_status("revoked")
        self.store.record_attempt(error=str(exc))
        self._emit(SyncEvent("revoked", message=str(exc)))

    # -------------------------------------------------------------- push
    def _push(self, client: HubApi, report: SyncReport) -> None:
        try:
            self._resend_outgoing(client, report)
            self._repush(client, report)
            # Enrolled again: batches the old device sent without hearing back, chained from
            # where the re-push has now arrived (docs/sync.md, "Enrolling again").
            self._resend_outgoing(client, report, last_chance=True)
            # The whole outbox is planned from light rows; payloads are loaded a batch at a
            # time as the batches go (memory stays flat at 100,000 changes: issue 18).
            entries = self.store.pending_entries()
            kinds = {entry.seq: entry.kind for entry in entries}
            plan = squash_plan(entries)
            del entries
            safety = [group for group in plan if kinds[group[-1]] in SAFETY_KINDS]
            rest = [group for group in plan if kinds[group[-1]] not in SAFETY_KINDS]
            del plan, kinds
            phases: tuple[tuple[Phase, list[tuple[int, ...]]], ...] = (
                ("safety", safety), ("upload", rest)
            )
            for phase, groups in phases:
                self._push_phase(client, phase, self._outgoing(groups, report), len(groups),
                                 report)
        except EpochChanged:
            self._hub_restored(self._current_epoch(client), report)
            raise _Restart() from None

    def _report_case_views(self, client: HubApi) -> None:
        """A supervisor's or admin's case views, to the hub's audit trail (after the data:
        a failure here is retried at the next sync and never holds the records back)."""
        try:
            sent = report_case_views(self.casebook, client)
        except SyncError as exc:
            log.warning("case views not sent to the hub yet (%s)", exc.code)
            return
        if sent:
            log.info("sent %d case view(s) to the hub's audit trail", sent)

    def _current_epoch(self, client: HubApi) -> str:
        return client.health().hub_epoch

    def _resend_outgoing(self, client: HubApi, report: SyncReport, *,
                         last_chance: bool = False) -> None:
        """Batches sent before whose answers never arrived: send exactly the same bytes, in
        the order they were first sent (the second is chained on the first).

        Only a batch that follows this laptop's chain head is sent. After a re-enrolment the
        head starts again at genesis and the batches wait for the re-push to reach the place
        they follow; ``last_chance`` (after the re-push): a batch that still does not follow
        is dropped, its changes go with the rest of the outbox."""
        for slot, text, covers in self.store.outgoing_batches():
            try:
                request = PushRequest.from_body(text)
            except ValidationError:
                self.store.drop_outgoing()
                return
            if request.chain.prev_head != self._account().chain_head:
                if last_chance:
                    log.warning("dropping outgoing batches that no longer follow the chain")
                    self.store.drop_outgoing()
                return
            log.info("re-sending a batch whose acknowledgement was lost")
            try:
                response = client.push(request)
            except (OutOfScope, BatchTooLarge, HubRejected):
                self.store.drop_outgoing()  # refused whole, nothing stored: rebuild it below
                return
            self._acknowledge(request, covers, response, report, slot=slot)

    def _repush(self, client: HubApi, report: SyncReport) -> None:
        """After a hub restore: every change ever pushed, again, chained from genesis."""
        account = self._account()
        position = account.repush_from
        if position is None:
            return
        # A replay may hold records this casebook no longer has (a case purged since): this
        # run's pull is a whole one (docs/sync.md, "Own records are not pulled back").
        self._own_acks = None
        while position is not None:
            runs = self.store.replay_runs(position, MAX_BATCH_CHANGES)
            if not runs:
                break
            for prev_head, log_rows in runs:
                # A row whose payload is gone (a hub backup holds it, or its case was
                # disposed of) is skipped: the chain carries on from its head.
                if prev_head is not None and prev_head != self._account().chain_head:
                    self.store.set_chain_head(prev_head)
                changes = [ChangeIn.model_validate_json(wire) for _pos, wire in log_rows]
                items = [Outgoing(c, (), c.record_id) for c in changes]
                for batch in batches(items):
                    self._send_batch(client, batch, report)
                    report.repushed += len(batch)
                    self._progress("reupload", report.repushed, report.repushed)
            position = self._account().repush_from
        self.store.finish_repush()

    def _outgoing(self, groups: Sequence[tuple[int, ...]], report: SyncReport
                  ) -> Iterator[Outgoing]:
        """The changes to send for ``groups`` (:func:`squash_plan`), loaded from the casebook
        ``_LOAD_CHUNK`` groups at a time as the push consumes them. A group that cannot be
        sent is held (``HELD_REJECTED``) as it is met; one no longer waiting (held or gone
        since the plan) is left for the next sync."""
        # The first chunk is the first batch's (:func:`batch_plan`), so it leaves without
        # waiting for a whole batch's payloads to be read.
        starts = [0, *range(_RAMP_FIRST, len(groups), _LOAD_CHUNK)]
        for start, end in zip(starts, [*starts[1:], len(groups)], strict=True):
            chunk = groups[start:end]
            wanted = {group[0] for group in chunk} | {group[-1] for group in chunk}
            loaded = {change.seq: change for change in self.store.pending_changes(wanted)}
            bad: list[int] = []
            for group in chunk:
                first, last = loaded.get(group[0]), loaded.get(group[-1])
                if first is None or last is None:
                    continue
                item = squashed(first, last, group)
                if item is None:
                    bad.extend(group)
                else:
                    yield item
            if bad:
                self.store.hold_changes(bad, HELD_REJECTED)
                report.held += len(bad)

    def _push_phase(self, client: HubApi, phase: Phase, items: Iterable[Outgoing],
                    total: int, report: SyncReport) -> None:
        """Push ``items`` in batches, one batch at the hub at a time, pipelined on the laptop:
        while the hub stores batch N, the laptop applies N-1's acknowledgement to the casebook
        and prepares N+1 (chained on N, signed, written to the outgoing table), so N+1 is sent
        the moment N's answer arrives (docs/sync.md, "Speed"). A refused batch goes the
        careful way (``_after_refusal``; the batch prepared after it, chained on it, is
        dropped with it). A batch prepared but not sent when the connection fails is re-sent
        first at the next sync, after the one before it, like any outgoing batch.
        """
        done = 0
        if total:
            # Shown at once ("0 of N"): the first acknowledgement can be a whole batch away.
            self._progress(phase, 0, total)
        answered: tuple[_Prepared, PushResponse] | None = None  # not yet applied here
        head = self._account().chain_head
        # Lazily: a batch's canonical bytes (its size) are made just before it is prepared,
        # so the first batch leaves before the last one is measured.
        queue = batches(items, batch_plan(total))

        def apply_answered() -> None:
            nonlocal answered, done
            if answered is None:
                return
            (prepared, response), answered = answered, None
            self._acknowledge(prepared.request, prepared.covers, response, report,
                              prepared.chained, slot=prepared.slot,
                              same_as_log=prepared.same_as_log)
            done += len(prepared.request.changes)
            self._progress(phase, done, total)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoke-push") as sender:
            try:
                following: _Prepared | None = None
                batch = next(queue, None)
                while batch is not None:
                    prepared = following or self._prepare_batch(batch, head)
                    following = None
                    in_flight = sender.submit(client.push, prepared.request)
                    # While the hub stores this batch: the previous acknowledgement (first: at
                    # most two batches are outgoing), then the next batch, chained on this one.
                    apply_answered()
                    upcoming = next(queue, None)
                    if upcoming is not None:
                        following = self._prepare_batch(upcoming, prepared.request.chain.head)
                    try:
                        response = in_flight.result()
                    except (OutOfScope, BatchTooLarge, HubRejected) as exc:
                        following = None  # dropped from outgoing with the refused batch
                        self._after_refusal(client, batch, report, exc)
                        done += len(batch)
                        self._progress(phase, done, total)
                        head = self._account().chain_head
                        batch = upcoming
                        continue
                    answered = (prepared, response)
                    head = prepared.request.chain.head
                    batch = upcoming
            finally:
                # An answer that arrived is durable on the hub: apply it whatever came after
                # (a later batch's error, a lost connection).
                apply_answered()

    def _push_isolating(self, client: HubApi, items: list[Outgoing], report: SyncReport) -> None:
        """Push a batch on its own; if the hub refuses it whole, find and hold only what it
        refuses (``_after_refusal``)."""
        try:
            self._send_batch(client, items, report)
        except (OutOfScope, BatchTooLarge, HubRejected) as exc:
            self._after_refusal(client, items, report, exc)

    def _after_refusal(self, client: HubApi, items: list[Outgoing], report: SyncReport,
                       exc: OutOfScope | BatchTooLarge | HubRejected) -> None:
        """The hub refused a batch whole. Out of scope: retry case by case and hold the
        refused case's changes. Too large or malformed: split in halves down to the one change
        at fault, and hold it. Everything held stays on the laptop and is listed for the
        worker."""
        self.store.drop_outgoing()
        if isinstance(exc, HubRejected) and exc.status >= 500:
            raise exc
        disposed = isinstance(exc, HubRejected) and exc.error == CASE_DISPOSED
        if disposed:
            self._drop_disposed(client, items, report)
            return
        reason = (
            HELD_OUT_OF_SCOPE if isinstance(exc, OutOfScope)
            else HELD_TOO_LARGE if isinstance(exc, BatchTooLarge) else HELD_REJECTED
        )
        scopes = list(dict.fromkeys(item.scope for item in items))
        if len(items) == 1 or (isinstance(exc, OutOfScope) and len(scopes) == 1):
            seqs = [seq for item in items for seq in item.covers]
            self.store.hold_changes(seqs, reason)
            report.held += len(items)
            log.warning("hub refused %d change(s) (%s); held on this laptop", len(items),
                        reason)
            return
        if isinstance(exc, OutOfScope):
            parts = [[i for i in items if i.scope == scope] for scope in scopes]
        else:
            middle = len(items) // 2
            parts = [items[:middle], items[middle:]]
        for part in parts:
            self._push_isolating(client, part, report)

    def _drop_disposed(self, client: HubApi, items: list[Outgoing], report: SyncReport) -> None:
        """The hub refused a batch because a case in it has been disposed of (C3, 409
        ``case_disposed``): retry case by case; the refused case's changes are dropped from
        the laptop, never held or retried (the case is erased there and, by the disposal
        purge pulled next, here)."""
        scopes = list(dict.fromkeys(item.scope for item in items))
        if len(scopes) > 1:
            for scope in scopes:
                self._push_isolating(client, [i for i in items if i.scope == scope], report)
            return
        seqs = [seq for item in items for seq in item.covers]
        dropped = self.store.drop_refused(seqs, CASE_DISPOSED)
        report.dropped += len(items)
        log.warning("hub refused %d change(s) of a disposed case; %d dropped from this laptop",
                    len(items), dropped)

    def _prepare_batch(self, items: list[Outgoing], prev_head: str) -> _Prepared:
        """Chain, sign and write down (outgoing) a batch following ``prev_head``."""
        account = self._account()
        key = DeviceKey.from_private_bytes(account.device_key)
        wires = [item.wire for item in items]
        heads = _heads(prev_head, wires)
        head = heads[-1]
        request = PushRequest.from_wires(
            account.hub_epoch, [item.change for item in items], wires,
            ChainProof(
                prev_head=prev_head, head=head,
                signature=key.sign(chain_message(account.device_id, prev_head, head)),
            ),
        )
        covers = {item.change.id: list(item.covers) for item in items}
        slot = self.store.save_outgoing(request.body().decode("utf-8"), covers)
        same = frozenset(item.change.id for item in items if item.same_as_log)
        return _Prepared(request, covers, (wires, heads), slot, same)

    def _send_batch(self, client: HubApi, items: list[Outgoing], report: SyncReport) -> None:
        """One batch, sent and acknowledged before anything else (re-push, isolation)."""
        prepared = self._prepare_batch(items, self._account().chain_head)
        response = client.push(prepared.request)
        self._acknowledge(prepared.request, prepared.covers, response, report, prepared.chained,
                          slot=prepared.slot, same_as_log=prepared.same_as_log)

    def _acknowledge(
        self, request: PushRequest, covers: dict[str, list[int]], response: PushResponse,
        report: SyncReport, chained: tuple[list[bytes], list[str]] | None = None, *,
        slot: int | None = None, same_as_log: Collection[str] = frozenset(),
    ) -> None:
        results = {result.id: result for result in response.results}
        if chained is None:
            wires = [canonical_change(change) for change in request.changes]
            heads = _heads(request.chain.prev_head, wires)
        else:
            wires, heads = chained
        acknowledged: list[Acknowledged] = []
        for change, wire, head in zip(request.changes, wires, heads, strict=True):
            result = results.get(change.id)
            if result is None:
                raise HubRejected(
                    tr("The hub's answer did not cover every change sent; they will be sent "
                       "again."),
                    status=200, error="bad_response",
                )
            if result.status == "accepted":
                report.accepted += 1
                if change.op == "finalise" and self._own_acks is not None:
                    self._own_acks[change.record_id] = result.seq
            elif result.status == "duplicate":
                report.duplicates += 1
            else:
                report.conflicts += 1
            acknowledged.append(
                Acknowledged(
                    change_id=change.id,
                    wire=wire.decode("utf-8"),
                    head=head,
                    hub_seq=result.seq,
                    record_id=change.record_id,
                    header=change.kind in HEADER_KINDS,
                    payload=change.payload,
                    covers=tuple(covers.get(change.id, ())),
                    same_as_log=change.id in same_as_log,
                    watch_visit_id=None if result.watch is None else result.watch.visit_id,
                    escalation_starts_at=(
                        None if result.watch is None else result.watch.escalation_starts_at
                    ),
                    reach=(
                        None if result.watch is None or result.watch.reach is None
                        else result.watch.reach.model_dump()
                    ),
                )
            )
        if response.chain_head != request.chain.head:
            # Normal for a replay of changes the hub already had; worth a note otherwise.
            log.info("hub chain head differs from this batch's head after push")
        self.store.apply_acknowledgement(acknowledged, request.chain.head, slot=slot)

    # -------------------------------------------------------------- pull
    def _page_progress(self, page: PullResponse) -> Callable[[int], None]:
        start = page.changes[0].seq if page.changes else page.next_after
        seqs = [c.seq for c in page.changes]

        def progress(done: int) -> None:
            # Progress through the hub's sequence: monotone across pages, total = max_seq.
            if done % _PROGRESS_EVERY and done != len(seqs):
                return
            self._progress("download", seqs[done - 1] if done else start, page.max_seq)

        return progress

    def _own_window(self, cursor: int) -> OwnWindow | None:
        """The seqs the hub gave this run's own events, first and last, for the pull to leave
        out (docs/sync.md, "Own records are not pulled back"): the acknowledgement already
        recorded them. ``whole`` when every seq between the two is one of them (nothing the
        hub or another device wrote in between: the hub may then leave the range out by seq
        alone). None: pull everything (nothing pushed, or this run re-pushed)."""
        seqs = {seq for seq in (self._own_acks or {}).values() if seq > cursor}
        if not seqs:
            return None
        first, last = min(seqs), max(seqs)
        return OwnWindow(first, last, whole=len(seqs) == last - first + 1)

    def _pull(self, client: HubApi, report: SyncReport) -> None:
        account = self._account()
        cursor = account.cursor
        own = self._own_window(cursor)
        pushed = dict(self._own_acks or {}) if own is not None else None

        limits = ramp(self._pull_limit)

        def pull_page(after: int, limit: int) -> PullResponse:
            if own is None:  # as before (and as test fakes of older clients expect)
                return client.pull(after, limit)
            return client.pull(after, limit, own=own)

        # The next page is fetched (and parsed) on a helper thread while this one is applied:
        # the hub serves page N+1 while the casebook writes page N. Reading ahead changes
        # nothing that is stored: each page is still applied, with its cursor, in one
        # transaction, in order; a page read ahead is dropped if the run stops.
        backup_seq: int | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoke-pull") as ahead:
            upcoming: Future[PullResponse] | None = None
            try:
                while True:
                    page = (
                        upcoming.result() if upcoming is not None
                        else pull_page(cursor, next(limits))
                    )
                    upcoming = None
                    if page.hub_epoch != account.hub_epoch or cursor > page.max_seq:
                        self._hub_restored(page.hub_epoch, report)
                        raise _Restart()
                    _check_page(page, cursor)
                    last = not page.more or page.next_after <= cursor
                    if not last:
                        upcoming = ahead.submit(pull_page, page.next_after, next(limits))
                    self._apply_pulled(page, cursor, report, pushed)
                    backup_seq = page.backup_seq
                    if last:
                        break
                    cursor = page.next_after
            finally:
                if upcoming is not None:
                    upcoming.cancel()
                    with contextlib.suppress(Exception):
                        upcoming.result()
        # C2: a pushed payload is kept only while the hub's newest backup does not hold it.
        trimmed = self.store.trim_pushed(backup_seq)
        if trimmed:
            log.info("%d pushed change(s) are in the hub's backup; their copies were removed",
                     trimmed)
        self._scrub(report)

    def _scrub(self, report: SyncReport) -> None:
        """After a disposal: erase the linked visits it had to leave that are now over and
        sent, then rebuild the casebook so no freed page keeps the case (on this, the
        engine's, thread: it takes seconds on a large casebook)."""
        visits = self.store.erase_finished_visits()
        if visits:
            log.info("%d visit(s) linked to a disposed case erased now they are over", visits)
        if self.store.scrub_if_pending():
            report.scrubbed = True
            log.info("casebook rebuilt after a disposal")

    def _apply_pulled(self, page: PullResponse, cursor: int, report: SyncReport,
                      pushed: dict[str, int] | None = None) -> None:
        rows = [
            PulledRecord(
                seq=c.seq, record_id=c.record_id, kind=c.kind, op=c.op,
                case_id=c.case_id, payload=c.payload, author=c.author,
            )
            for c in page.changes
        ]
        result = self.store.apply_page(
            cursor, page.next_after, rows, confirmed_after=self._confirmed_after,
            progress=self._page_progress(page), pushed=pushed,
        )
        report.pulled += result.applied + result.conflicts
        report.kept_local += result.kept_unsent
        report.purged += result.purged
        report.held += result.held

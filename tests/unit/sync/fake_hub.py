"""A hand-written, in-memory hub for engine unit tests (the real one is in the integration tests).

It follows docs/sync.md closely enough to catch an engine that breaks the contract: it checks
every batch's signature and hash chain, answers ``duplicate`` for change ids it has, refuses
whole batches (nothing stored) for out-of-scope cases, assigns sequence numbers, and serves
pulls of latest versions and purge tombstones. Knobs let a test lose an acknowledgement,
go offline, or restore the hub from a "backup".
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spokeapp.crypto.device_keys import verify_signature
from spokeapp.sync.client import (
    ChainRejected,
    DeviceRetired,
    DeviceRevoked,
    EpochChanged,
    HubEndpoint,
    HubHealth,
    HubRejected,
    HubUnreachable,
    OutOfScope,
)
from spokeapp.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    GENESIS_HEAD,
    AreaOut,
    AreasResponse,
    CaseViewIn,
    CaseViewsRequest,
    CaseViewsResponse,
    ChangeOut,
    ChangeResult,
    DeviceStatus,
    EnrolResponse,
    PeopleResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    VisitWatchAck,
    chain_heads,
    chain_message,
)

PUBLIC_KEY_OF: dict[str, str] = {}


@dataclass
class _Row:
    seq: int
    record_id: str
    kind: str
    op: str
    case_id: str | None
    payload: dict[str, Any] | None
    author: str | None


@dataclass
class FakeHub:
    epoch: str = "epoch-1"
    seq: int = 0
    rows: dict[str, _Row] = field(default_factory=dict)  # latest version per record
    tombstones: list[_Row] = field(default_factory=list)
    change_ids: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)  # device -> chain head
    keys: dict[str, str] = field(default_factory=dict)
    batches: list[PushRequest] = field(default_factory=list)  # every batch received
    head_log: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, device, head)
    forbidden_cases: set[str] = field(default_factory=set)
    online: bool = True
    lose_next_ack: bool = False
    revoked: dict[str, bool] = field(default_factory=dict)  # device -> wipe
    status: str = "active"
    # When set, accepted visit plans are acknowledged as watched until this time (the real
    # hub computes it from its escalation policy; see spokeapp.hub).
    watching: datetime | None = None
    # The local authority areas it lists; None: a hub older than areas (404 on /v1/areas).
    areas: list[AreaOut] | None = field(default_factory=list)
    case_views: list[CaseViewIn] = field(default_factory=list)  # supervisors' views sent

    # -- what an administrator / the test does
    def client_factory(
        self, endpoint: HubEndpoint, device_id: str | None, refresh_token: str | None
    ) -> FakeClient:
        return FakeClient(self, device_id)

    def put(self, record_id: str, kind: str, payload: dict[str, Any], case_id: str | None,
            op: str = "put") -> int:
        self.seq += 1
        self.rows[record_id] = _Row(self.seq, record_id, kind, op, case_id, payload, "u-other")
        return self.seq

    def purge_case(self, case_id: str) -> None:
        self.seq += 1
        self.tombstones.append(_Row(self.seq, case_id, "case", "purge", case_id, None, None))
        self.rows = {k: v for k, v in self.rows.items() if v.case_id != case_id}

    def restore_from_backup(self, keep_seq: int) -> None:
        """Lose everything after ``keep_seq`` and take a new epoch."""
        self.rows = {k: v for k, v in self.rows.items() if v.seq <= keep_seq}
        self.change_ids = {k: v for k, v in self.change_ids.items() if v <= keep_seq}
        self.tombstones = [t for t in self.tombstones if t.seq <= keep_seq]
        self.seq = keep_seq
        self.heads = {}
        for seq, device, head in self.head_log:  # each device's head as the backup had it
            if seq <= keep_seq:
                self.heads[device] = head
        self.epoch = f"epoch-{uuid.uuid4().hex[:8]}"

    # -- the protocol
    def push(self, device_id: str, request: PushRequest) -> PushResponse:
        self.batches.append(request)
        if request.hub_epoch != self.epoch:
            raise EpochChanged("epoch changed")
        prev, head = request.chain.prev_head, request.chain.head
        message = chain_message(device_id, prev, head)
        if not verify_signature(self.keys[device_id], message, request.chain.signature):
            raise ChainRejected("bad signature")
        heads = chain_heads(prev, request.changes)
        if heads[-1] != head:
            raise ChainRejected("chain does not add up")
        leading = 0
        while leading < len(heads) and request.changes[leading].id in self.change_ids:
            leading += 1
        if leading < len(heads):
            start = prev if leading == 0 else heads[leading - 1]
            if start != self.heads.get(device_id, GENESIS_HEAD):
                raise ChainRejected("chain gap")
        for change in request.changes:
            case_id = change.payload.get("case_id") or (
                change.record_id if change.kind == "case" else None
            )
            if case_id in self.forbidden_cases:
                raise OutOfScope("out of scope")
        results = []
        for change in request.changes:
            if change.id in self.change_ids:
                results.append(ChangeResult(id=change.id, status="duplicate",
                                            seq=self.change_ids[change.id]))
                continue
            self.seq += 1
            case_id = change.payload.get("case_id") or (
                change.record_id if change.kind == "case" else None
            )
            self.rows[change.record_id] = _Row(
                self.seq, change.record_id, change.kind, change.op, case_id,
                copy.deepcopy(change.payload), change.author,
            )
            self.change_ids[change.id] = self.seq
            watch = None
            if change.kind == "visit_plan" and self.watching is not None:
                watch = VisitWatchAck(visit_id=change.record_id,
                                      escalation_starts_at=self.watching)
            results.append(ChangeResult(id=change.id, status="accepted", seq=self.seq,
                                        watch=watch))
        if leading < len(heads):
            self.heads[device_id] = head
            self.head_log.append((self.seq, device_id, head))
        response = PushResponse(results=results, chain_head=self.heads[device_id],
                                hub_epoch=self.epoch)
        if self.lose_next_ack:
            self.lose_next_ack = False
            raise HubUnreachable("the connection dropped before the answer arrived")
        return response

    def pull(self, after: int, limit: int) -> PullResponse:
        rows = sorted(
            [r for r in [*self.rows.values(), *self.tombstones] if r.seq > after],
            key=lambda r: r.seq,
        )
        page = rows[:limit]
        return PullResponse(
            hub_epoch=self.epoch,
            max_seq=self.seq,
            changes=[
                ChangeOut(seq=r.seq, record_id=r.record_id, kind=r.kind, op=r.op,  # type: ignore[arg-type]
                          case_id=r.case_id, payload=r.payload, author=r.author,
                          hub_time="2026-03-02T10:00:00+00:00")
                for r in page
            ],
            next_after=page[-1].seq if page else after,
            more=len(rows) > limit,
        )


class FakeClient:
    """What the engine talks to: the fake hub through a connection that can fail."""

    def __init__(self, hub: FakeHub, device_id: str | None) -> None:
        self.hub = hub
        self.device_id = device_id
        self.hub_epoch: str | None = None
        self.closed = False

    def _check(self) -> None:
        if not self.hub.online:
            raise HubUnreachable("offline")
        if self.device_id in self.hub.revoked:
            raise DeviceRevoked("revoked", wipe=self.hub.revoked[self.device_id])

    def report_case_views(self, request: CaseViewsRequest) -> CaseViewsResponse:
        self._check()
        self.hub.case_views.extend(request.views)
        return CaseViewsResponse(recorded=len(request.views), up_to=request.views[-1].seq)

    def enrol(self, code: str, device_name: str, public_key: str) -> EnrolResponse:
        self._check()
        device_id = str(uuid.uuid4())
        self.hub.keys[device_id] = public_key
        self.device_id = device_id
        return EnrolResponse(
            device_id=device_id, user_id="u-test-worker", user_name="Test Worker",
            role="worker", team="north", refresh_token="r" * 32, hub_id="hub-test",
            hub_epoch=self.hub.epoch,
        )

    def set_credentials(self, device_id: str, refresh_token: str) -> None:
        self.device_id = device_id

    def ensure_token(self) -> str:
        self._check()
        self.hub_epoch = self.hub.epoch
        return "access"

    def health(self) -> HubHealth:
        self._check()
        return HubHealth("ok", self.hub.epoch)

    def push(self, request: PushRequest) -> PushResponse:
        self._check()
        assert self.device_id is not None
        return self.hub.push(self.device_id, request)

    def pull(self, after: int, limit: int = DEFAULT_PULL_LIMIT, *,
             own: tuple[int, int] | None = None) -> PullResponse:
        # ``own`` is ignored, as an older hub ignores it: every record comes back.
        self._check()
        if self.hub.status == "retired":
            raise DeviceRetired("retired")
        return self.hub.pull(after, limit)

    def areas(self) -> AreasResponse:
        self._check()
        if self.hub.areas is None:
            raise HubRejected("The hub refused the request (not_found).", status=404,
                              error="not_found")
        return AreasResponse(areas=list(self.hub.areas))

    def people(self) -> PeopleResponse:
        self._check()
        return PeopleResponse(people=[])  # the real endpoint is tested against a real hub

    def device_status(self) -> DeviceStatus:
        self._check()
        assert self.device_id is not None
        return DeviceStatus(device_id=self.device_id, status=self.hub.status,  # type: ignore[arg-type]
                            wipe=False)

    def close(self) -> None:
        self.closed = True

"""The hub's push queue (group commit, docs/sync.md "Speed"): pushes that arrive while a group
is being written are checked meanwhile and written together as the next group, in arrival
order; each is answered with its own outcome only after its group was written (or at once, if
its check refused it); a failed write fails its whole group."""

from __future__ import annotations

import asyncio
import threading

import pytest

from spokeapp.hub.errors import HubError
from spokeapp.hub.push_queue import (
    GROUP_MAX_BYTES,
    GROUP_MAX_PUSHES,
    ArrivedPush,
    PushOutcome,
    PushQueue,
)


def _item(name: str, size: int = 1) -> ArrivedPush:
    """A push as it arrived, named by its (fake) token, with a body of ``size`` bytes."""
    return ArrivedPush(authorization=name, raw=b"x" * size)


class _Checker:
    """The first stage: records each batch it checks; refuses pushes named ``stranger...``."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.fail_next = False

    def __call__(self, batch: list[ArrivedPush]) -> list[str | Exception]:
        names = [str(item.authorization) for item in batch]
        self.batches.append(names)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the token check failed")
        return [HubError(401, "unauthorised", "who?") if name.startswith("stranger")
                else name for name in names]


class _Writer:
    """Records each group it is given; the first group waits until released."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.release = threading.Event()
        self.entered = threading.Event()
        self.fail_next = False

    def __call__(self, group: list[str]) -> list[PushOutcome]:
        names = list(group)
        self.entered.set()
        if not self.groups:
            self.release.wait(timeout=10)
        self.groups.append(names)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the commit failed")
        return [HubError(403, "out_of_scope", "refused") if name.startswith("bad")
                else name.encode() for name in names]


def test_pushes_arriving_during_a_write_go_together_in_the_next_group() -> None:
    writer = _Writer()

    async def scenario() -> list[object]:
        queue = PushQueue(_Checker(), writer)
        first = asyncio.create_task(queue.submit(_item("a")))
        await asyncio.to_thread(writer.entered.wait, 10)  # the first group is being written
        rest = [asyncio.create_task(queue.submit(_item(name)))
                for name in ("b", "bad-c", "d")]
        await asyncio.sleep(0)  # they are queued
        writer.release.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    answers = asyncio.run(scenario())

    assert writer.groups == [["a"], ["b", "bad-c", "d"]]
    assert answers[0] == b"a" and answers[1] == b"b" and answers[3] == b"d"
    assert isinstance(answers[2], HubError) and answers[2].status == 403


def test_pushes_are_checked_while_a_group_is_written_and_refusals_answered_at_once() -> None:
    checker, writer = _Checker(), _Writer()

    async def scenario() -> tuple[list[list[str]], BaseException | None, list[object]]:
        queue = PushQueue(checker, writer)
        first = asyncio.create_task(queue.submit(_item("a")))
        await asyncio.to_thread(writer.entered.wait, 10)  # "a" is being written, held
        stranger = asyncio.create_task(queue.submit(_item("stranger")))
        later = asyncio.create_task(queue.submit(_item("b")))
        # The stranger's refusal comes back while the write is still held.
        done, _ = await asyncio.wait({stranger}, timeout=10)
        refused = stranger.exception() if done else None
        checked_meanwhile = [list(batch) for batch in checker.batches]
        writer.release.set()
        return checked_meanwhile, refused, list(await asyncio.gather(first, later))

    checked_meanwhile, refused, answers = asyncio.run(scenario())

    assert checked_meanwhile == [["a"], ["stranger", "b"]]  # b checked before a was written
    assert isinstance(refused, HubError) and refused.status == 401
    assert answers == [b"a", b"b"]
    assert writer.groups == [["a"], ["b"]]  # the stranger never reached the writer


def test_a_failed_check_fails_its_batch_and_writes_nothing_of_it() -> None:
    checker, writer = _Checker(), _Writer()
    writer.release.set()
    checker.fail_next = True

    async def scenario() -> tuple[list[bytes | BaseException], bytes]:
        queue = PushQueue(checker, writer)
        failed = await asyncio.gather(*(queue.submit(_item(n)) for n in ("a", "b")),
                                      return_exceptions=True)
        return failed, await queue.submit(_item("c"))

    failed, later = asyncio.run(scenario())

    assert all(isinstance(answer, RuntimeError) for answer in failed)
    assert later == b"c"
    assert writer.groups == [["c"]]


def test_a_failed_write_fails_every_push_of_its_group_and_the_queue_carries_on() -> None:
    writer = _Writer()
    writer.release.set()
    writer.fail_next = True

    async def scenario() -> tuple[list[bytes | BaseException], bytes]:
        queue = PushQueue(_Checker(), writer)
        failed = await asyncio.gather(*(queue.submit(_item(n)) for n in ("a", "b")),
                                      return_exceptions=True)
        return failed, await queue.submit(_item("c"))

    failed, later = asyncio.run(scenario())

    assert all(isinstance(answer, RuntimeError) for answer in failed)
    assert later == b"c"
    assert writer.groups == [["a", "b"], ["c"]]


@pytest.mark.parametrize("sizes", [[GROUP_MAX_BYTES * 3 // 4] * 2, [1] * (GROUP_MAX_PUSHES + 5)])
def test_groups_are_bounded_in_pushes_and_bytes(sizes: list[int]) -> None:
    writer = _Writer()

    async def scenario() -> None:
        queue = PushQueue(_Checker(), writer)
        held = asyncio.create_task(queue.submit(_item("first")))
        await asyncio.to_thread(writer.entered.wait, 10)
        tasks = [asyncio.create_task(queue.submit(_item(f"p{n}", size)))
                 for n, size in enumerate(sizes)]
        await asyncio.sleep(0)
        writer.release.set()
        await asyncio.gather(held, *tasks)

    asyncio.run(scenario())

    later = writer.groups[1:]
    assert sum(len(group) for group in later) == len(sizes)
    assert all(len(group) <= GROUP_MAX_PUSHES for group in later)
    if sizes[0] > 1:
        assert later == [["p0"], ["p1"]]  # together they would exceed the group's bound

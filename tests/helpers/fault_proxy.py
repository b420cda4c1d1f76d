"""A fault-injecting TCP proxy for sync tests: dropped connections, delays, cut responses.

Sits between a client and a real hub on loopback. Each accepted connection draws one fault
from a seeded random generator, so a failing run can be replayed with the same seed:

* ``drop``: the client's connection is closed before anything is forwarded;
* ``lose_reply``: the request reaches the hub, which acts on it, but the client never hears
  back (the lost-acknowledgement case: a push that committed on the hub yet looks failed);
* ``truncate``: the reply is cut off part-way;
* ``delay``: forwarding starts after a short pause;
* ``clean``: bytes pass untouched.

Clients should not reuse connections (keep-alive off) so that each request meets a fault.

``bandwidth_bps`` makes the proxy a slow link as well (a 2G-like 1 Mbit/s): every connection
shares one uplink and one downlink of that many bits a second, bytes passing in packet-sized
slices taken in turn, so a small request (a check-in) waits behind at most a slice of each
other connection, not behind a whole upload - as a real link's queue does.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

FAULTS = ("drop", "lose_reply", "truncate", "delay", "clean")


@dataclass
class FaultPlan:
    """Relative weights of each fault, and the longest delay in seconds."""

    weights: dict[str, float] = field(
        default_factory=lambda: {
            "drop": 0.15, "lose_reply": 0.15, "truncate": 0.15, "delay": 0.15, "clean": 0.4
        }
    )
    max_delay_s: float = 0.05


#: Bytes a slow link passes at a time (an Ethernet-sized packet).
PACKET_BYTES = 1460


class Link:
    """One direction of a shared link of ``bits_per_second``: ``send`` blocks until the link
    has carried the bytes, slices from every connection taking turns."""

    def __init__(self, bits_per_second: int) -> None:
        self.bits_per_second = bits_per_second
        self._lock = threading.Lock()
        self._free_at = 0.0

    def send(self, sink: socket.socket, data: bytes) -> None:
        for start in range(0, len(data), PACKET_BYTES):
            piece = data[start:start + PACKET_BYTES]
            with self._lock:
                now = time.monotonic()
                begin = max(now, self._free_at)
                self._free_at = begin + len(piece) * 8 / self.bits_per_second
                done_at = self._free_at
            wait = done_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            sink.sendall(piece)


class FaultProxy:
    """``with FaultProxy(port, seed=1) as proxy: url = proxy.url``."""

    def __init__(self, target_port: int, *, seed: int = 0, plan: FaultPlan | None = None,
                 target_host: str = "127.0.0.1", bandwidth_bps: int | None = None) -> None:
        self.target = (target_host, target_port)
        self._uplink = Link(bandwidth_bps) if bandwidth_bps else None
        self._downlink = Link(bandwidth_bps) if bandwidth_bps else None
        self.plan = plan or FaultPlan()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.counts: Counter[str] = Counter()
        self.enabled = True
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    def set_bandwidth(self, bits_per_second: int | None) -> None:
        """Make the link this slow from the next connection on (None: full speed)."""
        self._uplink = Link(bits_per_second) if bits_per_second else None
        self._downlink = Link(bits_per_second) if bits_per_second else None

    def __enter__(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _draw(self) -> tuple[str, float]:
        with self._lock:
            if not self.enabled:
                return "clean", 0.0
            names = list(self.plan.weights)
            fault = self._rng.choices(names, [self.plan.weights[n] for n in names])[0]
            self.counts[fault] += 1
            return fault, self._rng.uniform(0, self.plan.max_delay_s) + self._rng.random()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            fault, draw = self._draw()
            thread = threading.Thread(
                target=self._serve, args=(client, fault, draw), daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket, fault: str, draw: float) -> None:
        try:
            if fault == "drop":
                return
            if fault == "delay":
                time.sleep(draw % self.plan.max_delay_s)
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                return
            try:
                client.settimeout(10)
                upstream.settimeout(10)
                forward = threading.Thread(
                    target=_pump, args=(client, upstream, None, self._uplink), daemon=True
                )
                forward.start()
                if fault == "lose_reply":
                    # Let the hub act on the request; once its reply starts (it replies only
                    # after committing), hang up on the client without passing it on.
                    _first_bytes(upstream)
                    return
                limit = max(1, int(draw * 600)) if fault == "truncate" else None
                _pump(upstream, client, limit, self._downlink)
                if limit is None:
                    forward.join(timeout=10)
            finally:
                _hang_up(upstream)
        finally:
            # Shut down before closing: that wakes the request pump still blocked reading the
            # client, so the client sees a cut connection at once, as on a real network.
            _hang_up(client)

    def wait_idle(self) -> None:
        """Wait until every connection handled so far has finished (the hub has answered)."""
        for thread in list(self._threads):
            thread.join(timeout=15)


def _hang_up(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _pump(source: socket.socket, sink: socket.socket, limit: int | None,
          link: Link | None = None) -> None:
    send = sink.sendall if link is None else (lambda data: link.send(sink, data))
    sent = 0
    try:
        while True:
            chunk = source.recv(65536)
            if not chunk:
                break
            if limit is not None and sent + len(chunk) > limit:
                send(chunk[: limit - sent])
                return
            send(chunk)
            sent += len(chunk)
    except OSError:
        return
    finally:
        if limit is None:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


def _first_bytes(source: socket.socket) -> None:
    try:
        source.recv(65536)
    except OSError:
        return

"""The hub client: which addresses it will talk to, certificate pinning, tokens, error codes."""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from spokeapp.sync.client import (
    ANSWER_GRACE_SECONDS,
    ANSWER_LIMIT_BYTES,
    AuthRejected,
    CertificatePinMismatch,
    DeviceRevoked,
    EnrolmentRefused,
    EpochChanged,
    HubClient,
    HubEndpoint,
    HubRejected,
    HubUnreachable,
    InsecureHubAddress,
    MustEnrolAgain,
    OutOfScope,
    fingerprint_of,
)
from spokeapp.sync.protocol import ChainProof, ChangeIn, PushRequest, token_proof_message
from tests.helpers.tls import self_signed

# ------------------------------------------------------------------------------ addresses


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8470", "http://127.9.9.9", "http://localhost:8470/", "http://[::1]:8470"],
)
def test_plain_http_is_allowed_only_to_this_computer(url: str) -> None:
    assert HubEndpoint(url).checked().cert_fingerprint is None


@pytest.mark.parametrize(
    "url",
    [
        "http://192.168.1.20:8470",
        "http://hub.example.org",
        "http://10.0.0.1",
        "http://localhost.example.org",
        "http://127.0.0.1.example.org",
        "ftp://127.0.0.1",
    ],
)
def test_plain_http_to_anywhere_else_is_refused_before_connecting(url: str) -> None:
    with pytest.raises(InsecureHubAddress):
        HubClient(HubEndpoint(url))


def test_https_needs_the_hub_certificate_fingerprint() -> None:
    with pytest.raises(InsecureHubAddress, match="fingerprint"):
        HubEndpoint("https://hub.example.org").checked()
    with pytest.raises(InsecureHubAddress, match="64 hexadecimal"):
        HubEndpoint("https://hub.example.org", "AB:CD").checked()
    pinned = HubEndpoint("https://hub.example.org/", "AB:" * 31 + "AB").checked()
    assert pinned.url == "https://hub.example.org" and pinned.cert_fingerprint == "ab" * 32


# ------------------------------------------------------------------------------ pinning
def _self_signed(folder: Path) -> tuple[Path, Path, bytes]:
    return self_signed(folder, name="test-hub.invalid", days=1)


class _Health(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        _Health.seen.append(self.path)
        body = b'{"status": "ok", "hub_epoch": "epoch-test"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tls_hub(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A tiny HTTPS server on loopback with a self-signed certificate: (url, fingerprint)."""
    cert, key, der = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Health.seen = []
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", fingerprint_of(der)
    finally:
        server.shutdown()
        server.server_close()


def test_the_pinned_hub_certificate_is_accepted(tls_hub: tuple[str, str]) -> None:
    url, fingerprint = tls_hub
    with HubClient(HubEndpoint(url, fingerprint.upper())) as client:
        assert client.health().hub_epoch == "epoch-test"
    assert _Health.seen == ["/healthz"]


def test_another_certificate_is_refused_before_anything_is_sent(
    tls_hub: tuple[str, str],
) -> None:
    url, fingerprint = tls_hub
    wrong = ("0" if fingerprint[0] != "0" else "1") + fingerprint[1:]
    with HubClient(HubEndpoint(url, wrong)) as client, pytest.raises(
        CertificatePinMismatch, match="sent nothing"
    ):
        client.health()
    assert _Health.seen == []  # the impostor never saw a request


# ------------------------------------------------------------------------------ tokens and errors
class _ScriptedHub:
    """The network edge only: answers requests from a script, records what was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str | None]] = []
        self.tokens_issued = 0
        self.reject_token: str | None = None
        self.error: tuple[int, dict[str, object]] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("Authorization")
        self.requests.append((request.method, request.url.path, auth))
        if request.url.path == "/v1/token":
            self.tokens_issued += 1
            return httpx.Response(200, json={"access_token": f"tok-{self.tokens_issued}",
                                             "expires_in": 900, "hub_epoch": "epoch-1"})
        if self.error is not None:
            status, body = self.error
            return httpx.Response(status, json=body)
        if auth == f"Bearer {self.reject_token}":
            return httpx.Response(401, json={"error": "unauthorised", "message": "expired"})
        return httpx.Response(200, json={"device_id": "dev-1", "status": "active", "wipe": False})


def _client(script: _ScriptedHub, clock: list[float]) -> HubClient:
    return HubClient(
        HubEndpoint("http://127.0.0.1:9"), device_id="dev-1", refresh_token="r" * 32,
        transport=httpx.MockTransport(script), monotonic=lambda: clock[0],
    )


def test_access_token_is_reused_then_refreshed_before_it_expires() -> None:
    script, clock = _ScriptedHub(), [0.0]
    client = _client(script, clock)
    client.device_status()
    client.device_status()
    assert script.tokens_issued == 1
    clock[0] = 900 - 30  # inside the safety margin
    client.device_status()
    assert script.tokens_issued == 2 and client.hub_epoch == "epoch-1"


def test_a_token_the_hub_no_longer_accepts_is_refreshed_once_and_retried() -> None:
    script, clock = _ScriptedHub(), [0.0]
    client = _client(script, clock)
    client.device_status()
    script.reject_token = "tok-1"  # e.g. the hub restarted with a new signing key
    assert client.device_status().status == "active"
    assert [r[1] for r in script.requests].count("/v1/device") == 3
    assert script.requests[-1][2] == "Bearer tok-2"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"error": "device_revoked", "message": "x", "wipe": True}, DeviceRevoked),
        (409, {"error": "epoch_changed", "message": "x"}, EpochChanged),
        (403, {"error": "out_of_scope", "message": "x"}, OutOfScope),
        (503, {"error": "busy", "message": "x"}, HubUnreachable),
    ],
)
def test_hub_error_codes_become_typed_errors(
    status: int, body: dict[str, object], error: type[Exception]
) -> None:
    script, clock = _ScriptedHub(), [0.0]
    script.error = (status, body)
    with pytest.raises(error) as raised:
        _client(script, clock).device_status()
    if isinstance(raised.value, DeviceRevoked):
        assert raised.value.wipe is True


def test_credentials_the_hub_refuses_twice_are_reported_not_looped() -> None:
    script, clock = _ScriptedHub(), [0.0]
    script.error = (401, {"error": "unauthorised", "message": "x"})
    with pytest.raises(AuthRejected, match="enrol it again"):
        _client(script, clock).device_status()
    assert script.tokens_issued == 2


def test_no_hub_listening_is_unreachable_in_plain_words() -> None:
    with HubClient(HubEndpoint("http://127.0.0.1:9"), timeout=httpx.Timeout(2.0)) as client, \
            pytest.raises(HubUnreachable, match="cannot reach the hub"):
        client.health()


# ------------------------------------------------------------------------------ rotated tokens
class _RotatingHub:
    """A hub that rotates refresh tokens, as issue 13 has it; records what it was sent."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.presented: list[dict[str, object]] = []
        self.lose_next_token_answer = False
        self.token_error: dict[str, object] | None = None
        self.proof_needed = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            body = json.loads(request.content)
            self.presented.append(body)
            self.log.append(f"token:{body['refresh_token']}")
            if self.lose_next_token_answer:
                self.lose_next_token_answer = False
                raise httpx.ReadError("connection dropped", request=request)
            if self.proof_needed and "proof" not in body:
                return httpx.Response(401, json={"error": "refresh_proof_required",
                                                 "message": "x"})
            if self.token_error is not None:
                return httpx.Response(401, json=self.token_error)
            n = len(self.presented)
            return httpx.Response(200, json={
                "access_token": f"tok-{n}", "expires_in": 900, "hub_epoch": "epoch-2",
                "refresh_token": f"refresh-{n}-" + "r" * 20})
        if request.url.path == "/healthz":
            return httpx.Response(200, json={"status": "ok", "hub_epoch": "epoch-2"})
        self.log.append(f"call:{request.headers.get('Authorization')}")
        return httpx.Response(200, json={"device_id": "dev-1", "status": "active", "wipe": False})


def _rotating_client(hub: _RotatingHub, stored: list[str],
                     sign: Callable[[bytes], str] | None = None) -> HubClient:
    def store(token: str) -> None:
        hub.log.append(f"stored:{token}")
        stored.append(token)

    return HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                     refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                     on_refresh=store, sign=sign)


def test_the_rotated_refresh_token_is_stored_before_the_access_token_is_used() -> None:
    hub, stored, clock = _RotatingHub(), [], [0.0]
    client = _rotating_client(hub, stored)
    client._monotonic = lambda: clock[0]
    client.device_status()
    clock[0] = 900.0  # the access token expired: the next call refreshes with the new token
    client.device_status()

    first = "refresh-1-" + "r" * 20
    assert hub.log == [f"token:{'r' * 32}", f"stored:{first}", "call:Bearer tok-1",
                       f"token:{first}", f"stored:refresh-2-{'r' * 20}", "call:Bearer tok-2"]
    assert stored == [first, "refresh-2-" + "r" * 20]


def test_an_access_token_is_not_used_when_its_refresh_token_could_not_be_stored() -> None:
    hub = _RotatingHub()

    def broken_store(_token: str) -> None:
        raise OSError("disk full")

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       on_refresh=broken_store)
    with pytest.raises(OSError):
        client.device_status()
    assert not any(entry.startswith("call:") for entry in hub.log)


def test_a_lost_token_answer_is_asked_for_again_at_once_with_the_same_token() -> None:
    hub, stored = _RotatingHub(), []
    hub.lose_next_token_answer = True
    client = _rotating_client(hub, stored)
    assert client.device_status().status == "active"
    assert [p["refresh_token"] for p in hub.presented] == ["r" * 32, "r" * 32]
    assert stored == ["refresh-2-" + "r" * 20]


@pytest.mark.parametrize(("code", "words"), [
    ("refresh_reused", "used from somewhere else"),
    ("refresh_expired", "not synced for so long"),
])
def test_a_reused_or_expired_refresh_token_asks_for_enrolment_in_plain_words(
    code: str, words: str,
) -> None:
    hub, stored = _RotatingHub(), []
    hub.token_error = {"error": code, "message": "x"}
    with pytest.raises(MustEnrolAgain) as raised:
        _rotating_client(hub, stored).device_status()
    message = str(raised.value)
    assert "enrolled with the hub again" in message and words in message
    assert "stays safe on this laptop" in message
    assert len(hub.presented) == 1 and stored == []


def test_after_a_hub_restore_the_laptop_proves_itself_with_its_device_key() -> None:
    hub, stored = _RotatingHub(), []
    hub.proof_needed = True
    signed: list[bytes] = []

    def sign(message: bytes) -> str:
        signed.append(message)
        return "c2lnbmVk"

    _rotating_client(hub, stored, sign).device_status()
    assert signed == [token_proof_message("dev-1", "epoch-2", "r" * 32)]
    assert hub.presented[-1]["proof"] == "c2lnbmVk"
    assert stored == ["refresh-2-" + "r" * 20]


def test_a_hub_that_does_not_rotate_leaves_the_refresh_token_alone() -> None:
    script, clock, stored = _ScriptedHub(), [0.0], []
    client = _client(script, clock)
    client.attach_device(on_refresh=stored.append, sign=None)
    client.device_status()
    assert stored == []


def test_a_batch_s_bytes_are_freed_as_soon_as_its_answer_is_read() -> None:
    """httpx's response and its stream refer to each other; a sync runs the cyclic garbage
    collector rarely, so unbroken, every batch sent (2 MB each) stayed in memory until it did
    (90 MB at 100,000 records). The client frees each request and answer by refcount."""
    import gc
    import weakref

    answers: list[weakref.ref[httpx.Response]] = []
    sent: list[weakref.ref[httpx.Request]] = []
    script = _ScriptedHub()

    def answer(request: httpx.Request) -> httpx.Response:
        response = script(request)
        answers.append(weakref.ref(response))
        sent.append(weakref.ref(request))
        return response

    client = HubClient(
        HubEndpoint("http://127.0.0.1:9"), device_id="dev-1", refresh_token="r" * 32,
        transport=httpx.MockTransport(answer), monotonic=lambda: 0.0,
    )
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            assert client.device_status().status == "active"
        alive = [ref for ref in answers + sent if ref() is not None]
    finally:
        gc.enable()
        client.close()
    assert len(answers) == 4 and alive == []  # a token, then three device checks


# ------------------------------------------------------------------------------ hostile answers
@contextlib.contextmanager
def _hostile_hub(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A hostile "hub" on loopback: after reading the request it runs ``answer`` on the
    connection (crafted bytes). Yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            with contextlib.suppress(OSError):
                answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        thread.join(timeout=30)


def test_an_answer_larger_than_any_hub_sends_is_not_read_into_memory() -> None:
    """A hostile hub answering with 48 MiB (no length declared, chunked): the laptop stops
    reading at its limit and says the hub is not reachable; it never holds the whole."""
    part = b"a" * 65536
    parts = (48 * 1024 * 1024) // len(part)
    written = [0]

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        opening = b'{"status": "ok", "hub_epoch": "'
        conn.sendall(b"%x\r\n%s\r\n" % (len(opening), opening))
        for _ in range(parts):
            conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            written[0] += len(part)
        conn.sendall(b'2\r\n"}\r\n0\r\n\r\n')

    with _hostile_hub(answer) as url, HubClient(HubEndpoint(url)) as client, pytest.raises(
        HubUnreachable, match="too large or too slow"
    ):
        client.health()
    assert written[0] < ANSWER_LIMIT_BYTES + 16 * 1024 * 1024  # the rest was never read


def test_an_answer_that_trickles_in_is_given_up_on_not_waited_for_forever() -> None:
    """A byte every few seconds never trips the read timeout; the laptop gives up once the
    answer falls behind the slowest real link (checked on the injected clock, no sleeping)."""
    clock = [0.0]
    drips = [0]

    def trickle() -> Iterator[bytes]:
        for _ in range(10_000):  # "endless" (bounded only so a broken client cannot hang)
            clock[0] += 5.0
            drips[0] += 1
            yield b" "

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900,
                                             "hub_epoch": "epoch-1"})
        return httpx.Response(200, stream=_Stream(trickle()))

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       monotonic=lambda: clock[0])
    with client, pytest.raises(HubUnreachable, match="too large or too slow"):
        client.pull(0, 250)
    assert drips[0] <= ANSWER_GRACE_SECONDS / 5 + 2


def test_a_slow_upload_is_not_counted_against_the_answer() -> None:
    """On a rural link a 2 MB batch may take many minutes to go up; the answer's rate is
    counted from its headers, so the push is acknowledged (it would otherwise be sent again
    for ever, each time "too slow")."""
    clock = [0.0]

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900,
                                             "hub_epoch": "epoch-1"})
        clock[0] += 30 * 60.0  # half an hour sending the request before the answer begins
        return httpx.Response(200, stream=_Stream(iter([b'{"status": "ok"}'])))

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       monotonic=lambda: clock[0])
    with client:
        answer = client._authorised("GET", "/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


class _Stream(httpx.SyncByteStream):
    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts

    def __iter__(self) -> Iterator[bytes]:
        yield from self._parts


def test_an_attachment_chunk_larger_than_a_chunk_is_refused_unread() -> None:
    pulled = [0]

    def parts() -> Iterator[bytes]:
        for _ in range(160):  # 10 MiB offered for one 64 KiB chunk
            pulled[0] += 1
            yield b"x" * 65536

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900,
                                             "hub_epoch": "epoch-1"})
        return httpx.Response(200, stream=_Stream(parts()))

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       monotonic=lambda: 0.0)
    with client, pytest.raises(HubUnreachable):
        client.get_attachment_chunk("ab" * 32, 0)
    assert pulled[0] <= 2


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_a_push_answered_by_one_counts_as_lost(
    status: int,
) -> None:
    """A hub (or something in front of it) answering with a redirect: the laptop neither
    follows it (the token would go to another host) nor treats it as a refusal - the batch's
    answer is simply lost, so it stays outgoing and is sent again (the engine holds a
    *refused* batch's changes, and these were never refused)."""
    seen: list[tuple[str, str | None]] = []

    def hub(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url.host), request.headers.get("Authorization")))
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900,
                                             "hub_epoch": "epoch-1"})
        return httpx.Response(status, headers={"Location": "http://evil.example/v1/sync/push"},
                              json={"error": "moved", "message": "x"})

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       monotonic=lambda: 0.0)
    with client, pytest.raises(HubUnreachable, match="does not follow"):
        client.push(_a_push())
    assert {host for host, _auth in seen} == {"127.0.0.1"}


def _a_push() -> PushRequest:
    change = ChangeIn(id="0" * 36, record_id="r-1", kind="session", op="finalise",
                      payload={"id": "r-1"}, author="u-1", local_time="2026-01-01T00:00:00")
    return PushRequest(hub_epoch="epoch-1", changes=[change], chain=ChainProof(
        prev_head="0" * 64, head="1" * 64, signature="s" * 88))


@pytest.mark.parametrize("body", [
    b"<html>Bad gateway</html>", b'{"results": "nope"}', b"",
    b'{"results": [{"id": "000000000000000000000000000000000000", "status": "accepted", '
    b'"seq": 18446744073709551616}], "chain_head": "' + b"1" * 64 + b'", "hub_epoch": "e"}',
])
def test_a_push_answered_with_something_that_is_not_an_acknowledgement_counts_as_lost(
    body: bytes,
) -> None:
    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900,
                                             "hub_epoch": "epoch-1"})
        return httpx.Response(200, content=body)

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       monotonic=lambda: 0.0)
    with client, pytest.raises(HubUnreachable, match="sent again"):
        client.push(_a_push())


def test_a_compressed_answer_that_does_not_decompress_is_a_known_problem() -> None:
    def hub(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"},
                              content=b"not gzip at all")

    with HubClient(HubEndpoint("http://127.0.0.1:9"),
                   transport=httpx.MockTransport(hub)) as client, \
            pytest.raises(HubUnreachable, match="damaged"):
        client.health()


@pytest.mark.parametrize("code", [
    "Jamie Smith (YP-0042) was seen", "unauthorised\n2026-12-06 CRITICAL forged line",
    "x" * 5000, "ok\x1b[2J",
])
def test_an_error_code_from_the_hub_is_never_echoed_unless_it_is_a_plain_code(
    code: str, caplog: pytest.LogCaptureFixture,
) -> None:
    """A hostile hub's error code (a young person's name, a line break to forge log lines,
    terminal escapes) reaches neither the message shown and stored, nor the log."""
    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900,
                                             "hub_epoch": "epoch-1"})
        return httpx.Response(400, json={"error": code, "message": code})

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       monotonic=lambda: 0.0)
    caplog.set_level(logging.DEBUG)
    with client:
        with pytest.raises(HubRejected) as refused:
            client.device_status()
        with pytest.raises(EnrolmentRefused) as enrol_refused:
            client.enrol("CODE-1234", "laptop", "k" * 44)
    assert refused.value.error == "http_400" and "(http_400)" in str(refused.value)
    for text in (str(refused.value), str(enrol_refused.value), caplog.text):
        assert code[:12] not in text and "\x1b" not in text and "forged" not in text


@pytest.mark.parametrize(("access", "refresh"), [
    ("tök-ünïcode", None),  # cannot travel in a header: escaped the run as UnicodeEncodeError
    ("tok\r\nX-Evil: 1", None),
    ("tok", "r" * 300),  # TokenRequest refuses it back: every later sync would have crashed
    ("tok", "refresh token with spaces"),
])
def test_a_token_that_cannot_be_used_is_refused_and_never_stored(
    access: str, refresh: str | None,
) -> None:
    stored: list[str] = []

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/token":
            return httpx.Response(200, json={"access_token": access, "expires_in": 900,
                                             "hub_epoch": "epoch-1", "refresh_token": refresh})
        return httpx.Response(200, json={"device_id": "dev-1", "status": "active",
                                         "wipe": False})

    client = HubClient(HubEndpoint("http://127.0.0.1:9"), device_id="dev-1",
                       refresh_token="r" * 32, transport=httpx.MockTransport(hub),
                       on_refresh=stored.append, monotonic=lambda: 0.0)
    with client, pytest.raises(HubRejected, match="does not understand"):
        client.device_status()
    assert stored == []


@pytest.mark.parametrize(("device_id", "refresh"), [
    ("dev-1\nforged", "r" * 43), ("dev-1", "short"), ("dev-1", "r" * 300),
])
def test_enrolment_credentials_that_could_never_be_used_are_refused(
    device_id: str, refresh: str,
) -> None:
    def hub(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={
            "device_id": device_id, "user_id": "u-1", "user_name": "Test Worker",
            "role": "worker", "team": "north", "refresh_token": refresh, "hub_id": "hub-1",
            "hub_epoch": "epoch-1"})

    with HubClient(HubEndpoint("http://127.0.0.1:9"),
                   transport=httpx.MockTransport(hub)) as client, \
            pytest.raises(HubRejected, match="does not understand"):
        client.enrol("CODE-1234", "laptop", "k" * 44)

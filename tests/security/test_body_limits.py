"""Request body limits, against a real uvicorn: the 413 comes before the body is sent.

Raw sockets, so the test controls exactly how much of the body leaves: it declares (or
streams towards) 100 MB and watches for the answer after each piece.
"""

import json
import select
import socket
from urllib.parse import urlsplit

import pytest

from app.measures.csvfile import MAX_BYTES as READINGS_MAX_BYTES
from app.web.limits import MULTIPART_SLACK
from tests.conftest import engine_independent
from tests.factories import make_council, make_user
from tests.helpers import access_token

HUNDRED_MB = 100 * 1024 * 1024
PIECE = 64 * 1024
# The kernel's socket buffers on both ends hold a few MB that left the client but that the
# server never read; anything far below 100 MB proves the server answered early.
SENT_AT_MOST = 16 * 1024 * 1024


@pytest.fixture
def chair_council(session, settings):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    session.commit()
    return council, f"Bearer {access_token(user=chair, settings=settings)}"


def _connect(live_server: str) -> socket.socket:
    parts = urlsplit(live_server)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    # A small send buffer, so `sent` is close to what the server was offered.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIECE)
    return sock


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _answered(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """The whole response; the server closes the connection after a 413."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a full response: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body


def _stream_until_answered(sock: socket.socket, piece: bytes, *, total: int, chunked: bool) -> int:
    """Send up to `total` bytes of body in pieces, stopping once an answer is waiting; the bytes sent."""
    sent = 0
    while sent < total and not _answered(sock):
        wire = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
        try:
            sock.sendall(wire)
        except (BrokenPipeError, ConnectionResetError):
            break  # the server answered and closed; the answer is in the receive buffer
        sent += len(piece)
    return sent


# Engine-independent: the body limit refuses in middleware, before any handler opens the database.
@engine_independent
def test_a_declared_100_mb_json_body_is_refused_before_it_is_sent(live_server, chair_council):
    council, bearer = chair_council
    with _connect(live_server) as sock:
        sock.sendall(
            _head(
                "POST",
                f"/api/councils/{council.id}/actions",
                {"Authorization": bearer, "Content-Type": "application/json", "Content-Length": str(HUNDRED_MB)},
            )
        )
        # Not a byte of the body: the answer must not wait for it.
        status, headers, body = _read_response(sock)
        assert status == 413
        assert json.loads(body)["detail"] == "The request body is over this address's limit of 1 MB (1,048,576 bytes)."
        assert headers["connection"] == "close"
        assert sock.recv(1) == b""  # and the server let go of the connection


# Engine-independent: the body limit refuses in middleware, before any handler opens the database.
@engine_independent
def test_a_streamed_json_body_is_refused_as_soon_as_it_passes_the_limit(live_server, chair_council):
    council, bearer = chair_council
    with _connect(live_server) as sock:
        sock.sendall(
            _head(
                "POST",
                f"/api/councils/{council.id}/actions",
                {"Authorization": bearer, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            )
        )
        sent = _stream_until_answered(sock, b'{"title": "' + b"x" * (PIECE - 11), total=HUNDRED_MB, chunked=True)
        status, _headers, body = _read_response(sock)
    assert status == 413
    assert "1 MB" in json.loads(body)["detail"]
    assert 1024 * 1024 < sent < SENT_AT_MOST


def test_a_streamed_body_under_the_limit_is_read_and_parsed(live_server, chair_council):
    council, bearer = chair_council
    title = "Call back every complaint within a day"
    body = json.dumps({"title": title, "description": " " * 900_000}).encode()  # whitespace-padded, valid JSON
    with _connect(live_server) as sock:
        sock.sendall(
            _head(
                "POST",
                f"/api/councils/{council.id}/actions",
                {"Authorization": bearer, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            )
        )
        for start in range(0, len(body), PIECE):
            piece = body[start : start + PIECE]
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        status, _headers, answer = _read_response(sock)
    assert status != 413, answer
    assert status in (201, 422), answer  # the app read the whole body and judged its fields


# Engine-independent: the body limit refuses in middleware, before any handler opens the database.
@engine_independent
def test_a_300_mb_upload_is_refused_at_its_own_limit_before_it_is_sent(live_server, chair_council):
    council, bearer = chair_council
    boundary = "cxcboundary"
    with _connect(live_server) as sock:
        sock.sendall(
            _head(
                "POST",
                f"/api/councils/{council.id}/readings/import",
                {
                    "Authorization": bearer,
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(300 * 1024 * 1024),
                },
            )
        )
        sock.sendall(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nmeasure,period,value\r\n".encode()
        )
        status, _headers, body = _read_response(sock)
    assert status == 413
    # In the shape of the import's own refusals: a list of problems, this one about the whole file.
    message = "The upload is over its limit of 5 MB (a file of at most 5,242,880 bytes)."
    assert json.loads(body)["detail"] == [{"row": None, "column": None, "message": message}]


# Engine-independent: the body limit refuses in middleware, before any handler opens the database.
@engine_independent
def test_a_streamed_upload_is_cut_off_just_past_its_limit(live_server, chair_council):
    council, bearer = chair_council
    boundary = "cxcboundary"
    with _connect(live_server) as sock:
        sock.sendall(
            _head(
                "POST",
                f"/api/councils/{council.id}/readings/import",
                {
                    "Authorization": bearer,
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Transfer-Encoding": "chunked",
                },
            )
        )
        opening = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nmeasure,period,value\r\n"
        ).encode()
        sock.sendall(f"{len(opening):x}\r\n".encode() + opening + b"\r\n")
        sent = _stream_until_answered(sock, b"Calls answered,2026-01-01,1\r\n" * 2000, total=HUNDRED_MB, chunked=True)
        status, _headers, body = _read_response(sock)
    assert status == 413
    assert "limit of 5 MB" in json.loads(body)["detail"][0]["message"]
    limit = READINGS_MAX_BYTES + MULTIPART_SLACK
    assert limit < sent + len(opening) < limit + SENT_AT_MOST


def test_a_page_form_over_the_limit_gets_a_page_naming_it(client):
    response = client.post(
        "/login",
        content=b"email=" + b"a" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "limit of 1 MB (1,048,576 bytes)" in response.text


def test_every_route_that_takes_a_file_has_its_upload_limit(app):
    """A new upload route left off the list would refuse every file over MAX_BODY_BYTES."""
    from app.errors import _api_routes
    from app.web.limits import BodyLimit

    (limit,) = [m for m in app.user_middleware if m.cls is BodyLimit]
    takes_files = {
        route.path
        for route in _api_routes(app.routes)
        if any("UploadFile" in str(field.field_info.annotation) for field in route.dependant.body_params)
    }
    assert len(takes_files) >= 5, f"the check found too few upload routes to be working: {takes_files}"
    assert takes_files <= set(limit.kwargs["uploads"]), (
        f"upload routes without a limit: {takes_files - set(limit.kwargs['uploads'])}"
    )

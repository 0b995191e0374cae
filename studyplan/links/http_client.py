"""A small HTTP/1.1 client for the link checker: one request, its head, maybe a prefix.

The checker asks whether an address answers, not for its content, so a full HTTP client is
more than it needs and costs it twice: some 170 ms to import aiohttp (and 50 ms for asyncio)
before the first request can leave, and a quarter of a millisecond of CPU per request. This
client runs as tasks of the checker's event loop (:mod:`studyplan.links.event_loop`: each
call is a generator to ``yield from``) over non-blocking sockets, and does only what a link
check needs:

- ``HEAD`` or ``GET`` with a few fixed headers, over a kept-alive connection per origin
  (scheme, host, port) when the server allows it; TLS with the system's certificates and
  host-name checks (the TLS module and its context load on the first ``https`` address);
- the response head only, bounded (64 kB a line, 512 fields), or for ``GET`` a bounded
  prefix of the body (``Content-Length``, chunked or until close; gzip and deflate decoded);
  a ``GET`` connection is always closed afterwards, so a body of any size is never read;
- one deadline for the whole request (connect, send, head, prefix);
- no redirects, retries, cookies or proxies: the checker does the first two by hand and
  wants none of the others.

Name resolution (``getaddrinfo``, which blocks) runs in the loop's helper threads; an IP
literal needs none.
"""

from __future__ import annotations

import _socket  # socket's core: the socket module itself costs 2 ms of enums at import
import contextlib
import errno
import os
import re
import select
import time
from collections import OrderedDict

from studyplan.links.event_loop import in_thread, readable, writable
from studyplan.links.plain_url import split_plain

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    import ssl
    from collections.abc import Generator
    from typing import Any

MAX_LINE_BYTES = 64 * 1024
"""The longest status or header line accepted (real sites send 10 kB+ policy headers)."""
MAX_HEADERS = 512
"""The most header fields accepted in one response."""
MAX_HEAD_BYTES = 1024 * 1024
"""The largest response head accepted in all."""
KEEPALIVE_SECONDS = 30.0
"""An idle connection older than this is closed rather than reused."""
FRESH_SECONDS = 1.0
"""An idle connection younger than this is reused without asking whether it was closed."""
MAX_IDLE = 64
"""Idle connections kept at most, over all origins (each holds a file descriptor)."""
RESERVED_FILES = 48
"""Descriptors left for everything but sockets: standard streams, the database and its
journal, the pipe to the storing process, the selector, certificates being read."""

_STATUS_LINE = re.compile(rb"HTTP/(\d)\.(\d) (\d{3})(?: |$)")
_PATH_SAFE = "!#$%&'()*+,/:;=?@[]~"
"""What stays as written in a request target: reserved characters and escapes already made
(as requests' ``requote_uri``); spaces and non-ASCII characters are percent-encoded."""


_TO_QUOTE = re.compile(r"[^A-Za-z0-9!#$%&'()*+,/:;=?@\[\]~._-]")
"""A character the request target cannot carry as written (most paths have none)."""


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.x, or is larger than the limits allow."""


class ConnectionDropped(ConnectionError):
    """The connection closed before a complete response head arrived."""


class Response:
    """A response: its status, its header fields (names lower-cased) and maybe a body prefix."""

    __slots__ = ("body", "headers", "status", "truncated")

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status = status
        self.headers = headers
        self.body = b""
        self.truncated = False
        """Whether the body went on beyond the prefix read."""


class _Connection:
    """One socket to an origin (non-blocking; TLS-wrapped for https)."""

    __slots__ = ("idle_since", "origin", "reused", "sock", "tls")

    def __init__(self, sock: _socket.socket, origin: tuple[str, str, int], tls: bool) -> None:
        self.sock = sock
        self.origin = origin
        self.tls = tls
        self.reused = False
        self.idle_since = 0.0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def recv(self, deadline: float, wait_first: bool = False) -> Generator[Any, Any, bytes]:
        """Bytes that arrived (b"" once the server has closed), waiting until some do.

        ``wait_first``: nothing can have arrived yet (a request just left), so wait before
        asking the socket (a system call and an exception saved per request).
        """
        sock = self.sock
        if wait_first and not self.tls:  # TLS may hold decrypted bytes the socket does not
            yield readable(sock, deadline)
        while True:
            if time.monotonic() > deadline:  # a server dripping bytes forever stops here
                raise TimeoutError("the request took longer than its timeout")
            try:
                return sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                yield readable(sock, deadline)
            except OSError as exc:
                if not self.tls:
                    raise
                yield _tls_wait(exc, sock, deadline)

    def send_all(self, data: bytes, deadline: float) -> Generator[Any, Any, None]:
        """Send every byte of ``data``, waiting while the socket is full."""
        sock = self.sock
        view = memoryview(data)
        while view:
            try:
                view = view[sock.send(view) :]
            except (BlockingIOError, InterruptedError):
                yield writable(sock, deadline)
            except OSError as exc:
                if not self.tls:
                    raise
                yield _tls_wait(exc, sock, deadline)


def _tls_wait(exc: OSError, sock: _socket.socket, deadline: float) -> tuple[Any, ...]:
    """The wait a non-blocking TLS call asks for (``SSLWantRead/WriteError``); else re-raise."""
    import ssl

    if isinstance(exc, ssl.SSLWantReadError):
        return readable(sock, deadline)
    if isinstance(exc, ssl.SSLWantWriteError):
        return writable(sock, deadline)
    raise exc


class Target:
    """Where one request goes, parsed once from its URL.

    Raises ValueError for an address that cannot be requested (a bad port, an IDNA error).
    """

    __slots__ = ("host", "host_header", "origin", "path", "port", "scheme")

    def __init__(self, url: str) -> None:
        plain = split_plain(url)
        if plain is not None:
            scheme, host, number, path, query = plain
        else:
            from urllib.parse import urlsplit

            parts = urlsplit(url)
            scheme, host = parts.scheme.lower(), parts.hostname or ""
            number, path, query = parts.port, parts.path, parts.query
        if scheme not in ("http", "https"):
            raise ValueError(f"not an http or https address: {url}")
        if not host:
            raise ValueError(f"no host in {url}")
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
        default = 443 if scheme == "https" else 80
        port = number or default
        self.scheme = scheme
        self.host = host
        self.port = port
        shown = f"[{host}]" if ":" in host else host
        self.host_header = shown if port == default else f"{shown}:{port}"
        self.origin = (scheme, host, port)
        path = path or "/"
        if query:
            path = f"{path}?{query}"
        self.path = _quoted(path) if _TO_QUOTE.search(path) else path


def _quoted(path: str) -> str:
    """``path`` with what a request target cannot carry percent-encoded."""
    from urllib.parse import quote

    return quote(path, safe=_PATH_SAFE)


def _numeric_address(host: str, port: int) -> list[tuple[Any, ...]] | None:
    """``getaddrinfo``'s answer for an IP literal, without asking a resolver; else None."""
    for family in (_socket.AF_INET, _socket.AF_INET6):
        try:
            _socket.inet_pton(family, host)
        except OSError:
            continue
        address = (host, port) if family == _socket.AF_INET else (host, port, 0, 0)
        return [(family, _socket.SOCK_STREAM, 0, "", address)]
    return None


class Pool:
    """Kept-alive connections per origin and the TLS context, for the event loop's tasks.

    Used from the loop's thread only. :meth:`close` closes the idle connections.
    """

    def __init__(self, user_agent: str, max_idle: int = MAX_IDLE) -> None:
        self._head = f"User-Agent: {user_agent}\r\nAccept: */*\r\n"
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._by_age: OrderedDict[_Connection, None] = OrderedDict()
        """Every idle connection, the one given back longest ago first."""
        self._max_idle = max_idle
        self._tls: ssl.SSLContext | None = None
        self._not_reused: set[tuple[str, str, int]] = set()
        """Origins that closed a kept-alive connection under a request: new ones for them."""

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            import ssl

            context = ssl.create_default_context()
            context.set_alpn_protocols(["http/1.1"])
            self._tls = context
        return self._tls

    def _take(self, origin: tuple[str, str, int]) -> _Connection | None:
        """A kept-alive connection to ``origin`` the server has not closed, or None."""
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            del self._by_age[conn]
            rested = now - conn.idle_since
            # a server closes an idle connection after seconds, not milliseconds: a select()
            # per request would cost more than the rare dropped connection (retried anyway)
            if rested <= KEEPALIVE_SECONDS and (rested < FRESH_SECONDS or _still_open(conn.sock)):
                conn.reused = True
                return conn
            conn.close()
        return None

    def _connect(self, target: Target, deadline: float) -> Generator[Any, Any, _Connection]:
        infos = _numeric_address(target.host, target.port)
        if infos is None:
            infos = yield in_thread(
                _socket.getaddrinfo, target.host, target.port, 0, _socket.SOCK_STREAM
            )
        failure: OSError | None = None
        # the TLS module wraps sockets of the socket module's own class (loaded with it)
        kind_of_socket = _tls_socket_class() if target.scheme == "https" else _socket.socket
        for family, kind, proto, _name, address in infos:
            sock = kind_of_socket(family, kind, proto)
            try:
                sock.setblocking(False)
                code = sock.connect_ex(address)
                if code in _IN_PROGRESS:
                    yield writable(sock, deadline)
                    code = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_ERROR)
                if code:
                    raise OSError(code, os.strerror(code))
                sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
                if target.scheme == "https":
                    sock = yield from self._handshake(sock, target.host, deadline)
                return _Connection(sock, target.origin, target.scheme == "https")
            except TimeoutError:
                sock.close()
                raise
            except OSError as exc:  # this address failed: try the next one
                sock.close()
                failure = exc
            except BaseException:
                sock.close()
                raise
        raise failure or OSError(f"no address for {target.host}")

    def _handshake(
        self, sock: _socket.socket, host: str, deadline: float
    ) -> Generator[Any, Any, _socket.socket]:
        secure = self._tls_context().wrap_socket(
            sock,  # type: ignore[arg-type]  # a socket.socket: see _tls_socket_class
            server_hostname=host,
            do_handshake_on_connect=False,
        )
        while True:
            try:
                secure.do_handshake()
                return secure
            except OSError as exc:
                yield _tls_wait(exc, secure, deadline)

    def _give_back(self, conn: _Connection, keep: bool) -> None:
        if keep and conn.origin not in self._not_reused:
            conn.idle_since = time.monotonic()
            self._idle.setdefault(conn.origin, []).append(conn)
            self._by_age[conn] = None
            if len(self._by_age) > self._max_idle:  # a catalog of many hosts: close the oldest
                oldest, _ = self._by_age.popitem(last=False)
                self._idle[oldest.origin].remove(oldest)
                oldest.close()
        else:
            conn.close()

    def _stop_reusing(self, origin: tuple[str, str, int]) -> None:
        """``origin`` closed a kept-alive connection: close its idle ones, keep no more.

        A server may close a connection after answering without saying so; the other
        connections it left idle are then as likely closed, and a retry over one of them
        would fail the same way (a link reported dead that is alive).
        """
        self._not_reused.add(origin)
        for conn in self._idle.pop(origin, ()):
            del self._by_age[conn]
            conn.close()

    def close(self) -> None:
        """Close the idle connections."""
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
        self._by_age.clear()

    def request(
        self, method: str, target: Target, timeout: float, body_limit: int = 0
    ) -> Generator[Any, Any, Response]:
        """Send ``method`` to ``target``; the response head (and up to ``body_limit`` bytes).

        A task of the event loop (``yield from``). The whole exchange must end within
        ``timeout`` seconds (``TimeoutError``). Raises OSError for network failures (refused,
        reset, DNS, TLS), :class:`ConnectionDropped` when the server hangs up before
        answering, :class:`ProtocolError` for an answer that is not HTTP.
        """
        deadline = time.monotonic() + timeout
        conn = self._take(target.origin)
        if conn is None:
            conn = yield from self._connect(target, deadline)
        keep = False
        try:
            extra = "Accept-Encoding: gzip, deflate\r\n" if body_limit else ""
            head = (
                f"{method} {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n"
                f"{self._head}{extra}\r\n"
            )
            try:
                yield from conn.send_all(head.encode("latin-1", "strict"), deadline)
                response, rest = yield from _read_head(conn, deadline)
            except (ConnectionDropped, ConnectionResetError, BrokenPipeError):
                if conn.reused:
                    self._stop_reusing(conn.origin)
                raise
            if method == "HEAD" or response.status in (204, 304):
                keep = not rest and _keep_alive(response)
            elif body_limit:
                yield from _read_body(conn, response, rest, body_limit, deadline)
            return response
        finally:
            self._give_back(conn, keep)


def _tls_socket_class() -> type[_socket.socket]:
    """:class:`socket.socket`, for an https address (only TLS needs more than ``_socket``)."""
    import socket

    return socket.socket


_IN_PROGRESS = (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN)


def socket_room(wanted: int) -> int:
    """How many sockets this process may hold at once, at most ``wanted``.

    The soft limit on open files is raised towards the hard one if ``wanted`` sockets would
    not fit (macOS starts shells at 256); :data:`RESERVED_FILES` are left for the rest.
    """
    needed = wanted + RESERVED_FILES
    try:  # the soft limit, without loading resource (0.2 ms before the first request)
        if os.sysconf("SC_OPEN_MAX") >= needed:
            return wanted
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows) or no such name
        pass
    try:
        import resource
    except ImportError:  # not on Windows, whose limit is far higher
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted
    raised = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    except (ValueError, OSError):
        pass
    return max(2, min(wanted, soft - RESERVED_FILES))


def _still_open(sock: _socket.socket) -> bool:
    """Whether an idle connection is still open: nothing to read (a close or stray bytes)."""
    try:
        readable_now, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable_now


def _read_head(conn: _Connection, deadline: float) -> Generator[Any, Any, tuple[Response, bytes]]:
    """The next final (non-1xx) response head, and the bytes received after it."""
    buffer = b""
    first = True
    while True:
        end = buffer.find(b"\r\n\r\n")
        while end < 0:
            if len(buffer) > MAX_HEAD_BYTES:
                raise ProtocolError("response head larger than 1 MB")
            chunk = yield from conn.recv(deadline, first)
            first = False
            if not chunk:
                if buffer:
                    raise ConnectionDropped("connection closed in the middle of the response")
                if conn.reused:
                    raise ConnectionDropped("the server closed the kept-alive connection")
                raise ConnectionDropped("connection closed without a response")
            buffer += chunk
            end = buffer.find(b"\r\n\r\n", max(0, len(buffer) - len(chunk) - 3))
        head, buffer = buffer[:end], buffer[end + 4 :]
        response = _parse_head(head)
        if not 100 <= response.status < 200 or response.status == 101:
            return response, buffer


def _parse_head(head: bytes) -> Response:
    lines = head.split(b"\r\n")
    match = _STATUS_LINE.match(lines[0])
    if match is None:
        shown = lines[0][:60].decode("latin-1")
        raise ProtocolError(f"not an HTTP response: {shown!r}")
    if len(lines) - 1 > MAX_HEADERS:
        raise ProtocolError(f"more than {MAX_HEADERS} header fields")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if len(line) > MAX_LINE_BYTES:
            raise ProtocolError("a header line longer than 64 kB")
        name, sep, value = line.partition(b":")
        if not sep or not name or name[-1:].isspace():
            if line[:1] in (b" ", b"\t"):
                continue  # an obsolete folded line: part of the previous field, not needed
            raise ProtocolError(f"malformed header line: {line[:60].decode('latin-1')!r}")
        key = name.decode("latin-1").lower()
        text = value.strip().decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    response = Response(int(match.group(3)), headers)
    response.headers.setdefault(":version", f"{match.group(1).decode()}.{match.group(2).decode()}")
    return response


def _keep_alive(response: Response) -> bool:
    """Whether the server lets the connection carry another request."""
    field = response.headers.get("connection")
    tokens = {t.strip().lower() for t in field.split(",")} if field else ()
    if response.headers.get(":version") == "1.1":
        return "close" not in tokens
    return "keep-alive" in tokens


def _read_body(
    conn: _Connection, response: Response, rest: bytes, limit: int, deadline: float
) -> Generator[Any, Any, None]:
    """Read at most ``limit`` bytes of the body (decoded) into ``response.body``."""
    import zlib

    encoding = response.headers.get("content-encoding", "").strip().lower()
    decoder = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None
    if encoding and decoder is None and encoding != "identity":
        raise ProtocolError(f"the page is sent {encoding}-encoded, which cannot be read here")
    chunks: list[bytes] = []
    size = 0
    pieces = _chunked if _is_chunked(response) else _plain
    complete = True
    # at most ``limit`` bytes as sent: compressed, they hold at least as much text
    for piece in (yield from pieces(conn, rest, deadline, response, limit)):
        if decoder is not None:
            try:
                piece = decoder.decompress(piece, limit - size + 1)
            except zlib.error as exc:
                raise ProtocolError(f"the page's {encoding} encoding is damaged ({exc})") from None
        chunks.append(piece)
        size += len(piece)
        if size > limit:
            complete = False
            break
    body = b"".join(chunks)
    response.body = body[:limit]
    response.truncated = not complete or len(body) > limit


def _is_chunked(response: Response) -> bool:
    return "chunked" in response.headers.get("transfer-encoding", "").lower()


def _plain(
    conn: _Connection, rest: bytes, deadline: float, response: Response, limit: int
) -> Generator[Any, Any, list[bytes]]:
    """The body's bytes: up to Content-Length, else until the server closes (bounded)."""
    length_text = response.headers.get("content-length", "").strip()
    left = int(length_text) if length_text.isdigit() else -1
    pieces: list[bytes] = []
    received = 0
    if rest:
        if left >= 0:
            rest = rest[:left]
            left -= len(rest)
        pieces.append(rest)
        received += len(rest)
    while left != 0 and received <= limit:
        chunk = yield from conn.recv(deadline)
        if not chunk:
            break
        if left > 0:
            chunk = chunk[:left]
            left -= len(chunk)
        pieces.append(chunk)
        received += len(chunk)
    return pieces


def _chunked(
    conn: _Connection, rest: bytes, deadline: float, response: Response, limit: int
) -> Generator[Any, Any, list[bytes]]:
    """The body's bytes of a chunked transfer (bounded)."""
    buffer = rest
    pieces: list[bytes] = []
    received = 0
    while received <= limit:
        while b"\r\n" not in buffer:
            if len(buffer) > MAX_LINE_BYTES:
                raise ProtocolError("a chunk size line longer than 64 kB")
            chunk = yield from conn.recv(deadline)
            if not chunk:
                return pieces
            buffer += chunk
        line, buffer = buffer.split(b"\r\n", 1)
        try:
            size = int(line.split(b";", 1)[0].strip() or b"x", 16)
        except ValueError:
            raise ProtocolError("a malformed chunk size") from None
        if size == 0:
            return pieces
        while size:  # the chunk's data as it arrives: a chunk may be larger than the limit
            if received > limit:
                return pieces
            if not buffer:
                buffer = yield from conn.recv(deadline)
                if not buffer:
                    return pieces
            piece, buffer = buffer[:size], buffer[size:]
            pieces.append(piece)
            size -= len(piece)
            received += len(piece)
        while len(buffer) < 2:  # the line end after the chunk's data
            chunk = yield from conn.recv(deadline)
            if not chunk:
                return pieces
            buffer += chunk
        buffer = buffer[2:]
    return pieces

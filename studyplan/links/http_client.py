"""A small blocking HTTP/1.1 client for the link checker: one request, its head, maybe a prefix.

The checker asks whether an address answers, not for its content, so a full HTTP client is
more than it needs and costs it twice: some 170 ms to import aiohttp (and 50 ms for asyncio)
before the first request can leave, and a quarter of a millisecond of CPU per request. This
client does only what a link check needs:

- ``HEAD`` or ``GET`` with a few fixed headers, over a kept-alive connection per origin
  (scheme, host, port) when the server allows it; TLS with the system's certificates and
  host-name checks (the TLS module and its context load on the first ``https`` address);
- the response head only, bounded (64 kB a line, 512 fields), or for ``GET`` a bounded
  prefix of the body (``Content-Length``, chunked or until close; gzip and deflate decoded);
  a ``GET`` connection is always closed afterwards, so a body of any size is never read;
- one deadline for the whole request (connect, send, head, prefix);
- no redirects, retries, cookies or proxies: the checker does the first two by hand and
  wants none of the others.

Every blocking call runs in the checker's worker threads; :meth:`Pool.abort` unblocks them.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections import deque
from urllib.parse import quote, urlsplit

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterator

MAX_LINE_BYTES = 64 * 1024
"""The longest status or header line accepted (real sites send 10 kB+ policy headers)."""
MAX_HEADERS = 512
"""The most header fields accepted in one response."""
MAX_HEAD_BYTES = 1024 * 1024
"""The largest response head accepted in all."""
KEEPALIVE_SECONDS = 30.0
"""An idle connection older than this is closed rather than reused."""

_STATUS_LINE = re.compile(rb"HTTP/(\d)\.(\d) (\d{3})(?: |$)")
_PATH_SAFE = "!#$%&'()*+,/:;=?@[]~"
"""What stays as written in a request target: reserved characters and escapes already made
(as requests' ``requote_uri``); spaces and non-ASCII characters are percent-encoded."""


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
    """One socket to an origin and the bytes received beyond the last response."""

    __slots__ = ("idle_since", "origin", "reused", "sock")

    def __init__(self, sock: socket.socket, origin: tuple[str, str, int]) -> None:
        self.sock = sock
        self.origin = origin
        self.reused = False
        self.idle_since = 0.0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class Target:
    """Where one request goes, parsed once from its URL.

    Raises ValueError for an address that cannot be requested (a bad port, an IDNA error).
    """

    __slots__ = ("host", "host_header", "origin", "path", "port", "scheme")

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"not an http or https address: {url}")
        host = parts.hostname or ""
        if not host:
            raise ValueError(f"no host in {url}")
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
        default = 443 if scheme == "https" else 80
        port = parts.port or default
        self.scheme = scheme
        self.host = host
        self.port = port
        shown = f"[{host}]" if ":" in host else host
        self.host_header = shown if port == default else f"{shown}:{port}"
        self.origin = (scheme, host, port)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        self.path = quote(path, safe=_PATH_SAFE)


class Pool:
    """Kept-alive connections per origin, and the TLS context, shared by the worker threads.

    ``request`` is safe to call from many threads at once. :meth:`abort` closes every
    connection, idle or busy, so that threads blocked on one return at once (with an error).
    """

    def __init__(self, user_agent: str) -> None:
        self._head = f"User-Agent: {user_agent}\r\nAccept: */*\r\n"
        self._idle: dict[tuple[str, str, int], deque[_Connection]] = {}
        self._busy: set[_Connection] = set()
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        self._aborted = False

    # ------------------------------------------------------------------ connections
    def _tls_context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                import ssl

                context = ssl.create_default_context()
                context.set_alpn_protocols(["http/1.1"])
                self._tls = context
            return self._tls

    def _take(self, origin: tuple[str, str, int]) -> _Connection | None:
        """A kept-alive connection to ``origin`` the server has not closed, or None."""
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(origin)
                if not idle:
                    return None
                conn = idle.pop()
                self._busy.add(conn)
            if now - conn.idle_since <= KEEPALIVE_SECONDS and _still_open(conn.sock):
                conn.reused = True
                return conn
            self._give_back(conn, keep=False)

    def _connect(self, target: Target, deadline: float) -> _Connection:
        sock = socket.create_connection((target.host, target.port), timeout=_left(deadline))
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if target.scheme == "https":
                sock.settimeout(_left(deadline))
                sock = self._tls_context().wrap_socket(sock, server_hostname=target.host)
        except BaseException:
            sock.close()
            raise
        conn = _Connection(sock, target.origin)
        with self._lock:
            if self._aborted:
                conn.close()
                raise ConnectionDropped("the check was stopped")
            self._busy.add(conn)
        return conn

    def _give_back(self, conn: _Connection, keep: bool) -> None:
        with self._lock:
            self._busy.discard(conn)
            if keep and not self._aborted:
                conn.idle_since = time.monotonic()
                self._idle.setdefault(conn.origin, deque()).append(conn)
                return
        conn.close()

    def abort(self) -> None:
        """Close every connection now; requests in flight fail, later ones are refused."""
        with self._lock:
            self._aborted = True
            conns = [c for idle in self._idle.values() for c in idle] + list(self._busy)
            self._idle.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self) -> None:
        """Close the idle connections (the busy ones close as their requests end)."""
        with self._lock:
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for conn in conns:
            conn.close()

    # ---------------------------------------------------------------------- request
    def request(self, method: str, target: Target, timeout: float, body_limit: int = 0) -> Response:
        """Send ``method`` to ``target``; the response head (and up to ``body_limit`` bytes).

        The whole exchange must end within ``timeout`` seconds (``TimeoutError``). Raises
        OSError for network failures (refused, reset, DNS, TLS), :class:`ConnectionDropped`
        when the server hangs up before answering, :class:`ProtocolError` for an answer that
        is not HTTP.
        """
        deadline = time.monotonic() + timeout
        conn = self._take(target.origin) or self._connect(target, deadline)
        keep = False
        try:
            extra = "Accept-Encoding: gzip, deflate\r\n" if body_limit else ""
            head = (
                f"{method} {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n"
                f"{self._head}{extra}\r\n"
            )
            sock = conn.sock
            sock.settimeout(_left(deadline))
            sock.sendall(head.encode("latin-1", "strict"))
            response, rest = _read_head(sock, deadline, conn.reused)
            if method == "HEAD" or response.status in (204, 304):
                keep = not rest and _keep_alive(response)
            elif body_limit:
                _read_body(sock, response, rest, body_limit, deadline)
            return response
        finally:
            self._give_back(conn, keep)


def _left(deadline: float) -> float:
    """Seconds left before ``deadline``; TimeoutError when none is."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the request took longer than its timeout")
    return left


def _still_open(sock: socket.socket) -> bool:
    """Whether an idle connection is still open (nothing to read, not closed by the server)."""
    try:
        sock.settimeout(0)  # with a timeout set, recv would first wait for data that long
        data = sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    del data  # closed (b"") or bytes nobody asked for: either way not reusable
    return False


def _recv(sock: socket.socket, deadline: float) -> bytes:
    sock.settimeout(_left(deadline))
    return sock.recv(65536)


def _read_head(sock: socket.socket, deadline: float, reused: bool) -> tuple[Response, bytes]:
    """The next final (non-1xx) response head, and the bytes received after it."""
    buffer = b""
    while True:
        end = buffer.find(b"\r\n\r\n")
        while end < 0:
            if len(buffer) > MAX_HEAD_BYTES:
                raise ProtocolError("response head larger than 1 MB")
            chunk = _recv(sock, deadline)
            if not chunk:
                if buffer:
                    raise ConnectionDropped("connection closed in the middle of the response")
                if reused:
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
    tokens = {t.strip().lower() for t in response.headers.get("connection", "").split(",")}
    if response.headers.get(":version") == "1.1":
        return "close" not in tokens
    return "keep-alive" in tokens


def _read_body(
    sock: socket.socket, response: Response, rest: bytes, limit: int, deadline: float
) -> None:
    """Read at most ``limit`` bytes of the body (decoded) into ``response.body``."""
    import zlib

    encoding = response.headers.get("content-encoding", "").strip().lower()
    decoder = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None
    if encoding and decoder is None and encoding != "identity":
        raise ProtocolError(f"the page is sent {encoding}-encoded, which cannot be read here")
    chunks: list[bytes] = []
    size = 0

    def keep(data: bytes) -> bool:
        nonlocal size
        if decoder is not None:
            data = decoder.decompress(data, limit - size)
        chunks.append(data)
        size += len(data)
        return size < limit

    if _is_chunked(response):
        raw = _chunked(sock, rest, deadline)
    else:
        raw = _plain(sock, rest, deadline, response)
    complete = True
    for piece in raw:
        if not keep(piece):
            complete = False
            break
    body = b"".join(chunks)
    response.body = body[:limit]
    response.truncated = not complete or len(body) > limit


def _is_chunked(response: Response) -> bool:
    return "chunked" in response.headers.get("transfer-encoding", "").lower()


def _plain(
    sock: socket.socket, rest: bytes, deadline: float, response: Response
) -> Iterator[bytes]:
    """The body's bytes as they arrive: up to Content-Length, else until the server closes."""
    length_text = response.headers.get("content-length", "").strip()
    left = int(length_text) if length_text.isdigit() else -1
    if rest:
        if left >= 0:
            rest = rest[:left]
            left -= len(rest)
        yield rest
    while left != 0:
        chunk = _recv(sock, deadline)
        if not chunk:
            return
        if left > 0:
            chunk = chunk[:left]
            left -= len(chunk)
        yield chunk


def _chunked(sock: socket.socket, rest: bytes, deadline: float) -> Iterator[bytes]:
    """The body's bytes of a chunked transfer, as they arrive."""
    buffer = rest
    while True:
        while b"\r\n" not in buffer:
            if len(buffer) > MAX_LINE_BYTES:
                raise ProtocolError("a chunk size line longer than 64 kB")
            chunk = _recv(sock, deadline)
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b"\r\n", 1)
        try:
            size = int(line.split(b";", 1)[0].strip() or b"x", 16)
        except ValueError:
            raise ProtocolError("a malformed chunk size") from None
        if size == 0:
            return
        while len(buffer) < size + 2:
            chunk = _recv(sock, deadline)
            if not chunk:
                yield buffer[:size]
                return
            buffer += chunk
        yield buffer[:size]
        buffer = buffer[size + 2 :]

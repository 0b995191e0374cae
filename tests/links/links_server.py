"""A real HTTP/1.1 server on loopback addresses for link-checker tests and the benchmark.

It runs an asyncio loop in a daemon thread and serves the same port on each of the given
addresses (127.0.0.1, 127.0.0.2, …), so tests get several distinct "hosts". Behaviour is
chosen by the path:

==============================  =========================================================
``/ok``, anything unknown        200 (or 404 for ``/missing``, ``/status/<code>``)
``/delay/<ms>/...``              waits, then 200
``/moved`` / ``/temp``           301 / 302 to ``/ok``
``/chain/<n>``                   301 to ``/chain/<n-1>``; ``/chain/0`` is 200
``/loop/a`` ``/loop/b``          302 to each other, forever
``/ratelimit/<key>?n=&after=``   429 with ``Retry-After: after`` the first n times, then 200
``/ratelimit-date/<key>?n=``     429 with an HTTP-date Retry-After two seconds ahead
``/flaky/<key>?n=&code=``        ``code`` (default 503) the first n times, then 200
``/drop/<key>?n=``               closes the connection without answering n times, then 200
``/keepalive/<key>``             200 as a connection's first request; any later request on
                                 the same (kept-alive) connection: closed without an answer
``/garbage``                     answers with a line that is not HTTP, then closes
``/badredirect``                 302 to ``http://[::1/x``, an address that cannot be parsed
``/nohead``                      HEAD 405, GET 200
``/forbidden``                   403 always
``/hang``                        never answers
``/gate/<key>``                  waits until the test calls ``open_gate(key)``, then 200
``/endless``                     HEAD 405; GET streams an endless body (counts bytes sent)
``/vi/<id>/0.jpg``               a YouTube thumbnail stand-in: 200 for ids in ``videos``
``/bigheaders``                  200 with a 20 kB header and 200 more (as some sites send)
``/page/<name>?chunked=&gzip=``  the page ``add_page(name, …)`` registered, with its
                                 Content-Type (404 if none); ``chunked=1`` sends it in
                                 7-byte chunks, ``gzip=1`` gzip-encoded (both may be given),
                                 ``gzip=bad`` says gzip but sends it as it is
``/goto/<name>``                 302 to ``/page/<name>``
``/bigpage/<key>?size=&chunk=``  an HTML page of ``size`` bytes (64 MiB by default):
                                 ``id="early"`` at its start, ``id="late"`` at its end;
                                 ``body_bytes[path]`` counts the body bytes sent; with
                                 ``chunk=<bytes>`` sent chunked, in chunks of that size
``/continue``                    a ``100 Continue`` interim response, then 200
``/closing``                     200 with ``Connection: close``; the connection stays open
                                 (a client that ignored the header would send on it)
``/http10``                      an HTTP/1.0 200 without ``keep-alive``; stays open too
``/hangsup/<key>``               200 as HTTP/1.1 without ``Connection: close``, then the
                                 server closes the connection (as it may at any time)
``/headbody``                    200 with a body even for HEAD (which must have none)
``/hugehead/<kind>``             a response head over the client's limits: ``line`` (one
                                 70 kB line), ``fields`` (600 fields) or ``total`` (1.5 MB)
==============================  =========================================================

With ``tls=`` (a server-side :class:`ssl.SSLContext`), the same routes are also served over
TLS on 127.0.0.1, port ``tls_port`` (``tls_url(path)``).

It counts hits, the requests in flight per address and the highest number seen, the
connections accepted per address (``connections``) and when each request arrived, per
address (``arrivals``, ``time.perf_counter()`` values).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from urllib.parse import parse_qs, urlsplit

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ssl


class LinkServer:
    """The server; ``start()`` it, ``url(path, host=1)`` builds addresses, ``stop()`` ends it."""

    def __init__(
        self, hosts: int = 2, default_delay: float = 0.0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.tls = tls
        self.tls_port = 0
        """The port serving the same routes over TLS on 127.0.0.1 (with ``tls`` only)."""
        self.addresses = [f"127.0.0.{i}" for i in range(1, hosts + 1)]
        self.default_delay = default_delay
        self.port = 0
        self.plain_port = 0
        """A port that answers TLS handshakes with plain HTTP (for TLS failure tests)."""
        self.videos: set[str] = set()
        self._gates: dict[str, asyncio.Event] = {}
        self.hits: Counter[str] = Counter()
        self.methods: list[tuple[str, str]] = []
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.counters: Counter[str] = Counter()
        self.endless_bytes = 0
        self.pages: dict[str, tuple[str, bytes]] = {}
        """Name → (Content-Type, body) of what ``/page/<name>`` serves (see :meth:`add_page`)."""
        self.body_bytes: Counter[str] = Counter()
        """Body bytes sent per path, for the routes that stream (``/bigpage``)."""
        self.connections: Counter[str] = Counter()
        """Connections accepted per address."""
        self.arrivals: dict[str, list[float]] = {}
        """Per address, the ``time.perf_counter()`` at which each request arrived."""
        self.total_hits = 0
        self.first_hit_at: float | None = None
        """``time.perf_counter()`` of the first request since the last reset."""
        self.last_hit_at: float | None = None
        """``time.perf_counter()`` of the latest request since the last reset."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> LinkServer:
        """Start serving in a background thread; returns once every address listens."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._main(ready))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name="link-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(5)

    def reset(self) -> None:
        """Forget counts (between measurements)."""
        self.hits.clear()
        self.methods.clear()
        self.peak.clear()
        self.counters.clear()
        self.total_hits = 0
        self.endless_bytes = 0
        self.pages.clear()
        self.body_bytes.clear()
        self.connections.clear()
        self.arrivals.clear()
        self.first_hit_at = self.last_hit_at = None

    def add_page(self, name: str, body: str | bytes, content_type: str = "text/html") -> str:
        """Serve ``body`` at ``/page/<name>`` with ``content_type``; its path."""
        data = body.encode() if isinstance(body, str) else body
        self.pages[name] = (content_type, data)
        return f"/page/{name}"

    def open_gate(self, key: str) -> None:
        """Let every request to ``/gate/<key>`` (waiting or to come) be answered."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(lambda: self._gate(key).set())

    def _gate(self, key: str) -> asyncio.Event:
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = asyncio.Event()
        return gate

    def url(self, path: str, host: int = 1) -> str:
        """``http://127.0.0.<host>:<port><path>``."""
        return f"http://127.0.0.{host}:{self.port}{path}"

    def tls_url(self, path: str) -> str:
        """``https://127.0.0.1:<tls_port><path>`` (the server was made with ``tls``)."""
        return f"https://127.0.0.1:{self.tls_port}{path}"

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        servers = []
        for attempt in range(20):
            servers = []
            try:
                first = await asyncio.start_server(self._handle, self.addresses[0], 0, backlog=2048)
                servers.append(first)
                self.port = first.sockets[0].getsockname()[1]
                for address in self.addresses[1:]:
                    servers.append(
                        await asyncio.start_server(self._handle, address, self.port, backlog=2048)
                    )
                break
            except OSError:
                for server in servers:
                    server.close()
                if attempt == 19:
                    raise
        plain = await asyncio.start_server(self._not_tls, self.addresses[0], 0)
        servers.append(plain)
        self.plain_port = plain.sockets[0].getsockname()[1]
        if self.tls is not None:
            secure = await asyncio.start_server(self._handle, self.addresses[0], 0, ssl=self.tls)
            servers.append(secure)
            self.tls_port = secure.sockets[0].getsockname()[1]
        ready.set()
        await self._stop.wait()
        for server in servers:
            server.close()
        for writer in list(self._writers):
            writer.close()

    # ------------------------------------------------------------------- serving
    async def _not_tls(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer a TLS handshake with plain text: the client sees a TLS failure."""
        with contextlib.suppress(Exception):
            await reader.read(100)
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        self.connections[host] += 1
        self._writers.add(writer)
        try:
            for nth in itertools.count(1):
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                method, target = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[:2]
                keep = await self._serve(host, method, target, writer, nth)
                if not keep:
                    return
        except (ConnectionError, OSError):
            return
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(
        self, host: str, method: str, target: str, writer: asyncio.StreamWriter, nth: int = 1
    ) -> bool:
        """Count the request (``nth`` on its connection) and answer it; False to hang up."""
        parts = urlsplit(target)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.total_hits += 1
        self.hits[path] += 1
        self.last_hit_at = time.perf_counter()
        if self.first_hit_at is None:
            self.first_hit_at = self.last_hit_at
        self.methods.append((method, path))
        self.arrivals.setdefault(host, []).append(self.last_hit_at)
        self.active[host] += 1
        self.peak[host] = max(self.peak[host], self.active[host])
        try:
            if self.default_delay:
                await asyncio.sleep(self.default_delay)
            if path.startswith("/keepalive/") and nth > 1:
                writer.transport.abort()  # a kept-alive connection the server gave up on
                return False
            return await self._route(method, path, query, writer)
        finally:
            self.active[host] -= 1

    async def _route(
        self, method: str, path: str, query: dict[str, str], writer: asyncio.StreamWriter
    ) -> bool:
        pieces = path.strip("/").split("/")
        name = pieces[0]
        key = "/".join(pieces[:2])
        n = int(query.get("n", "1"))
        if name == "delay":
            await asyncio.sleep(int(pieces[1]) / 1000)
        elif name == "status":
            return self._reply(writer, method, int(pieces[1]))
        elif name == "missing":
            return self._reply(writer, method, 404)
        elif name == "forbidden":
            return self._reply(writer, method, 403)
        elif name == "moved":
            return self._reply(writer, method, 301, {"Location": "/ok"})
        elif name == "temp":
            return self._reply(writer, method, 302, {"Location": "/ok"})
        elif name == "chain":
            left = int(pieces[1])
            if left > 0:
                return self._reply(writer, method, 301, {"Location": f"/chain/{left - 1}"})
        elif name == "loop":
            other = "b" if pieces[1] == "a" else "a"
            return self._reply(writer, method, 302, {"Location": f"/loop/{other}"})
        elif name in ("ratelimit", "ratelimit-date", "flaky", "drop"):
            self.counters[key] += 1
            if self.counters[key] <= n:
                if name == "drop":
                    writer.transport.abort()
                    return False
                if name == "flaky":
                    return self._reply(writer, method, int(query.get("code", "503")))
                after = query.get("after", "0")
                if name == "ratelimit-date":
                    after = formatdate(time.time() + 2, usegmt=True)
                return self._reply(writer, method, 429, {"Retry-After": after})
        elif name == "garbage":
            writer.write(b"NOT HTTP AT ALL\r\n\r\n")
            return False
        elif name == "badredirect":
            return self._reply(writer, method, 302, {"Location": "http://[::1/x"})
        elif name == "nohead" and method == "HEAD":
            return self._reply(writer, method, 405)
        elif name == "hang":
            await asyncio.sleep(3600)
        elif name == "gate":
            await self._gate(pieces[1]).wait()
        elif name == "endless":
            if method == "HEAD":
                return self._reply(writer, method, 405)
            await self._endless(writer)
            return False
        elif name == "vi":
            return self._reply(writer, method, 200 if pieces[1] in self.videos else 404)
        elif name == "bigheaders":
            many = {f"X-Header-{i}": "x" * 40 for i in range(200)}
            return self._reply(
                writer, method, 200, {"Content-Security-Policy": "a" * 20000, **many}
            )
        elif name == "page":
            return self._page(writer, method, pieces[1], query)
        elif name == "goto":
            return self._reply(writer, method, 302, {"Location": f"/page/{pieces[1]}"})
        elif name == "bigpage":
            size, chunk = int(query.get("size", 64 * 1024 * 1024)), int(query.get("chunk", 0))
            await self._bigpage(writer, method, path, size, chunk)
            return False
        elif name == "continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        elif name == "closing":
            return self._reply(writer, method, 200, {"Connection": "close"})
        elif name == "http10":
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n")
            if method != "HEAD":
                writer.write(b"ok\n")
            return True
        elif name == "hangsup":
            self._reply(writer, method, 200)
            return False
        elif name == "headbody":
            return self._reply(writer, "GET", 200)
        elif name == "hugehead":
            return self._reply(writer, method, 200, _HUGE_HEADS[pieces[1]])
        return self._reply(writer, method, 200)

    def _reply(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        code: int,
        headers: dict[str, str] | None = None,
    ) -> bool:
        body = b"" if method == "HEAD" else b"ok\n"
        lines = [f"HTTP/1.1 {code} X", "Content-Length: 3", "Content-Type: text/plain"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        return True

    def _page(
        self, writer: asyncio.StreamWriter, method: str, name: str, query: dict[str, str]
    ) -> bool:
        """A registered page, maybe gzip-encoded, maybe in chunks (see :meth:`add_page`)."""
        if name not in self.pages:
            return self._reply(writer, method, 404)
        content_type, body = self.pages[name]
        headers = [f"Content-Type: {content_type}"]
        if query.get("gzip") in ("1", "bad"):
            body = gzip.compress(body) if query["gzip"] == "1" else body
            headers.append("Content-Encoding: gzip")
        chunked = query.get("chunked") == "1"
        if chunked:
            headers.append("Transfer-Encoding: chunked")
            payload = b"".join(
                b"%x;piece=%d\r\n%s\r\n" % (len(body[i : i + 7]), i, body[i : i + 7])
                for i in range(0, len(body), 7)
            )
            body = payload + b"0\r\n\r\n"
        else:
            headers.append(f"Content-Length: {len(body)}")
        head = "HTTP/1.1 200 OK\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n"
        writer.write(head.encode("latin-1") + (b"" if method == "HEAD" else body))
        return True

    async def _bigpage(
        self, writer: asyncio.StreamWriter, method: str, path: str, size: int, chunk: int
    ) -> None:
        """An HTML page of ``size`` bytes with anchors at both ends, counting what is sent;
        chunked, in chunks of ``chunk`` bytes, if that is not 0."""
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n")
        framing = b"Transfer-Encoding: chunked" if chunk else b"Content-Length: %d" % size
        writer.write(framing + b"\r\n\r\n")
        if method == "HEAD":
            return
        left = size  # body bytes still to send
        in_chunk = 0  # bytes still to send in the current chunk
        for piece in _big_page_pieces(size):
            while piece:
                if chunk and not in_chunk:
                    in_chunk = min(chunk, left)
                    writer.write(b"%x\r\n" % in_chunk)
                part = piece[:in_chunk] if chunk else piece
                piece = piece[len(part) :]
                writer.write(part)
                left -= len(part)
                self.body_bytes[path] += len(part)
                if chunk:
                    in_chunk -= len(part)
                    if not in_chunk:
                        writer.write(b"\r\n")
            await writer.drain()
        if chunk:
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    async def _endless(self, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n")
        writer.write(b"Content-Length: 1073741824\r\n\r\n")
        chunk = b"x" * 65536
        while True:
            writer.write(chunk)
            self.endless_bytes += len(chunk)
            await writer.drain()


def _big_page_pieces(size: int) -> Iterator[bytes]:
    """The bytes of ``/bigpage``'s body, ``size`` in all, in pieces of at most 64 KiB."""
    start, end = b'<html><body><p id="early">early</p>\n', b'<p id="late">late</p>\n'
    filler = b"<p>" + b"x" * (65536 - 7) + b"</p>"
    yield start
    left = size - len(start) - len(end)
    while left > 0:
        yield filler[:left]
        left -= len(filler)
    yield end


_HUGE_HEADS: dict[str, dict[str, str]] = {
    "line": {"X-Long": "a" * 70_000},
    "fields": {f"X-Field-{i}": "x" for i in range(600)},
    "total": {f"X-Big-{i}": "b" * 30_000 for i in range(50)},
}
"""Response heads over the client's limits (64 kB a line, 512 fields, 1 MB in all)."""

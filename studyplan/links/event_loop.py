"""A small event loop for the link checker: generator tasks over non-blocking sockets.

Why not asyncio: importing it costs some 50 ms before the first request can leave, and its
streams some 100 µs of CPU per request; threads cost as much in GIL hand-offs and context
switches (measured: 0.25 ms of CPU per request with 64 worker threads). A link check needs
four things, which this loop gives with one wait on the sockets per round
(:mod:`studyplan.links.pollers`: epoll on Linux):

- a task is a generator; it ``yield``\\ s a command and is resumed with its outcome:
  :func:`readable` / :func:`writable` (a socket, with a deadline: ``TimeoutError`` is thrown
  in when it passes), :func:`sleep`, :func:`in_thread` (a blocking call such as
  ``getaddrinfo``, run in a helper thread), :func:`park` (until :meth:`Loop.unpark`);
- :meth:`Loop.spawn` starts one; ``yield from`` composes them;
- :meth:`Loop.stop` from any thread ends the run: every task gets :class:`Stopped`;
- ``idle`` hooks run before each wait, so a caller can feed work as it is examined, and
  :attr:`Loop.quiet` tells them when nothing is waiting to be read.

Everything runs in the thread that calls :meth:`Loop.run`, except the blocking calls.
"""

from __future__ import annotations

import _socket  # socket's core: the socket module itself costs 2 ms of enums at import
import contextlib
import heapq
import threading
import time
from collections import deque

from studyplan.links.pollers import READ as _READ
from studyplan.links.pollers import WRITE as _WRITE
from studyplan.links.pollers import make_poller

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from typing import Any

    Task = Generator[tuple[Any, ...], Any, Any]


def _socketpair() -> tuple[_socket.socket, _socket.socket]:
    """Two connected sockets (the socket module's emulation where ``_socket`` has none)."""
    pair = getattr(_socket, "socketpair", None)
    if pair is None:
        import socket

        return socket.socketpair()
    first, second = pair()
    return first, second


class Stopped(Exception):
    """The loop was stopped (the check is being cancelled)."""


def readable(sock: _socket.socket, deadline: float) -> tuple[Any, ...]:
    """Command: resume when ``sock`` can be read, or throw TimeoutError at ``deadline``."""
    return ("io", sock, _READ, deadline)


def writable(sock: _socket.socket, deadline: float) -> tuple[Any, ...]:
    """Command: resume when ``sock`` can be written, or throw TimeoutError at ``deadline``."""
    return ("io", sock, _WRITE, deadline)


def sleep(seconds: float) -> tuple[Any, ...]:
    """Command: resume after ``seconds``."""
    return ("sleep", time.monotonic() + max(0.0, seconds))


def in_thread(call: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """Command: run ``call(*args)`` in a helper thread; resume with its result (or its error)."""
    return ("thread", call, args)


def park(key: object) -> tuple[Any, ...]:
    """Command: wait until :meth:`Loop.unpark` is called with ``key`` (or the deadline-less)."""
    return ("park", key)


class _Slot:
    """What one task waits for: a token so a stale wake-up (timer or socket) is ignored."""

    __slots__ = ("sock", "token")

    def __init__(self) -> None:
        self.token = 0
        self.sock: _socket.socket | None = None


class Loop:
    """Runs generator tasks until all have finished (see the module's description)."""

    def __init__(self) -> None:
        self._ready: deque[tuple[Task, Any, BaseException | None]] = deque()
        self._timers: list[tuple[float, int, Task, int]] = []
        self._slots: dict[Task, _Slot] = {}
        self._parked: dict[object, deque[Task]] = {}
        self._sequence = 0
        self._inbox: deque[tuple[Task, Any, BaseException | None]] = deque()
        self._inbox_lock = threading.Lock()
        self._wake_read, self._wake_write = _socketpair()
        self._wake_read.setblocking(False)
        self._wake_write.setblocking(False)
        self._poller = make_poller(self._wake_read)
        self._stopping = False
        self._helpers: list[threading.Thread] = []
        self._calls: deque[tuple[Task, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._calls_ready = threading.Condition(threading.Lock())
        self.idle: list[Callable[[], bool]] = []
        """Called before each wait; a hook returning True asks for another round at once."""
        self.quiet = False
        """Whether the last wait found no socket ready: a lull, when work that can wait
        (bookkeeping) does not hold up an answer that arrived."""

    # ------------------------------------------------------------------ tasks
    def spawn(self, task: Task) -> None:
        """Start ``task`` at the next round."""
        self._slots[task] = _Slot()
        self._ready.append((task, None, None))

    def start(self, task: Task) -> None:
        """Start ``task`` now: it runs until its first wait before this call returns."""
        self._slots[task] = _Slot()
        self._step(task, None, None)

    def unpark(self, key: object, count: int = 1) -> int:
        """Resume up to ``count`` tasks parked on ``key``; how many were."""
        waiting = self._parked.get(key)
        woken = 0
        while waiting and woken < count:
            self._ready.append((waiting.popleft(), None, None))
            woken += 1
        if waiting is not None and not waiting:
            del self._parked[key]
        return woken

    def stop(self) -> None:
        """End the run soon, from any thread: every task gets :class:`Stopped`."""
        self._stopping = True
        self._poke()

    def _poke(self) -> None:
        with contextlib.suppress(OSError):  # full (already poked) or closed (the run is over)
            self._wake_write.send(b"x")

    # -------------------------------------------------------------------- run
    def run(self) -> None:
        """Run while tasks are alive or an ``idle`` hook has work; a task's error propagates."""
        try:
            while True:
                if self._stopping:
                    self._stop_all()
                    break
                while self._ready:
                    task, value, error = self._ready.popleft()
                    self._step(task, value, error)
                again = any([hook() for hook in self.idle])
                if not self._slots and not again and not self._ready:
                    break
                if self._ready or again:
                    timeout: float | None = 0.0
                elif self._timers:
                    timeout = max(0.0, self._timers[0][0] - time.monotonic())
                else:
                    timeout = None
                ready = self._poller.poll(timeout)
                self.quiet = not ready
                for data in ready:
                    if data is None:
                        self._drain_wake()
                    else:
                        self._wake(data[0], data[1], None, True)
                self._fire_timers()
        finally:
            self._close()

    def _step(self, task: Task, value: Any, error: BaseException | None) -> None:
        slot = self._slots.get(task)
        if slot is None:
            return
        slot.token += 1
        if slot.sock is not None:
            self._poller.cancel(slot.sock)
            slot.sock = None
        try:
            command = task.throw(error) if error is not None else task.send(value)
        except StopIteration:
            del self._slots[task]
            return
        except BaseException:
            del self._slots[task]
            raise
        kind = command[0]
        if kind == "io":
            _, sock, events, deadline = command
            self._poller.wait(sock, events, (task, slot.token))
            slot.sock = sock
            self._timer(deadline, task, slot.token)
        elif kind == "sleep":
            self._timer(command[1], task, slot.token)
        elif kind == "park":
            self._parked.setdefault(command[1], deque()).append(task)
        elif kind == "thread":
            self._call_in_thread(task, command[1], command[2])
        else:  # a bug in a task
            raise ValueError(f"unknown event-loop command {command!r}")

    def _timer(self, when: float, task: Task, token: int) -> None:
        self._sequence += 1
        heapq.heappush(self._timers, (when, self._sequence, task, token))

    def _fire_timers(self) -> None:
        now = time.monotonic()
        timers = self._timers
        while timers and timers[0][0] <= now:
            _, _, task, token = heapq.heappop(timers)
            slot = self._slots.get(task)
            if slot is None or slot.token != token:
                continue  # already woken by its socket
            if slot.sock is not None:
                self._wake(task, token, TimeoutError("no answer within the timeout"))
            else:
                self._wake(task, token, None)

    def _wake(
        self, task: Task, token: int, error: BaseException | None, fired: bool = False
    ) -> None:
        slot = self._slots.get(task)
        if slot is None or slot.token != token:
            return  # a wait already over: its timer, or a late event of its socket
        slot.token += 1  # one wake-up per wait: the socket or the timer, not both
        if slot.sock is not None:
            if not fired:
                self._poller.cancel(slot.sock)
            slot.sock = None
        self._ready.append((task, None, error))

    def _stop_all(self) -> None:
        for task in list(self._slots):
            with contextlib.suppress(StopIteration, Stopped):
                task.throw(Stopped())
            self._slots.pop(task, None)

    def _close(self) -> None:
        with self._calls_ready:
            self._calls.clear()
            self._helpers_done = True
            self._calls_ready.notify_all()
        for task in list(self._slots):
            task.close()
        self._slots.clear()
        self._poller.close()
        self._wake_read.close()
        self._wake_write.close()

    # ------------------------------------------------------------- helper threads
    _HELPERS = 4
    _helpers_done = False

    def _call_in_thread(self, task: Task, call: Callable[..., Any], args: tuple[Any, ...]) -> None:
        with self._calls_ready:
            self._calls.append((task, call, args))
            self._calls_ready.notify()
        if len(self._helpers) < self._HELPERS:
            helper = threading.Thread(target=self._helper, name="studyplan-resolve", daemon=True)
            self._helpers.append(helper)
            helper.start()

    def _helper(self) -> None:
        while True:
            with self._calls_ready:
                while not self._calls and not self._helpers_done:
                    self._calls_ready.wait()
                if self._helpers_done:
                    return
                task, call, args = self._calls.popleft()
            try:
                outcome: tuple[Any, BaseException | None] = (call(*args), None)
            except Exception as exc:
                outcome = (None, exc)
            with self._inbox_lock:
                self._inbox.append((task, *outcome))
            self._poke()

    def _drain_wake(self) -> None:
        try:
            while self._wake_read.recv(4096):
                pass
        except OSError:
            pass
        with self._inbox_lock:
            arrived, self._inbox = self._inbox, deque()
        for task, value, error in arrived:
            if task in self._slots:
                self._ready.append((task, value, error))

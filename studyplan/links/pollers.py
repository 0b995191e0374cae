"""Waiting on sockets for the link checker's event loop: epoll where there is one.

The loop waits on one socket per request at a time, and a check makes thousands of waits
within a few seconds, most of them while answers arrive in bursts (a round of requests that
all left together). :class:`EpollPoller` arms a socket with a one-shot registration: a wait
costs one system call and no Python object, and its end (the event, or the loop's timer)
costs nothing; an event that fires for a wait already over is told apart by the caller's
token. Elsewhere (macOS, Windows), :class:`SelectorPoller` registers with :mod:`selectors`
for each wait and unregisters when it ends.

Both give the loop the same four calls: :meth:`wait`, :meth:`cancel`, :meth:`poll` (the data
of the waits whose sockets are ready) and :meth:`close`, plus one permanent registration for
the loop's wake-up socket, whose data is None.
"""

from __future__ import annotations

import contextlib
import select

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    import _socket
    from typing import Any

READ = 1
"""Wait until the socket can be read (``selectors.EVENT_READ``)."""
WRITE = 2
"""Wait until the socket can be written (``selectors.EVENT_WRITE``)."""


class EpollPoller:
    """One-shot epoll registrations (Linux)."""

    def __init__(self, wake: _socket.socket) -> None:
        self._epoll = select.epoll()
        self._data: dict[int, Any] = {}
        self._known: set[int] = set()
        """Descriptors registered once: re-armed with ``modify`` (a closed socket's
        registration is dropped by the kernel, which ``modify`` finds out)."""
        self._wake = wake.fileno()
        self._epoll.register(self._wake, select.EPOLLIN)
        self._data[self._wake] = None
        self._masks = {
            READ: select.EPOLLIN | select.EPOLLONESHOT,
            WRITE: select.EPOLLOUT | select.EPOLLONESHOT,
        }

    def wait(self, sock: _socket.socket, events: int, data: Any) -> None:
        """Report ``data`` once ``sock`` is ready for ``events`` (READ or WRITE)."""
        fd = sock.fileno()
        mask = self._masks[events]
        self._data[fd] = data
        if fd in self._known:
            try:
                self._epoll.modify(fd, mask)
                return
            except FileNotFoundError:  # the socket once here was closed: a new one
                pass
        try:
            self._epoll.register(fd, mask)
        except FileExistsError:
            self._epoll.modify(fd, mask)
        self._known.add(fd)

    def cancel(self, sock: _socket.socket) -> None:
        """The wait on ``sock`` ended otherwise: nothing to do (a late event is stale)."""

    def poll(self, timeout: float | None) -> list[Any]:
        """The data of the waits whose sockets are ready, waiting up to ``timeout``."""
        found = self._epoll.poll(-1 if timeout is None else timeout)
        data = self._data
        return [data.get(fd) for fd, _events in found]

    def close(self) -> None:
        """Release the epoll descriptor."""
        self._epoll.close()


class SelectorPoller:
    """:mod:`selectors`: register for each wait, unregister when it ends."""

    def __init__(self, wake: _socket.socket) -> None:
        import selectors  # not needed where there is epoll

        self._selector = selectors.DefaultSelector()
        self._wake = wake
        self._selector.register(wake, READ, None)

    def wait(self, sock: _socket.socket, events: int, data: Any) -> None:
        """Report ``data`` once ``sock`` is ready for ``events`` (READ or WRITE)."""
        self._selector.register(sock, events, data)

    def cancel(self, sock: _socket.socket) -> None:
        """The wait on ``sock`` ended otherwise (its timer): forget it."""
        with contextlib.suppress(KeyError, ValueError):  # reported by poll(), or closed
            self._selector.unregister(sock)

    def poll(self, timeout: float | None) -> list[Any]:
        """The data of the waits whose sockets are ready, waiting up to ``timeout``."""
        found = []
        for key, _events in self._selector.select(timeout):
            found.append(key.data)
            if key.data is not None:
                self._selector.unregister(key.fileobj)
        return found

    def close(self) -> None:
        """Release the selector."""
        self._selector.close()


def make_poller(wake: _socket.socket) -> EpollPoller | SelectorPoller:
    """The best poller here: epoll on Linux, else :mod:`selectors`' default."""
    if hasattr(select, "epoll"):
        return EpollPoller(wake)
    return SelectorPoller(wake)

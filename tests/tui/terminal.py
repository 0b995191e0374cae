"""The real ``studyplan`` command in a pseudo terminal, its screen rendered by pyte.

For what only a real process shows: signals, the terminal restored on exit, escape
sequences in user text reaching (or not) the terminal.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import threading
import time
from collections.abc import Callable

import pyte

from tests.conftest import studyplan_command

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
"""What a full-screen program writes when it gives the terminal back."""


class _Screen(pyte.Screen):  # type: ignore[misc]
    """pyte's screen, ignoring the private SGR sequences Textual sends (``CSI > 4 ; 1 m``)."""

    def select_graphic_rendition(self, *attrs: int, private: bool = False) -> None:
        if not private:
            super().select_graphic_rendition(*attrs)


class Terminal:
    """``studyplan`` running in a ``columns`` x ``lines`` pseudo terminal."""

    def __init__(self, env: dict[str, str], columns: int = 80, lines: int = 24) -> None:
        self.screen = _Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        self._lock = threading.Lock()
        command = studyplan_command()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become studyplan
            os.execvpe(command[0], command, {**os.environ, **env, "TERM": "xterm-256color"})
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if not ready:
                    if self._exited():
                        return
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.output += data
                self.stream.feed(data)

    def _exited(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def text(self) -> str:
        """What the screen shows now, line by line."""
        with self._lock:
            return "\n".join(self.screen.display)

    def wait_for(
        self, condition: Callable[[Terminal], bool], what: str, timeout: float = 30
    ) -> None:
        """Wait until ``condition(self)`` holds (the timeout is a safety net, not a race)."""
        deadline = time.monotonic() + timeout
        while not condition(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen:\n{self.text()}")
            time.sleep(0.05)

    def shows(self, text: str) -> bool:
        """Whether ``text`` is on the screen."""
        return text in self.text()

    def type(self, keys: str) -> None:
        """Send keys as typed."""
        os.write(self.fd, keys.encode())

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the process."""
        os.kill(self.pid, signum)

    def hang_up(self) -> None:
        """Close the terminal (the process gets SIGHUP)."""
        os.close(self.fd)

    def wait_exit(self, timeout: float = 30) -> int:
        """Wait for the process to end; its exit status."""
        deadline = time.monotonic() + timeout
        while not self._exited():
            if time.monotonic() > deadline:
                os.kill(self.pid, 9)
                raise AssertionError(f"studyplan did not exit; screen:\n{self.text()}")
            time.sleep(0.05)
        self._reader.join(5)
        assert self.status is not None
        return self.status

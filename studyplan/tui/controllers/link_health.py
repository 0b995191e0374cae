"""Link health in the interface: the latest states, and checks run off the event loop.

A check runs in a thread with its own event loop (the checker is asyncio, its results go to
the database through retried writes that may sleep); the progress line reads the latest
count by itself and the result comes back through ``call_from_thread``, so the screen
answers keys all along.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from studyplan.errors import StudyplanError
from studyplan.safe_text import visible

if TYPE_CHECKING:
    from textual.screen import Screen

    from studyplan.links.runner import CheckRun
    from studyplan.links.service import LinkState
    from studyplan.tui.context import ScreenContext
    from studyplan.tui.widgets.link_progress import LinkProgress

StatesShown = Callable[[dict[str, "LinkState"]], None]


def read_link_states(context: ScreenContext) -> dict[str, LinkState]:
    """The latest link state of every resource (the link checker's store, no network)."""
    from studyplan.links.service import latest_states

    return latest_states(context.db)


class LinkHealth:
    """Reads link states and runs link checks for one screen."""

    def __init__(self, screen: Screen[Any], context: ScreenContext, on_states: StatesShown) -> None:
        self.screen = screen
        self.context = context
        self.on_states = on_states
        self.states: dict[str, LinkState] = {}
        self.checking = False
        self._running: tuple[asyncio.AbstractEventLoop, asyncio.Task[CheckRun]] | None = None

    def load(self) -> None:
        """Read the latest states in a thread and show them."""
        self.screen.run_worker(
            self._load(), group="links-read", exclusive=True, exit_on_error=False
        )

    async def _load(self) -> None:
        try:
            states = await asyncio.to_thread(read_link_states, self.context)
        except Exception as exc:
            self.context.show_error(exc)
            return
        self.states = states
        self.on_states(states)

    def check(self, step: int | None, what: str) -> None:
        """Check the links of main step ``step`` (None: the whole catalog), unless one runs."""
        if self.checking:
            self.screen.notify("A link check is already running", severity="warning", timeout=2)
            return
        self.checking = True
        self.screen.run_worker(self._start(step, what), group="links-check", exit_on_error=False)

    async def _start(self, step: int | None, what: str) -> None:
        from studyplan.tui.widgets.link_progress import LinkProgress

        progress = LinkProgress(what)
        await self.screen.mount(progress, after="#body")
        self.screen.run_worker(
            lambda: self._run_in_thread(step, what, progress),
            thread=True,
            group="links-check",
            exit_on_error=False,
        )

    def _run_in_thread(self, step: int | None, what: str, progress: LinkProgress) -> None:
        """The whole check, in a worker thread with its own event loop."""
        from studyplan.links.policy import CheckOptions
        from studyplan.links.service import check_resources

        def advance(_result: object, done: int, total: int) -> None:
            progress.report(done, total)  # plain assignments; the bar redraws itself

        options = self.context.link_options or CheckOptions()
        loop = asyncio.new_event_loop()
        try:
            task = loop.create_task(check_resources(self.context.db, options, advance, step))
            self._running = (loop, task)
            run = loop.run_until_complete(task)
        except asyncio.CancelledError:
            return  # the interface is closing
        except StudyplanError as exc:
            self._tell(self._finished, progress, what, None, exc)
        except Exception as exc:  # a bug: logged and shown, never a crash of the interface
            self.screen.app.log.error(f"link check failed: {exc!r}")
            self._tell(self._finished, progress, what, None, exc)
        else:
            self._tell(self._finished, progress, what, run, None)
        finally:
            self._running = None
            loop.close()

    def cancel(self) -> None:
        """Stop a running check (the interface is closing); nothing of it is stored."""
        running = self._running
        if running is not None:
            loop, task = running
            loop.call_soon_threadsafe(task.cancel)

    def _tell(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` on the interface's event loop, unless the interface has closed."""
        with contextlib.suppress(RuntimeError):  # the app is no longer running
            self.screen.app.call_from_thread(callback, *args)

    async def _finished(
        self, progress: LinkProgress, what: str, run: CheckRun | None, error: BaseException | None
    ) -> None:
        from studyplan.links.report import summary_line

        self.checking = False
        await progress.remove()
        if error is not None or run is None:
            self.context.show_error(error or RuntimeError("the link check stopped"))
            return
        failed = bool(run.failed)
        self.screen.notify(
            visible(summary_line(run.results, run.reused)),
            title=f"Links of {what}",
            severity="warning" if failed else "information",
            timeout=6 if failed else 4,
            markup=False,
        )
        self.load()

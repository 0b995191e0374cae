"""``links check`` under a low limit of open files (macOS starts shells at 256).

Each request holds a socket, and each kept-alive connection one more until it is reused or
closed: a catalog with many hosts, or a large ``--max-concurrency``, must not run out of
descriptors (which ended the whole run with an internal error). The real console script
runs with ``RLIMIT_NOFILE`` lowered, soft and hard, against many loopback addresses.
"""

from __future__ import annotations

import resource
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from links_cli import run_links
from links_server import LinkServer

HOSTS = 160
FILE_LIMIT = 128


@pytest.fixture(scope="module")
def many_hosts() -> Iterator[LinkServer]:
    """A server on 127.0.0.1 to 127.0.0.160, one port."""
    server = LinkServer(hosts=HOSTS).start()
    yield server
    server.stop()


def _low_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, FILE_LIMIT))


def check_with_few_files(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``studyplan links check ARGS`` with at most FILE_LIMIT open files."""
    return run_links(home, "check", *args, timeout=120, preexec_fn=_low_file_limit)


def test_a_catalog_of_many_hosts_keeps_few_connections_open(
    tmp_path: Path, many_hosts: LinkServer
) -> None:
    links = tmp_path / "links.md"
    urls = [many_hosts.url(f"/ok/{i}", host=1 + i % HOSTS) for i in range(2 * HOSTS)]
    links.write_text("".join(f"- <{url}>\n" for url in urls))
    done = check_with_few_files(tmp_path, str(links), "--force", "--format", "json")
    assert done.stderr.strip() == f"{len(urls)} URLs: {len(urls)} alive"
    assert done.returncode == 0


def test_a_concurrency_beyond_the_file_limit_is_lowered_to_fit(
    tmp_path: Path, many_hosts: LinkServer
) -> None:
    links = tmp_path / "links.md"
    urls = [many_hosts.url(f"/delay/100/{i}", host=1 + i % 4) for i in range(400)]
    links.write_text("".join(f"- <{url}>\n" for url in urls))
    done = check_with_few_files(
        tmp_path,
        str(links),
        "--force",
        "--format",
        "json",
        "--max-concurrency",
        "1000",
        "--host-concurrency",
        "1000",
    )
    assert done.stderr.strip() == f"{len(urls)} URLs: {len(urls)} alive"
    assert done.returncode == 0

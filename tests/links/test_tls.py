"""https addresses against a real TLS server on loopback, trusted through ``SSL_CERT_FILE``.

The checker verifies certificates with the system's store (``ssl.create_default_context``),
which OpenSSL lets ``SSL_CERT_FILE`` replace: the tests make a certificate authority of their
own (trustme) and name it there, as a learner behind a company proxy would name theirs.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from links_cli import FAST, STUDYPLAN, run_links
from links_server import LinkServer

from studyplan.links.checker import check_targets
from studyplan.links.extract import LinkTarget
from studyplan.links.policy import CheckOptions


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(authority: trustme.CA) -> Iterator[LinkServer]:
    """The loopback server, also serving its routes over TLS as 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = LinkServer(hosts=1, tls=context).start()
    yield server
    server.stop()


@pytest.fixture
def secure(tls_server: LinkServer) -> LinkServer:
    tls_server.reset()
    return tls_server


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``SSL_CERT_FILE`` names the test's authority; its path."""
    path = tmp_path / "authority.pem"
    authority.cert_pem.write_to_path(str(path))
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    return path


@pytest.mark.usefixtures("trusted")
async def test_https_addresses_are_checked_over_one_kept_alive_connection(
    secure: LinkServer,
) -> None:
    options = CheckOptions(max_concurrency=4, host_concurrency=1, timeout=5, retries=0)
    targets = [LinkTarget(secure.tls_url(f"/ok/tls-{i}")) for i in range(5)]
    results = await check_targets(targets, options)
    assert [r.status for r in results] == ["alive"] * 5
    assert [r.http_status for r in results] == [200] * 5
    assert secure.connections["127.0.0.1"] == 1  # one handshake, then the connection reused
    assert sorted(secure.methods) == [("HEAD", f"/ok/tls-{i}") for i in range(5)]


@pytest.mark.usefixtures("trusted")
async def test_https_redirect_and_fragments_read_over_tls(secure: LinkServer) -> None:
    page = secure.add_page("doc", '<h1 id="found">Found</h1>' + "x" * 5000)
    options = CheckOptions(timeout=5, retries=0, include_fragments=True)
    targets = [
        LinkTarget(secure.tls_url(f"{page}?chunked=1&gzip=1#found")),
        LinkTarget(secure.tls_url(f"{page}?chunked=1&gzip=1#lost")),
        LinkTarget(secure.tls_url("/moved")),
    ]
    found, lost, moved = await check_targets(targets, options)
    assert found.status == "alive", found.error
    assert lost.status == "fragment-missing"
    assert moved.status == "redirected"
    assert moved.final_url == secure.tls_url("/ok")


async def test_a_certificate_no_authority_vouches_for_is_a_tls_error(
    secure: LinkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    monkeypatch.setenv("SSL_CERT_FILE", str(stranger))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    result = (await check_targets([LinkTarget(secure.tls_url("/ok"))], CheckOptions(timeout=5)))[0]
    assert result.status == "error"
    assert result.error.startswith("TLS error")
    assert "certificate" in result.error
    assert secure.total_hits == 0


@pytest.mark.skipif(not STUDYPLAN.exists(), reason="console script not installed")
def test_the_command_checks_https_and_http_in_one_run(
    secure: LinkServer, home: Path, trusted: Path
) -> None:
    # the command's own process: plain sockets for http, the TLS module loaded for https
    links = home / "links.md"
    links.write_text(
        f"- {secure.url('/ok/plain')}\n- {secure.tls_url('/ok/secure')}\n"
        f"- {secure.tls_url('/missing')}\n"
    )
    done = run_links(
        home,
        "check",
        str(links),
        "--force",
        "--format",
        "json",
        *FAST,
        env={"SSL_CERT_FILE": str(trusted)},
    )
    assert done.returncode == 2, done.stderr
    statuses = {r["url"]: (r["status"], r["http_status"]) for r in json.loads(done.stdout)}
    assert statuses == {
        secure.url("/ok/plain"): ("alive", 200),
        secure.tls_url("/ok/secure"): ("alive", 200),
        secure.tls_url("/missing"): ("dead", 404),
    }

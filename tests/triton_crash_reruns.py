"""Runs a real-Triton test once more when the tritonserver it used died while it ran.

Triton 2.51 (the only tritonserver these machines can run) has races that can abort it with
SIGSEGV some time after a request is cancelled (server issues #7368 and #8034, fixed in later
releases); tests that cancel on purpose cannot avoid them, and the abort often lands in the
test after. Such a failure says nothing about the client, so the test runs again on a fresh
server. Only then: a failure while the server stayed up is reported as it is, a test fails if
it fails again, and the session summary lists every rerun with the dead server's log tail.
"""

from __future__ import annotations

from typing import List, Tuple

from _pytest.runner import runtestprotocol

from real_triton import RealTritonServer, last_lines

_watched: List[RealTritonServer] = []
reruns: List[Tuple[str, str]] = []  # (test id, what the dead server's log ended with)


def watch(server: RealTritonServer) -> RealTritonServer:
    """Marks a session's server as one whose death makes the running test run again."""
    _watched.append(server)
    return server


def _dead_servers() -> List[RealTritonServer]:
    return [server for server in _watched if server.has_died()]


def run_test(item, nextitem) -> bool:
    """pytest_runtest_protocol for tests marked real_triton."""
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    reports = runtestprotocol(item, nextitem=nextitem, log=False)
    dead = _dead_servers()
    if dead and any(report.failed for report in reports):
        for server in dead:
            reruns.append((item.nodeid, f"{server.log_path}:\n{last_lines(server.log_path, 15)}"))
            server.restart_if_dead()
        item._initrequest()  # fresh fixture values, as for a test never run
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def summarize(terminalreporter) -> None:
    if not reruns:
        return
    terminalreporter.section("tests run again after tritonserver died")
    for nodeid, log_tail in reruns:
        terminalreporter.write_line(f"{nodeid}: the server died; last lines of {log_tail}")

"""Start a real Triton Inference Server (tritonserver 2.51 from the nvidia-pytriton wheel).

The server runs the Python-backend models of tests/triton_models on the CPU; see
scripts/setup_triton.sh for where it comes from. Standard library only, no global state:

    with RealTritonServer() as server:
        client = SomeClient(server.grpc_url)        # "127.0.0.1:PORT"

    with RealTritonServer(model_control_mode="explicit", load_models=["identity"]) as server:
        ...                                          # only `identity` loaded at start

`python tests/real_triton.py [--explicit] [--load-model NAME ...]` starts one by hand and keeps
it running until Ctrl-C.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Sequence

TESTS_DIR = Path(__file__).resolve().parent
SETUP_SCRIPT = TESTS_DIR.parent / "scripts" / "setup_triton.sh"
DEFAULT_MODEL_REPOSITORY = TESTS_DIR / "triton_models"

LOG_TAIL_LINES = 60
PORT_IN_USE_MARKER = "already in use"
START_ATTEMPTS = 3  # a free port picked here can be taken by someone else before Triton binds it


def ensure_triton_installed() -> Dict[str, str]:
    """Runs the (idempotent) set-up script and returns the settings from its env file."""
    env = dict(os.environ, TRITONLINK_PYTHON=sys.executable)
    result = subprocess.run(
        ["bash", str(SETUP_SCRIPT), "-p"], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{SETUP_SCRIPT} failed (exit {result.returncode}):\n{result.stderr}{result.stdout}"
        )
    return read_env_file(Path(result.stdout.strip().splitlines()[-1]))


def read_env_file(path: Path) -> Dict[str, str]:
    settings = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            settings[key.strip()] = value.strip()
    return settings


def pick_free_ports(count: int) -> List[int]:
    """Ports the kernel reports free on 127.0.0.1, all held open together so they differ."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def prepend_path(entry: str, current: Optional[str]) -> str:
    return f"{entry}{os.pathsep}{current}" if current else entry


def server_environment(settings: Dict[str, str]) -> Dict[str, str]:
    """The wheel's libraries and the right libpython first; the venv's python3 first on PATH.

    The backend stub embeds Python with PYTHONPATH ignored and finds its prefix through the
    `python3` on PATH, so PATH is what puts the venv's numpy<2 under the models.
    """
    env = dict(os.environ)
    # A sanitizer runtime preloaded into the tests' Python (scripts/asan_suite.sh) is not for it.
    env.pop("LD_PRELOAD", None)
    env["LD_LIBRARY_PATH"] = prepend_path(settings["LD_LIBRARY_PATH"], env.get("LD_LIBRARY_PATH"))
    env["PATH"] = prepend_path(settings["PATH_PREPEND"], env.get("PATH"))
    return env


def parent_death_signal_setter():
    """A preexec_fn that has the kernel SIGTERM the server when the thread that started it
    dies (Linux prctl), so a killed test run leaves no server behind; None elsewhere.

    prctl is looked up here, in the parent: the forked child only makes the call.
    Start the server from a thread that outlives it (normally the main thread).
    """
    PR_SET_PDEATHSIG = 1
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def last_lines(path: Path, count: int = LOG_TAIL_LINES) -> str:
    try:
        with open(path, errors="replace") as log:
            return "".join(collections.deque(log, maxlen=count))
    except OSError as error:
        return f"(cannot read {path}: {error})"


def is_ready(http_url: str) -> bool:
    # No proxies: an http_proxy in the environment must not intercept 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://{http_url}/v2/health/ready", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class RealTritonServer:
    """A tritonserver child process serving a model repository on free 127.0.0.1 ports.

    Attributes once entered: grpc_url and http_url ("127.0.0.1:PORT", no scheme, as
    tritonclient takes them), grpc_port, http_port, pid, log_path, startup_seconds.
    The log file is kept after exit for post-mortems.
    """

    def __init__(
        self,
        model_repository: os.PathLike | str = DEFAULT_MODEL_REPOSITORY,
        model_control_mode: str = "none",
        load_models: Optional[Sequence[str]] = None,
        startup_timeout: float = 120.0,
        extra_args: Sequence[str] = (),
        log_path: Optional[os.PathLike | str] = None,
    ):
        if model_control_mode not in ("none", "explicit"):
            raise ValueError(f"unknown model_control_mode {model_control_mode!r}")
        if load_models and model_control_mode != "explicit":
            raise ValueError("load_models needs model_control_mode='explicit'")
        self.model_repository = Path(model_repository).resolve()
        self.model_control_mode = model_control_mode
        self.load_models = list(load_models or [])
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self.log_path = Path(log_path) if log_path else self._new_log_path()
        self.grpc_port = self.http_port = self.pid = None
        self.grpc_url = self.http_url = None
        self.startup_seconds = None
        self._process: Optional[subprocess.Popen] = None

    @staticmethod
    def _new_log_path() -> Path:
        handle, name = tempfile.mkstemp(prefix="tritonserver-", suffix=".log")
        os.close(handle)
        return Path(name)

    def __enter__(self) -> "RealTritonServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        settings = ensure_triton_installed()
        began = time.monotonic()
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._launch(settings)
                self._wait_until_ready()
                break
            except BaseException as error:  # Ctrl-C included: never leave a half-started server
                self.stop()
                if not self._lost_port_race(error) or attempt == START_ATTEMPTS:
                    raise
        self.startup_seconds = time.monotonic() - began

    def _lost_port_race(self, error: BaseException) -> bool:
        return isinstance(error, RuntimeError) and PORT_IN_USE_MARKER in last_lines(self.log_path)

    def restart(self) -> None:
        """Starts the server again on the ports it had, as a crashed server's supervisor would."""
        self.stop()
        self._spawn(ensure_triton_installed())
        self._wait_until_ready()

    def _launch(self, settings: Dict[str, str]) -> None:
        self.grpc_port, self.http_port = pick_free_ports(2)
        self.grpc_url = f"127.0.0.1:{self.grpc_port}"
        self.http_url = f"127.0.0.1:{self.http_port}"
        self._spawn(settings)

    def _spawn(self, settings: Dict[str, str]) -> None:
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                self._command(settings),
                env=server_environment(settings),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Own session: a Ctrl-C in the terminal reaches us, and we stop the server.
                start_new_session=True,
                preexec_fn=parent_death_signal_setter(),
            )
        self.pid = self._process.pid

    def _command(self, settings: Dict[str, str]) -> List[str]:
        command = [
            settings["TRITONSERVER"],
            f"--model-repository={self.model_repository}",
            f"--backend-directory={settings['BACKEND_DIR']}",
            f"--model-control-mode={self.model_control_mode}",
            "--grpc-address=127.0.0.1",
            f"--grpc-port={self.grpc_port}",
            "--http-address=127.0.0.1",
            f"--http-port={self.http_port}",
            "--allow-metrics=false",
            "--log-verbose=0",
            # On SIGTERM Triton exits once in-flight requests are done and every model is
            # unloaded (about 5 s for the whole test repository: stubs stop one at a time), or
            # after this timeout; cutting unloading short leaks the stubs' /dev/shm regions.
            # Inside the 20 s that stop() allows before SIGKILL.
            "--exit-timeout-secs=15",
        ]
        command += [f"--load-model={name}" for name in self.load_models]
        return command + self.extra_args

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while not is_ready(self.http_url):
            if self._process.poll() is not None:
                self._fail(f"tritonserver exited with code {self._process.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"tritonserver not ready after {self.startup_timeout:.0f} s")
            time.sleep(0.1)

    def _fail(self, reason: str) -> None:
        tail = last_lines(self.log_path)
        raise RuntimeError(f"{reason}; last {LOG_TAIL_LINES} lines of {self.log_path}:\n{tail}")

    def stop(self, grace_seconds: float = 20.0) -> None:
        """SIGTERM the server (only our PID), SIGKILL it after grace_seconds.

        Its backend stubs notice the server is gone and exit on their own.
        """
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def has_died(self) -> bool:
        """True if the server exited on its own, not through stop()."""
        return self._process is not None and self._process.poll() is not None

    def restart_if_dead(self) -> bool:
        """Starts a fresh server (new ports, new log) if this one died on its own; True if so.

        Triton 2.51 has known races that can abort it when requests are cancelled under load
        (server issues #7368, #8034). The test that was running then still fails; this keeps
        the tests after it from failing too. The dead server's log tail goes to stderr.
        """
        if not self.has_died():
            return False
        code = self._process.returncode
        print(f"\nreal_triton: tritonserver (pid {self.pid}) died with code {code}; last lines of "
              f"{self.log_path}:\n{last_lines(self.log_path)}\nreal_triton: starting a fresh one", file=sys.stderr)
        self._process = None
        self.log_path = self._new_log_path()
        self.start()
        return True


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run a real tritonserver on the test models.")
    parser.add_argument("--model-repository", default=str(DEFAULT_MODEL_REPOSITORY))
    parser.add_argument("--explicit", action="store_true", help="model-control-mode=explicit")
    parser.add_argument("--load-model", action="append", default=[], metavar="NAME",
                        help="with --explicit: load NAME at start (repeatable)")
    args = parser.parse_args(argv)

    mode = "explicit" if args.explicit else "none"
    with RealTritonServer(args.model_repository, mode, args.load_model) as server:
        print(f"tritonserver pid {server.pid} ready in {server.startup_seconds:.1f} s")
        print(f"  gRPC: {server.grpc_url}\n  HTTP: {server.http_url}\n  log:  {server.log_path}")
        print("Ctrl-C to stop.", flush=True)
        try:
            while server.is_running():
                time.sleep(0.5)
            print(f"tritonserver exited; see {server.log_path}")
            return 1
        except KeyboardInterrupt:
            print("\nstopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())

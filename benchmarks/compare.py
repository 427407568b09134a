"""tritonlink against tritonclient and a C++ floor, on the same server, in one table.

    python benchmarks/compare.py [--real-triton] [--quick] [--json out.json] [--shared-memory]

The floor is ``cpp_floor`` (csrc/tools, built by scripts/build_tools.sh): ModelInfer and
ModelStreamInfer through the generated grpc++ stub, as a C++ user would write it. The embedded
server runs in a child process (``python -m tritonlink serve``); ``--real-triton`` adds a real
Triton (tests/real_triton.py, its Python-backend models are slow per request, so the floor there
is mostly the server).

Streaming rows count responses/s on one stream to the decoupled ``repeat`` model (the responses
that carry OUT; each request's empty final response is read but not counted): 1000 responses per
request with one request at a time, and one response per request with 64 outstanding.

Client CPU rows give the user + system CPU time per completed request (per counted response
on a stream) of the process doing the client's work, at 64 B: getrusage(RUSAGE_SELF) around a
run of a Python client (every thread of this process, gRPC's included; the embedded server is a
child process and is not counted), and cpp_floor's own getrusage around its measured loop. On a
machine where server and client share the cores, this is what bounds a client's infer/s.

Contenders run interleaved: for each measure, each round runs all of them once, in an order that
rotates from round to round, and the table shows the median over rounds. Ratios are
tritonlink/floor and tritonlink/tritonclient; the last column says which direction is better.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from functools import partial
from typing import Callable, Dict, List, Optional, Sequence, TypeVar

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import _servers  # noqa: E402
import _shm_workloads as wshm  # noqa: E402
import _stream_workloads as ws  # noqa: E402
import _workloads as w  # noqa: E402

SYNC_SIZES = [64, 64 * w.KiB, w.MiB, 16 * w.MiB, 64 * w.MiB]
SYNC_CALLS = {64: 1000, 64 * w.KiB: 500, w.MiB: 100, 16 * w.MiB: 10, 64 * w.MiB: 4}
SHM_SIZES = [w.MiB, 16 * w.MiB, 64 * w.MiB]
SHM_CALLS = {w.MiB: 40, 16 * w.MiB: 10, 64 * w.MiB: 4}
THROUGHPUT_SIZES = [64, w.MiB]
IN_FLIGHT = [1, 8, 64, 256]
MEMORY_BYTES = 64 * w.MiB
# Streams on the repeat model: (responses per request, requests outstanding on the one stream).
STREAM_WORKLOADS = [(1000, 1), (1, 64)]
CPU_BYTES = 64
CPU_IN_FLIGHT = 64
# Each row sets a tritonlink stream style against a tritonclient one (names in ws.STREAM_STYLES).
STREAM_PAIRS = [("iterator / start_stream", "tritonlink iterator", "tritonclient callbacks"),
                ("callbacks / start_stream", "tritonlink callbacks", "tritonclient callbacks"),
                ("asyncio / aio stream_infer", "tritonlink asyncio", "tritonclient asyncio")]

LOWER, HIGHER = "lower", "higher"

T = TypeVar("T")


@dataclass
class Settings:
    rounds: int = 3
    # Sync latency gets more, shorter rounds: on a shared 2-core machine a slow stretch lasts
    # seconds, and the median over many interleaved rounds sees through it.
    sync_rounds: int = 9
    run_seconds: float = 1.0  # per throughput run
    sync_scale: float = 1.0  # fraction of SYNC_CALLS

    @classmethod
    def quick(cls) -> "Settings":
        return cls(rounds=1, sync_rounds=1, run_seconds=0.25, sync_scale=0.1)


@dataclass
class Row:
    server: str
    measure: str
    unit: str
    better: str  # LOWER or HIGHER
    tritonlink: Optional[float] = None
    tritonclient: Optional[float] = None
    floor: Optional[float] = None
    note: str = ""
    samples: Dict[str, List[float]] = field(default_factory=dict)

    def ratio(self, other: Optional[float]) -> Optional[float]:
        if self.tritonlink is None or not other:
            return None
        return self.tritonlink / other


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> Optional[float]:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else None


def interleave(contenders: Dict[str, Callable[[], T]], rounds: int) -> Dict[str, List[T]]:
    """Runs every contender once per round, in an order that rotates from round to round."""
    names = list(contenders)
    results: Dict[str, List[T]] = {name: [] for name in names}
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(contenders[name]())
    return results


# ---- the C++ floor ----

class Floor:
    """Runs cpp_floor; every method returns its JSON output, or None without a binary."""

    def __init__(self, binary: Optional[str]) -> None:
        self.binary = binary

    @classmethod
    def build(cls) -> "Floor":
        log("building the C++ floor (scripts/build_tools.sh)")
        result = subprocess.run([str(BENCH_DIR.parent / "scripts" / "build_tools.sh")], capture_output=True,
                                text=True)
        if result.returncode != 0:
            log(f"cannot build the C++ floor; its column stays empty:\n{result.stderr[-2000:]}")
            return cls(None)
        return cls(result.stdout.strip().splitlines()[-1])

    def infer(self, url: str, nbytes: int, *flags: str) -> Optional[dict]:
        """A ModelInfer mode on the identity model with ``nbytes`` of FP32 input."""
        return self.run(url, "--model", w.MODEL, "--bytes", str(nbytes), *flags)

    def run(self, url: str, *flags: str) -> Optional[dict]:
        if self.binary is None:
            return None
        command = [self.binary, "--url", url, *flags]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()}")
        return json.loads(result.stdout.strip().splitlines()[-1])


# ---- measures: one function each ----

def _python_sync_percentiles(infer: Callable[[], None], calls: int, warmup: int) -> tuple:
    for _ in range(warmup):
        infer()
    latencies = []
    for _ in range(calls):
        start = time.perf_counter()
        infer()
        latencies.append(time.perf_counter() - start)
    return w.percentile_us(latencies, 0.50), w.percentile_us(latencies, 0.99)


def measure_sync_latency(server: str, clients: w.Clients, floor: Floor, settings: Settings) -> List[Row]:
    """Sync infer latency p50 and p99 by payload size; one call after another."""
    rows = []
    tritonlink, tritonclient = clients.tritonlink(), clients.tritonclient()
    for nbytes in SYNC_SIZES:
        array = w.identity_payload(nbytes)
        calls = max(3, int(SYNC_CALLS[nbytes] * settings.sync_scale))
        warmup = max(1, calls // 10)
        results = interleave({
            "tritonlink": partial(_python_sync_percentiles, partial(w.tritonlink_infer, tritonlink, w.MODEL, array),
                                  calls, warmup),
            "tritonclient": partial(_python_sync_percentiles,
                                    partial(w.tritonclient_infer, tritonclient, w.MODEL, array), calls, warmup),
            "floor": partial(_floor_sync, floor, clients.url, nbytes, calls, warmup),
        }, settings.sync_rounds)
        p50s = {name: [p50 for p50, _ in pairs] for name, pairs in results.items()}
        p99s = {name: [p99 for _, p99 in pairs] for name, pairs in results.items()}
        label = w.size_label(nbytes)
        log(f"  sync {label}: p50 " + ", ".join(f"{n} {median(v) or math.nan:,.0f}" for n, v in p50s.items()))
        for quantile, values in (("p50", p50s), ("p99", p99s)):
            rows.append(Row(server, f"sync latency {quantile}, {label}", "µs", LOWER,
                            median(values["tritonlink"]), median(values["tritonclient"]), median(values["floor"]),
                            note=f"{calls} calls x {settings.sync_rounds} rounds", samples=values))
    return rows


def measure_shared_memory(server: str, clients: w.Clients, settings: Settings) -> List[Row]:
    """Identity through system shared memory (input written into a region, output viewed in
    one) against plain gRPC, each library with its own utilities; p50 per call, interleaved."""
    rows = []
    for nbytes in SHM_SIZES:
        calls = max(3, int(SHM_CALLS[nbytes] * settings.sync_scale))
        with wshm.SharedMemoryPaths(clients, w.identity_payload(nbytes)) as paths:
            results = interleave({name: partial(_python_sync_percentiles, call, calls, 1)
                                  for name, call in paths.calls.items()}, settings.sync_rounds)
        p50s = {name: [p50 for p50, _ in pairs] for name, pairs in results.items()}
        p50 = {name: median(values) for name, values in p50s.items()}
        label = w.size_label(nbytes)
        log(f"  shm {label}: p50 " + ", ".join(f"{n} {v or math.nan:,.0f}" for n, v in p50.items()))
        note = f"{calls} calls x {settings.sync_rounds} rounds"
        rows.append(Row(server, f"shm identity p50, {label}", "µs", LOWER, p50["tritonlink shm"],
                        p50["tritonclient shm"], note=note, samples=p50s))
        rows.append(Row(server, f"gRPC identity p50, {label}", "µs", LOWER, p50["tritonlink gRPC"],
                        p50["tritonclient gRPC"], note=note))
        rows.append(Row(server, f"tritonlink shm / its gRPC, {label}", "µs", LOWER, p50["tritonlink shm"],
                        p50["tritonlink gRPC"], note=note + "; tritonclient column: tritonlink's gRPC path"))
    return rows


def _floor_sync(floor: Floor, url: str, nbytes: int, calls: int, warmup: int) -> tuple:
    result = floor.infer(url, nbytes, "--mode", "sync", "--requests", str(calls), "--warmup", str(warmup))
    return (None, None) if result is None else (result["p50_us"], result["p99_us"])


def _pilot_requests(in_flight: int, responses_per_request: int = 1) -> int:
    """Requests enough to warm up: twice the window, and some 32 responses."""
    return max(2 * in_flight, 32 // responses_per_request)


def _run_size(style, clients: w.Clients, model: str, array: np.ndarray, in_flight: int, seconds: float,
              sizes: Dict[str, int], key: str, responses_per_request: int = 1) -> int:
    """Requests for a run of about ``seconds``; the first call for a key makes a pilot run
    (which also warms up) that sizes the later ones."""
    if key not in sizes:
        pilot = style(clients, model, array, _pilot_requests(in_flight, responses_per_request), in_flight)
        sizes[key] = max(2 * in_flight, int(pilot.infer_per_s * seconds / responses_per_request))
    return sizes[key]


def _sized_run(style, clients: w.Clients, model: str, array: np.ndarray, in_flight: int, *sizing) -> float:
    """Responses/s (infer/s for ModelInfer) of a run sized by _run_size."""
    total = _run_size(style, clients, model, array, in_flight, *sizing)
    return style(clients, model, array, total, in_flight).infer_per_s


def _process_cpu_seconds() -> float:
    """User + system CPU of this process, all its threads; children (the embedded server) not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_run(style, clients: w.Clients, model: str, array: np.ndarray, in_flight: int, *sizing) -> float:
    """Client CPU µs per counted response of a run sized by _run_size (its pilot not counted)."""
    total = _run_size(style, clients, model, array, in_flight, *sizing)
    began = _process_cpu_seconds()
    run = style(clients, model, array, total, in_flight)
    return (_process_cpu_seconds() - began) * 1e6 / run.count


def measure_throughput(server: str, clients: w.Clients, floor: Floor, settings: Settings) -> List[Row]:
    """infer/s with K requests in flight: tritonlink callbacks and asyncio against tritonclient
    async_infer and grpc.aio, and the floor's CompletionQueue."""
    rows = []
    pairs = [("callbacks / async_infer", w.tritonlink_callbacks, w.tritonclient_callbacks),
             ("asyncio / aio", w.tritonlink_asyncio, w.tritonclient_asyncio)]
    for nbytes in THROUGHPUT_SIZES:
        array = w.identity_payload(nbytes)
        for in_flight in IN_FLIGHT:
            sizes: Dict[str, int] = {}
            contenders: Dict[str, Callable[[], Optional[float]]] = {}
            for style_name, tritonlink_style, tritonclient_style in pairs:
                for client, style in (("tritonlink", tritonlink_style), ("tritonclient", tritonclient_style)):
                    key = f"{client} {style_name}"
                    contenders[key] = partial(_sized_run, style, clients, w.MODEL, array, in_flight,
                                              settings.run_seconds, sizes, key)
            contenders["floor"] = partial(_floor_async, floor, clients.url, nbytes, in_flight, settings.run_seconds)
            rates = interleave(contenders, settings.rounds)
            label = f"{w.size_label(nbytes)} x{in_flight}"
            log(f"  throughput {label}: " + ", ".join(f"{n} {median(v) or math.nan:,.0f}" for n, v in rates.items()))
            for style_name, _, _ in pairs:
                rows.append(Row(server, f"infer/s {label}, {style_name}", "infer/s", HIGHER,
                                median(rates[f"tritonlink {style_name}"]), median(rates[f"tritonclient {style_name}"]),
                                median(rates["floor"]), note=f"~{settings.run_seconds:g} s x {settings.rounds} rounds",
                                samples={"tritonlink": rates[f"tritonlink {style_name}"],
                                         "tritonclient": rates[f"tritonclient {style_name}"],
                                         "floor": rates["floor"]}))
    return rows


def _floor_async(floor: Floor, url: str, nbytes: int, in_flight: int, seconds: float,
                 key: str = "infer_per_s") -> Optional[float]:
    result = floor.infer(url, nbytes, "--mode", "async", "--in-flight", str(in_flight), "--seconds", str(seconds),
                         "--requests", str(10**9), "--warmup", str(_pilot_requests(in_flight)))
    return None if result is None else result[key]


def measure_memory(server: str, url: str, floor: Floor, settings: Settings) -> List[Row]:
    """Peak extra resident memory of one 64 MiB identity call, each client in a fresh process."""
    peaks = interleave({
        "tritonlink": partial(_python_peak_mib, "tritonlink", url),
        "tritonclient": partial(_python_peak_mib, "tritonclient", url),
        "floor": partial(_floor_peak_mib, floor, url),
    }, settings.rounds)
    log("  memory: " + ", ".join(f"{n} {median(v) or math.nan:,.0f} MiB" for n, v in peaks.items()))
    return [Row(server, f"peak extra RSS, one {w.size_label(MEMORY_BYTES)} call", "MiB", LOWER,
                median(peaks["tritonlink"]), median(peaks["tritonclient"]), median(peaks["floor"]),
                note="fresh process, VmHWM", samples=peaks)]


def _python_peak_mib(client_name: str, url: str) -> float:
    command = [sys.executable, __file__, "--probe-memory", client_name, "--url", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])["extra_peak_bytes"] / w.MiB


def _floor_peak_mib(floor: Floor, url: str) -> Optional[float]:
    result = floor.infer(url, MEMORY_BYTES, "--mode", "memory")
    return None if result is None else result["extra_peak_bytes"] / w.MiB


def measure_streaming(server: str, clients: w.Clients, floor: Floor, settings: Settings) -> List[Row]:
    """Responses/s on one ModelStreamInfer stream to the repeat model, by workload: every
    stream style of both clients (see ws.STREAM_STYLES) and the floor's CompletionQueue."""
    rows = []
    for responses, in_flight in STREAM_WORKLOADS:
        array = ws.repeat_payload(responses)
        sizes: Dict[str, int] = {}
        contenders: Dict[str, Callable[[], Optional[float]]] = {
            name: partial(_sized_run, style, clients, ws.REPEAT_MODEL, array, in_flight, settings.run_seconds, sizes,
                          name, responses)
            for name, style in ws.STREAM_STYLES.items()}
        contenders["floor"] = partial(_floor_stream, floor, clients.url, responses, in_flight, settings.run_seconds)
        rates = interleave(contenders, settings.rounds)
        label = f"{responses} per request x{in_flight}"
        log(f"  stream {label}: " + ", ".join(f"{n} {median(v) or math.nan:,.0f}" for n, v in rates.items()))
        for style_name, tritonlink_style, tritonclient_style in STREAM_PAIRS:
            rows.append(Row(server, f"stream responses/s {label}, {style_name}", "responses/s", HIGHER,
                            median(rates[tritonlink_style]), median(rates[tritonclient_style]), median(rates["floor"]),
                            note=f"~{settings.run_seconds:g} s x {settings.rounds} rounds",
                            samples={"tritonlink": rates[tritonlink_style], "tritonclient": rates[tritonclient_style],
                                     "floor": rates["floor"]}))
    return rows


def _floor_stream(floor: Floor, url: str, responses: int, in_flight: int, seconds: float,
                  key: str = "responses_per_s") -> Optional[float]:
    result = floor.run(url, "--model", ws.REPEAT_MODEL, "--mode", "stream", "--responses", str(responses),
                       "--in-flight", str(in_flight), "--seconds", str(seconds), "--requests", str(10**9),
                       "--warmup", str(_pilot_requests(in_flight, responses)))
    return None if result is None else result[key]


def _floor_sync_cpu(floor: Floor, url: str, nbytes: int, calls: int) -> Optional[float]:
    result = floor.infer(url, nbytes, "--mode", "sync", "--requests", str(calls), "--warmup", str(max(1, calls // 10)))
    return None if result is None else result["cpu_us_per_request"]


def measure_client_cpu(server: str, clients: w.Clients, floor: Floor, settings: Settings) -> List[Row]:
    """Client CPU µs per request at 64 B (streams: one response per request on the repeat model),
    each style of both clients against the floor's mode for it, interleaved."""
    array, stream_array = w.identity_payload(CPU_BYTES), ws.repeat_payload(1)
    seconds, k = settings.run_seconds, CPU_IN_FLIGHT
    sync_calls = max(3, int(SYNC_CALLS[CPU_BYTES] * settings.sync_scale))
    # label: (model, input, in flight, tritonlink style, tritonclient style, the floor's run)
    workloads = {
        f"sync, {w.size_label(CPU_BYTES)}": (w.MODEL, array, 1, w.tritonlink_sync, w.tritonclient_sync,
                                              partial(_floor_sync_cpu, floor, clients.url, CPU_BYTES, sync_calls)),
        f"callbacks / async_infer, {w.size_label(CPU_BYTES)} x{k}": (
            w.MODEL, array, k, w.tritonlink_callbacks, w.tritonclient_callbacks,
            partial(_floor_async, floor, clients.url, CPU_BYTES, k, seconds, "cpu_us_per_request")),
        f"asyncio / aio, {w.size_label(CPU_BYTES)} x{k}": (
            w.MODEL, array, k, w.tritonlink_asyncio, w.tritonclient_asyncio,
            partial(_floor_async, floor, clients.url, CPU_BYTES, k, seconds, "cpu_us_per_request")),
    }
    for style_name, tritonlink_style, tritonclient_style in STREAM_PAIRS[1:]:
        workloads[f"stream {style_name}, 1 per request x{k}"] = (
            ws.REPEAT_MODEL, stream_array, k, ws.STREAM_STYLES[tritonlink_style], ws.STREAM_STYLES[tritonclient_style],
            partial(_floor_stream, floor, clients.url, 1, k, seconds, "cpu_us_per_response"))
    rows = []
    for label, (model, payload, in_flight, tritonlink_style, tritonclient_style, floor_run) in workloads.items():
        sizes: Dict[str, int] = {}
        contenders: Dict[str, Callable[[], Optional[float]]] = {
            name: partial(_cpu_run, style, clients, model, payload, in_flight, seconds, sizes, name)
            for name, style in (("tritonlink", tritonlink_style), ("tritonclient", tritonclient_style))}
        contenders["floor"] = floor_run
        cpu = interleave(contenders, settings.rounds)
        log(f"  client CPU {label}: " + ", ".join(f"{n} {median(v) or math.nan:,.1f} µs" for n, v in cpu.items()))
        rows.append(Row(server, f"client CPU per request, {label}", "µs", LOWER, median(cpu["tritonlink"]),
                        median(cpu["tritonclient"]), median(cpu["floor"]),
                        note=f"user+sys, ~{seconds:g} s x {settings.rounds} rounds", samples=cpu))
    return rows


def probe_memory(client_name: str, url: str) -> dict:
    """In a fresh process: VmHWM growth over one MEMORY_BYTES identity call, after a small one."""

    def peak_resident_bytes() -> int:
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1)) * 1024

    array = w.identity_payload(MEMORY_BYTES)
    small = w.identity_payload(4)
    if client_name == "tritonlink":
        import tritonlink

        client = tritonlink.Client(url)
        infer = lambda a: w.tritonlink_infer(client, w.MODEL, a)  # noqa: E731
    else:
        import tritonclient.grpc

        client = tritonclient.grpc.InferenceServerClient(url)
        infer = lambda a: w.tritonclient_infer(client, w.MODEL, a)  # noqa: E731
    infer(small)  # connects
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets VmHWM to the current resident size
    before = peak_resident_bytes()
    infer(array)
    after = peak_resident_bytes()
    return {"client": client_name, "bytes": MEMORY_BYTES, "hwm_before": before, "hwm_after": after,
            "extra_peak_bytes": after - before}


# ---- output ----

def _cell(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def _ratio_cell(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def format_table(rows: List[Row]) -> str:
    headers = ["measure", "unit", "tritonlink", "tritonclient", "floor (C++)", "tl/floor", "tl/tritonclient", "better"]
    body = []
    servers = list(dict.fromkeys(row.server for row in rows))
    for server in servers:
        if len(servers) > 1:
            body.append([f"[{server}]"] + [""] * (len(headers) - 1))
        for row in rows:
            if row.server == server:
                body.append([row.measure, row.unit, _cell(row.tritonlink), _cell(row.tritonclient), _cell(row.floor),
                             _ratio_cell(row.ratio(row.floor)), _ratio_cell(row.ratio(row.tritonclient)),
                             row.better])
    widths = [max(len(str(r[i])) for r in body + [headers]) for i in range(len(headers))]
    aligned = lambda r: "  ".join(str(c).ljust(wd) if i < 2 else str(c).rjust(wd)  # noqa: E731
                                  for i, (c, wd) in enumerate(zip(r, widths))).rstrip()
    lines = [aligned(headers), "  ".join("-" * wd for wd in widths)] + [aligned(r) for r in body]
    lines += list(dict.fromkeys(f"{row.measure}: {row.note}" for row in rows if row.tritonlink is None and row.note))
    lines.append("ratios: tritonlink / other. 'better' says which way wins: for 'lower' (latency, memory) a ratio "
                 "below 1 favours tritonlink; for 'higher' (infer/s, responses/s) a ratio above 1 does.")
    return "\n".join(lines)


def environment(settings: Settings, quick: bool) -> dict:
    versions = {name: importlib.metadata.version(name) for name in ("tritonlink", "tritonclient", "grpcio")}
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
        **versions, "quick": quick, **asdict(settings),
    }


# ---- main ----

def compare_on(server: str, url: str, floor: Floor, settings: Settings, shared_memory_only: bool = False) -> List[Row]:
    log(f"[{server}] {url}")
    clients = w.Clients(url)
    try:
        if shared_memory_only:
            return measure_shared_memory(server, clients, settings)
        rows = measure_sync_latency(server, clients, floor, settings)
        rows += measure_throughput(server, clients, floor, settings)
        rows += measure_streaming(server, clients, floor, settings)
        rows += measure_client_cpu(server, clients, floor, settings)
        rows += measure_shared_memory(server, clients, settings)
    finally:
        clients.close()
    rows += measure_memory(server, url, floor, settings)
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-triton", action="store_true", help="also run against a real Triton server")
    parser.add_argument("--quick", action="store_true", help="one short round per measure")
    parser.add_argument("--json", metavar="PATH", help="write the rows and the environment as JSON")
    parser.add_argument("--shared-memory", action="store_true",
                        help="only the shared-memory rows (identity of 1, 16, 64 MiB through shm and gRPC)")
    parser.add_argument("--floor", metavar="BINARY", help="a built cpp_floor (default: build it)")
    parser.add_argument("--probe-memory", choices=["tritonlink", "tritonclient"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.probe_memory:
        print(json.dumps(probe_memory(args.probe_memory, args.url)))
        return 0

    settings = Settings.quick() if args.quick else Settings()
    floor = Floor(None) if args.shared_memory else Floor(args.floor) if args.floor else Floor.build()
    rows: List[Row] = []
    with _servers.embedded_server() as url:
        rows += compare_on("embedded", url, floor, settings, args.shared_memory)
    if args.real_triton:
        with _servers.real_triton_server() as url:
            rows += compare_on("real Triton", url, floor, settings, args.shared_memory)

    print(format_table(rows))
    if args.json:
        document = {"environment": environment(settings, args.quick), "rows": [asdict(r) for r in rows]}
        Path(args.json).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

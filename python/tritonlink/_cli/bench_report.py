"""What ``bench`` shows: the summary (percentiles, throughput) as a table and JSON, the live
progress bar and the PNG plots. rich and matplotlib are optional: without them, no bar and no
plot."""

from __future__ import annotations

import json
import sys
from typing import Any, Optional

import numpy as np

PERCENTILES = (50, 90, 95, 99)
PLOT_SIZE_PX = (1200, 500)
_DPI = 100


def summarize(samples: list[Any], errors: int, wall_seconds: float, concurrency: int) -> dict[str, Any]:
    latencies_ms = np.array([latency for _, latency in samples]) * 1e3
    summary: dict[str, Any] = {"concurrency": concurrency, "requests": len(samples), "errors": errors,
                     "seconds": round(wall_seconds, 6),
                     "throughput_per_s": round(len(samples) / wall_seconds, 3) if wall_seconds > 0 else 0.0}
    if len(latencies_ms):
        summary["latency_ms"] = {"mean": float(latencies_ms.mean()), "min": float(latencies_ms.min()),
                                 **{f"p{p}": float(np.percentile(latencies_ms, p)) for p in PERCENTILES},
                                 "max": float(latencies_ms.max())}
    return summary


def table(summary: dict[str, Any]) -> str:
    lines = [f"{summary['requests']} requests, {summary['errors']} errors in {summary['seconds']:.3f} s at "
             f"concurrency {summary['concurrency']}: {summary['throughput_per_s']:,.1f} infer/s"]
    latency = summary.get("latency_ms")
    if latency:
        width = max(len(key) for key in latency)
        lines.append(f"{'latency':<{width}}  {'ms':>10}")
        lines += [f"{key:<{width}}  {value:>10.3f}" for key, value in latency.items()]
    return "\n".join(lines)


def write_json(summary: dict[str, Any], path: str) -> None:
    text = json.dumps(summary, indent=2)
    if path == "-":
        print(text)
        return
    with open(path, "w") as out:
        out.write(text + "\n")


def progress_bar() -> Optional[Any]:
    """A rich Progress on stderr, or None without rich."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TimeElapsedColumn
    except ImportError:
        return None
    return Progress("[progress.description]{task.description}", BarColumn(), "{task.percentage:>3.0f}%",
                    TimeElapsedColumn(), console=Console(file=sys.stderr))


def plot(samples: list[Any], path: str) -> bool:
    """Writes the latency histogram and the throughput over time to a PNG of PLOT_SIZE_PX;
    False without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    times = np.array([t for t, _ in samples])
    latencies_ms = np.array([latency for _, latency in samples]) * 1e3
    figure, (histogram, throughput) = plt.subplots(1, 2, figsize=(PLOT_SIZE_PX[0] / _DPI, PLOT_SIZE_PX[1] / _DPI),
                                                   dpi=_DPI)
    histogram.hist(latencies_ms, bins=50)
    histogram.set(title="latency", xlabel="ms", ylabel="requests")
    if len(times):
        step = max(times.max() / 50, 1e-3)
        edges = np.arange(0, times.max() + step, step)
        counts, _ = np.histogram(times, bins=edges)
        throughput.plot(edges[:-1], counts / step)
    throughput.set(title="throughput", xlabel="s", ylabel="infer/s")
    figure.tight_layout()
    figure.savefig(path, dpi=_DPI)
    plt.close(figure)
    return True

"""The tritonlink command line against the embedded server: each command's output and the
exit codes scripts rely on (0 ok, 1 server error / not ready, 2 usage, 3 unreachable)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tritonlink._cli import main
from tritonlink._cli.bench_report import PLOT_SIZE_PX

COMMANDS = ("serve", "demo", "health", "models", "metadata", "infer", "bench")


@pytest.fixture
def url(embedded_server):
    return embedded_server.url


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: tritonlink {command}" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "tritonlink", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "Exit codes" in done.stdout and "bench" in done.stdout


def test_the_console_script_is_installed(url):
    script = Path(sys.executable).with_name("tritonlink")
    done = subprocess.run([str(script), "health", url], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "live: yes\nready: yes\n")


def test_health_of_a_live_server_exits_0(url, capsys):
    assert main(["health", url, "--model", "add_sub"]) == 0
    assert capsys.readouterr().out.splitlines() == ["live: yes", "ready: yes", "model add_sub ready: yes"]


def test_health_of_a_missing_model_exits_1(url, capsys):
    assert main(["health", url, "--model", "no_such_model"]) == 1
    assert "model no_such_model ready: no" in capsys.readouterr().out


def test_an_unreachable_server_exits_3(capsys):
    assert main(["health", "127.0.0.1:1", "--timeout", "1"]) == 3
    assert "cannot reach 127.0.0.1:1" in capsys.readouterr().err


def test_models_prints_the_repository_index_as_a_table(url, capsys):
    assert main(["models", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "VERSION", "STATE", "REASON"]
    assert any(line.split()[:1] == ["add_sub"] and "READY" in line for line in lines[1:])


def test_models_json(url, capsys):
    assert main(["models", url, "--json"]) == 0
    assert "repeat" in {model["name"] for model in json.loads(capsys.readouterr().out)}


def test_metadata_prints_the_models_inputs(url, capsys):
    assert main(["metadata", url, "add_sub", "--config"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["metadata"]["name"] == "add_sub"
    assert [t["name"] for t in answer["metadata"]["inputs"]] == ["INPUT0", "INPUT1"]
    assert answer["config"]["name"] == "add_sub"


def test_metadata_of_an_unknown_model_exits_1(url, capsys):
    assert main(["metadata", url, "no_such_model"]) == 1
    assert "no_such_model" in capsys.readouterr().err


def test_infer_takes_json_and_npy_inputs_and_prints_outputs(url, tmp_path, capsys):
    np.save(tmp_path / "in1.npy", np.ones(16, np.float32))
    assert main(["infer", url, "add_sub", "--input", f"INPUT0={list(range(16))}",
                 "--input", f"INPUT1={tmp_path / 'in1.npy'}"]) == 0
    outputs = json.loads(capsys.readouterr().out)
    assert outputs["OUTPUT0"] == {"shape": [16], "data": [float(i + 1) for i in range(16)]}
    assert outputs["OUTPUT1"]["data"] == [float(i - 1) for i in range(16)]


def test_infer_saves_outputs_to_a_directory(url, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["infer", url, "identity_bytes", "--input", 'INPUT0=["a", "bc"]', "--output-dir", str(out)]) == 0
    assert capsys.readouterr().out.split() == [str(out / "OUTPUT0.npy")]
    assert np.load(out / "OUTPUT0.npy", allow_pickle=True).tolist() == [b"a", b"bc"]


@pytest.mark.parametrize("spec", ["INPUT0", "NOPE=[1]", "INPUT0=not json", "INPUT0=/no/such/file.npy"])
def test_infer_with_a_bad_input_exits_2(url, spec, capsys):
    assert main(["infer", url, "identity", "--input", spec]) == 2
    assert capsys.readouterr().err.startswith("tritonlink infer: ")


def test_bench_reports_percentiles_json_and_a_png(url, tmp_path, capsys):
    from PIL import Image

    report, picture = tmp_path / "bench.json", tmp_path / "bench.png"
    assert main(["bench", url, "identity", "--requests", "200", "--concurrency", "4", "--payload-bytes", "1024",
                 "--json", str(report), "--plot", str(picture), "--progress"]) == 0
    out = capsys.readouterr().out
    assert "200 requests, 0 errors" in out and "p99" in out
    summary = json.loads(report.read_text())
    assert (summary["requests"], summary["errors"], summary["concurrency"]) == (200, 0, 4)
    assert summary["latency_ms"]["p50"] <= summary["latency_ms"]["p99"] <= summary["latency_ms"]["max"]
    with Image.open(picture) as image:
        assert (image.format, image.size) == ("PNG", PLOT_SIZE_PX)


def test_bench_for_a_duration_with_inputs_from_the_metadata(url, tmp_path):
    report = tmp_path / "bench.json"
    assert main(["bench", url, "add_sub", "--duration", "0.5", "--json", str(report)]) == 0
    summary = json.loads(report.read_text())
    assert summary["requests"] > 0 and summary["errors"] == 0 and 0.5 <= summary["seconds"] < 5


def test_bench_counts_failures_and_exits_1(url, capsys):
    # A decoupled model refuses a plain infer (UNIMPLEMENTED), so every request fails.
    assert main(["bench", url, "repeat", "--requests", "5", "--warmup", "0"]) == 1
    assert "5 requests failed" in capsys.readouterr().err

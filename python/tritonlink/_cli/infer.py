"""``infer``: one request, its inputs from .npy files or JSON, its outputs printed or saved."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

import numpy as np

from .._datatypes import numpy_dtype
from . import _connect
from ._connect import UsageError


def _input_array(name: str, value: str, datatype: str) -> np.ndarray:
    """`value` is a .npy file, or a JSON number/list read as the model's datatype for `name`."""
    if value.endswith(".npy"):
        array: np.ndarray = np.load(value, allow_pickle=datatype == "BYTES")
        return array
    try:
        data = json.loads(value)
    except json.JSONDecodeError as error:
        raise UsageError(f"--input {name}: {value!r} is neither a .npy file nor JSON ({error})") from None
    if datatype == "BYTES":
        return np.array(data, dtype=np.object_)
    return np.array(data, dtype=numpy_dtype(datatype, f"input '{name}'"))


def parse_inputs(specs: list[Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """{name: array} from NAME=VALUE specs, checked against the model's declared inputs."""
    declared = {tensor["name"]: tensor["datatype"] for tensor in metadata.get("inputs", [])}
    inputs = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name:
            raise UsageError(f"--input takes NAME=FILE.npy or NAME=JSON, not {spec!r}")
        if name not in declared:
            raise UsageError(f"model '{metadata.get('name')}' has no input {name!r} (inputs: {', '.join(declared)})")
        inputs[name] = _input_array(name, value, declared[name])
    return inputs


def _printable(array: np.ndarray) -> object:
    if array.dtype == np.object_:
        return [item.decode("utf-8", "backslashreplace") for item in array.reshape(-1)]
    return array.tolist()


def _infer(args: argparse.Namespace) -> int:
    with _connect.client(args) as client:
        metadata = client.get_model_metadata(args.model, args.model_version, client_timeout=args.timeout)
        result = client.infer(args.model, parse_inputs(args.input, metadata), outputs=args.output or None,
                              model_version=args.model_version, client_timeout=args.timeout)
        outputs = {name: result.as_numpy(name) for name in result}
    if args.output_dir:
        os.makedirs(args.output_dir, exist_ok=True)
        for name, array in outputs.items():
            path = os.path.join(args.output_dir, f"{name}.npy")
            np.save(path, array)
            print(path)
    else:
        print(json.dumps({name: {"shape": list(array.shape), "data": _printable(array)}
                          for name, array in outputs.items()}, indent=2))
    return 0


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    infer = commands.add_parser("infer", help="run one inference; print the outputs as JSON or save them as .npy")
    _connect.add_url(infer)
    infer.add_argument("model", metavar="MODEL")
    infer.add_argument("--input", action="append", default=[], required=True, metavar="NAME=FILE.npy|JSON",
                       help="an input from a .npy file or a JSON value (typed by the model's metadata); repeat")
    infer.add_argument("--output", action="append", metavar="NAME", help="ask for this output only; repeat")
    infer.add_argument("--output-dir", metavar="DIR", help="save each output as DIR/NAME.npy instead of printing")
    infer.add_argument("--model-version", default="", metavar="VERSION")
    infer.set_defaults(run=_infer)

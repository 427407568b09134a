"""``health``, ``models`` and ``metadata``: what a server says about itself and its models."""

from __future__ import annotations

import argparse
import json
from typing import Any

from . import _connect


def _health(args: argparse.Namespace) -> int:
    with _connect.client(args) as client:
        checks = {"live": client.is_server_live(client_timeout=args.timeout),
                  "ready": client.is_server_ready(client_timeout=args.timeout)}
        if args.model:
            checks[f"model {args.model} ready"] = client.is_model_ready(args.model, client_timeout=args.timeout)
    for what, ok in checks.items():
        print(f"{what}: {'yes' if ok else 'no'}")
    return 0 if all(checks.values()) else 1


def table(rows: list[Any], columns: tuple[Any, ...]) -> str:
    """Rows of dicts as a plain text table, one column per key, left-aligned."""
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max([len(column)] + [len(line[i]) for line in cells]) for i, column in enumerate(columns)]
    lines = [[column.upper() for column in columns]] + cells
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines)


def _models(args: argparse.Namespace) -> int:
    with _connect.client(args) as client:
        models = client.get_model_repository_index(client_timeout=args.timeout).get("models", [])
    if args.json:
        print(json.dumps(models, indent=2))
    else:
        print(table(models, ("name", "version", "state", "reason")))
    return 0


def _metadata(args: argparse.Namespace) -> int:
    with _connect.client(args) as client:
        answer = {"metadata": client.get_model_metadata(args.model, args.model_version, client_timeout=args.timeout)}
        if args.config:
            answer["config"] = client.get_model_config(args.model, args.model_version,
                                                       client_timeout=args.timeout)["config"]
    print(json.dumps(answer if args.config else answer["metadata"], indent=2))
    return 0


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    health = commands.add_parser("health", help="is the server (and a model) live and ready; exit 0 if so, 1 if not")
    _connect.add_url(health)
    health.add_argument("--model", help="also check that this model is ready")
    health.set_defaults(run=_health)

    models = commands.add_parser("models", help="the server's model repository index, as a table")
    _connect.add_url(models)
    models.add_argument("--json", action="store_true", help="print JSON instead of a table")
    models.set_defaults(run=_models)

    metadata = commands.add_parser("metadata", help="a model's metadata (its inputs and outputs) as JSON")
    _connect.add_url(metadata)
    metadata.add_argument("model", metavar="MODEL")
    metadata.add_argument("--model-version", default="", metavar="VERSION")
    metadata.add_argument("--config", action="store_true", help="print the model's configuration too")
    metadata.set_defaults(run=_metadata)

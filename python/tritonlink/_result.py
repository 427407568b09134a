"""InferResult: a decoded response whose outputs are numpy views over the received bytes."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

import numpy as np

from . import _core
from .errors import MissingOutputError
from .shared_memory import RegionBook


class InferResult:
    """The response to one inference request.

    ``as_numpy(name)`` (or ``result[name]``) returns a read-only array that views the response's
    own memory; the array keeps that memory alive for as long as it is referenced.
    """

    __slots__ = ("_response",)

    def __init__(self, response: _core.InferResponse) -> None:
        self._response = response

    def placed_in(self, placements: dict[str, Any], regions: RegionBook) -> "InferResult":
        """This result, knowing which outputs the request placed in shared memory ({name: (region,
        offset, size)}) and the client's RegionBook that maps those regions."""
        return PlacedInferResult(self._response, placements, regions)

    @property
    def model_name(self) -> str:
        return self._response.model_name

    @property
    def model_version(self) -> str:
        return self._response.model_version

    @property
    def id(self) -> str:
        return self._response.id

    @property
    def parameters(self) -> dict[str, Any]:
        return self._response.parameters

    def is_final_response(self) -> bool:
        """Whether no more responses follow for this request: always for a unary call; on a
        stream, what the server's ``triton_final_response`` parameter says (decoupled models)."""
        return self._response.is_final

    def is_null_response(self) -> bool:
        """Whether the response carries no outputs: the empty one that only says a decoupled
        request is done (sent when the request asked for ``enable_empty_final_response``)."""
        return self._response.output_count == 0

    def _missing(self, name: str) -> MissingOutputError:
        present = ", ".join(repr(n) for n in self.keys()) or "none"
        return MissingOutputError(f"the response has no output {name!r} (outputs: {present})")

    def as_numpy(self, name: str) -> np.ndarray:
        """The output called `name` as a read-only numpy view; MissingOutputError if absent.

        BYTES outputs come as a new object array of bytes, shaped as the output; BF16 ones as
        ml_dtypes.bfloat16 views (ImportError naming ml_dtypes when it is not installed). An
        output placed in shared memory is a read-only view of the region, never a copy.
        """
        array: Optional[np.ndarray] = self._response.as_numpy(name)
        if array is None:
            raise self._missing(name)
        return array

    def get_output(self, name: str) -> Optional[dict[str, Any]]:
        """The output's name, datatype, shape and parameters, or None when absent (as tritonclient)."""
        index = self._response.output_index(name)
        return None if index < 0 else self._response.describe_output(index)

    def get_response(self) -> dict[str, Any]:
        """The whole response as a dict shaped like Triton's JSON (tensor data left out)."""
        return {
            "model_name": self.model_name,
            "model_version": self.model_version,
            "id": self.id,
            "parameters": self.parameters,
            "outputs": [self._response.describe_output(i) for i in range(self._response.output_count)],
        }

    def keys(self) -> list[str]:
        return [self._response.describe_output(i)["name"] for i in range(self._response.output_count)]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.as_numpy(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._response.output_index(name) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return self._response.output_count

    def __repr__(self) -> str:
        return f"InferResult(model_name={self.model_name!r}, id={self.id!r}, outputs={self.keys()!r})"


class PlacedInferResult(InferResult):
    """The result of a request that placed outputs in shared memory: those are views of their
    regions, mapped in this process (a separate class, so that plain results pay nothing)."""

    __slots__ = ("_placements", "_regions")

    def __init__(self, response: _core.InferResponse, placements: dict[str, Any], regions: RegionBook) -> None:
        super().__init__(response)
        self._placements = placements
        self._regions = regions

    def as_numpy(self, name: str) -> np.ndarray:
        placed = self._placements.get(name)
        if placed is None:
            return super().as_numpy(name)
        index = self._response.output_index(name)
        if index < 0:
            raise self._missing(name)
        output = self._response.describe_output(index)
        region, offset, byte_size = placed
        return self._regions.view(region, output["datatype"], output["shape"], offset, byte_size)


def with_placements(on_done: Callable[..., Any], placements: dict[str, Any],
                    regions: RegionBook) -> Callable[..., Any]:
    """`on_done(result, error)` whose result views the outputs placed in shared memory there."""

    def placed_done(result: Optional[InferResult], error: Any) -> None:
        on_done(None if result is None else result.placed_in(placements, regions), error)

    return placed_done

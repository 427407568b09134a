"""Identity through system shared memory, tritonlink's way and tritonclient's way (its own
tritonclient.utils.shared_memory utilities), beside each library's plain gRPC call.

One call is what a caller does per request: write the input array into the input region,
infer with the input and OUTPUT0 placed in regions, read OUTPUT0 as a numpy array. Regions are
made and registered once per size (SharedMemoryPaths), as a serving loop would.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Callable, Dict

import numpy as np
import tritonclient.grpc as tc
import tritonclient.utils.shared_memory as tc_shm

import tritonlink
from tritonlink.shared_memory import create_region

from _workloads import INPUT, MODEL, OUTPUT, Clients, check_output, tritonclient_infer, tritonlink_infer

_names = itertools.count()


def _once_released(unregister: Callable[[], None], attempts: int = 100) -> None:
    """Real Triton refuses to unregister a region a request it answered still holds
    ("currently in use") until it releases the request: try again a little later."""
    for attempt in range(attempts):
        try:
            return unregister()
        except Exception as error:  # each library raises its own exception type
            if "currently in use" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class SharedMemoryPaths:
    """Input and output regions of `nbytes` for each library, registered with the server; a
    context manager that unregisters and unlinks them. ``calls`` maps a contender's name to a
    function of no arguments that makes one request."""

    def __init__(self, clients: Clients, array: np.ndarray) -> None:
        self.array = array
        self.nbytes = nbytes = array.nbytes
        tag = f"{os.getpid()}_{next(_names)}"
        self.link = clients.tritonlink()
        self.tc = clients.tritonclient()
        self.link_in = create_region(f"bench_tl_in_{tag}", f"/bench_tl_in_{tag}", nbytes)
        self.link_out = create_region(f"bench_tl_out_{tag}", f"/bench_tl_out_{tag}", nbytes)
        self.link.register(self.link_in)
        self.link.register(self.link_out)
        self.tc_names = (f"bench_tc_in_{tag}", f"bench_tc_out_{tag}")
        self.tc_in = tc_shm.create_shared_memory_region(self.tc_names[0], f"/bench_tc_in_{tag}", nbytes)
        self.tc_out = tc_shm.create_shared_memory_region(self.tc_names[1], f"/bench_tc_out_{tag}", nbytes)
        self.tc.register_system_shared_memory(self.tc_names[0], f"/bench_tc_in_{tag}", nbytes)
        self.tc.register_system_shared_memory(self.tc_names[1], f"/bench_tc_out_{tag}", nbytes)
        self._link_input = {INPUT: self.link_in.tensor("FP32", array.shape)}
        self._link_output = [tritonlink.InferRequestedOutput(OUTPUT).set_shared_memory(self.link_out, nbytes)]
        self.calls: Dict[str, Callable[[], None]] = {
            "tritonlink gRPC": lambda: tritonlink_infer(self.link, MODEL, array),
            "tritonlink shm": self.tritonlink_shm,
            "tritonclient gRPC": lambda: tritonclient_infer(self.tc, MODEL, array),
            "tritonclient shm": self.tritonclient_shm,
        }

    def tritonlink_shm(self) -> None:
        self.link_in.write(self.array)
        result = self.link.infer(MODEL, self._link_input, outputs=self._link_output)
        check_output(result.as_numpy(OUTPUT), self.nbytes)

    def tritonclient_shm(self) -> None:
        tc_shm.set_shared_memory_region(self.tc_in, [self.array])
        infer_input = tc.InferInput(INPUT, list(self.array.shape), "FP32")
        infer_input.set_shared_memory(self.tc_names[0], self.nbytes)
        requested = tc.InferRequestedOutput(OUTPUT)
        requested.set_shared_memory(self.tc_names[1], self.nbytes)
        self.tc.infer(MODEL, [infer_input], outputs=[requested])
        check_output(tc_shm.get_contents_as_numpy(self.tc_out, np.float32, list(self.array.shape)), self.nbytes)

    def close(self) -> None:
        # Each lambda is called at once, in its own iteration.
        for region in (self.link_in, self.link_out):
            _once_released(lambda: self.link.unregister(region))  # noqa: B023
            region.close()
        for name, handle in zip(self.tc_names, (self.tc_in, self.tc_out)):
            _once_released(lambda: self.tc.unregister_system_shared_memory(name))  # noqa: B023
            tc_shm.destroy_shared_memory_region(handle)

    def __enter__(self) -> "SharedMemoryPaths":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

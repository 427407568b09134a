"""Credentials and header values never appear in exception messages, reprs, tracebacks or
logs: calls carrying a secret in ``headers``, ``basic_auth_headers`` and an ``auth_plugin``
fail in every way we can provoke (unknown model, unreachable server, deadline, TLS refused,
a bad header value, a bad plugin result), and the secret is looked for in each error and in
what was logged, ours and gRPC's own (a child process with GRPC_VERBOSITY=debug)."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest

import tritonlink
import tritonlink.aio
from tritonlink.testing import Server, ServerTls

from pki import Pki

SECRET = "s3cret-Token-7f3a91"
# Where a secret can hide: itself, and inside a Basic authorization value.
FORMS = (SECRET, base64.b64encode(f"ann:{SECRET}".encode()).decode())
X = {"INPUT0": np.ones(4, np.float32)}
SLEEP = {"INPUT0": np.array([2000.0], np.float32)}


def everything_said_about(error: BaseException) -> str:
    return "\n".join([str(error), repr(error), *traceback.format_exception(type(error), error, error.__traceback__)])


def carriers(url: str, **options):
    """Clients that send the secret by each means."""
    yield tritonlink.Client(url, headers={"authorization": f"Bearer {SECRET}"}, **options)
    yield tritonlink.Client(url, headers=tritonlink.basic_auth_headers("ann", SECRET), **options)
    yield tritonlink.Client(url, auth_plugin=lambda: {"x-api-key": SECRET}, **options)


def failures(url: str, tls_url: str):
    """The errors of failing calls that carried the secret."""
    for client in carriers(url):
        with client:
            yield raised_by(client.infer, "no_such_model", X)
            yield raised_by(client.get_model_metadata, "no_such_model")
            yield raised_by(client.infer, "sleep", SLEEP, client_timeout=0.05)
            yield raised_by(client.infer, "identity", X, headers={"x-call": f"{SECRET}\n"})
            yield raised_by(lambda c=client: c.submit("no_such_model", X).result(10))
    for client in carriers("127.0.0.1:1"):
        with client:
            yield raised_by(client.infer, "identity", X, client_timeout=5)
    for client in carriers(tls_url, ssl=True, root_certificates=Pki("another CA").ca):
        with client:
            yield raised_by(client.infer, "identity", X, client_timeout=5)
    with tritonlink.Client(url, auth_plugin=lambda: {"x-api-key": SECRET.encode()}) as client:
        yield raised_by(client.infer, "identity", X)
    with pytest.raises(ValueError) as bad_default:
        tritonlink.Client(url, headers={"authorization": f"Bearer {SECRET}\r\n"})
    yield bad_default.value


def raised_by(call, *args, **kwargs) -> BaseException:
    with pytest.raises(Exception) as raised:
        call(*args, **kwargs)
    return raised.value


@pytest.fixture(scope="module")
def tls_url():
    pki = Pki()
    with Server(tls=ServerTls(pki.server_cert, pki.server_key)) as server:
        yield server.url


def test_no_error_or_log_record_names_the_secret(embedded_server, tls_url, caplog):
    caplog.set_level(logging.DEBUG)
    errors = list(failures(embedded_server.url, tls_url))
    kinds = {type(error).__name__ for error in errors}
    assert {"NotFoundError", "DeadlineExceededError", "ServerUnavailableError", "ValueError", "TypeError"} <= kinds
    for error in errors:
        said = everything_said_about(error)
        assert not any(form in said for form in FORMS), said
    assert not any(form in caplog.text for form in FORMS)


def test_the_asyncio_client_keeps_the_secret_out_of_its_errors(embedded_server):
    async def main():
        async with tritonlink.aio.AsyncClient(embedded_server.url, headers={"authorization": f"Bearer {SECRET}"},
                                              auth_plugin=lambda: {"x-api-key": SECRET}) as client:
            errors = []
            for call in (lambda: client.infer("no_such_model", X), lambda: client.get_model_config("no_such_model"),
                         lambda: client.infer("sleep", SLEEP, client_timeout=0.05)):
                try:
                    await call()
                except tritonlink.InferenceServerError as error:
                    errors.append(error)
            return errors

    errors = asyncio.run(main())
    assert len(errors) == 3
    for error in errors:
        assert SECRET not in everything_said_about(error)


CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import tritonlink
    secret = sys.argv[2]
    for url in (sys.argv[1], "127.0.0.1:1"):
        with tritonlink.Client(url, headers={"authorization": "Bearer " + secret},
                               auth_plugin=lambda: {"x-api-key": secret}) as client:
            for model in ("no_such_model", "sleep"):
                try:
                    client.infer(model, {"INPUT0": np.array([2000.0], np.float32)}, client_timeout=0.5)
                except tritonlink.InferenceServerError as error:
                    print(type(error).__name__, error)
""")


def test_grpcs_own_debug_logging_does_not_print_the_secret(embedded_server):
    # gRPC's tracers (GRPC_TRACE=http) print every header by design: that is an explicit opt-in
    # to see the wire; its ordinary logging, at its most verbose, must not.
    env = {**os.environ, "GRPC_VERBOSITY": "debug"}
    env.pop("GRPC_TRACE", None)
    child = subprocess.run([sys.executable, "-c", CHILD, embedded_server.url, SECRET], env=env,
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr
    assert "NotFoundError" in child.stdout and "ServerUnavailableError" in child.stdout  # the calls failed
    assert SECRET not in child.stdout + child.stderr

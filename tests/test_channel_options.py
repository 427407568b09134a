"""Channel options: TLS and mutual TLS against the embedded server (certificates from pki.py:
a CA, a server certificate for 127.0.0.1 and localhost, a client certificate), keepalive
settings, extra channel arguments; bad ones are refused before any connection."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

import tritonlink
import tritonlink.aio
from tritonlink.testing import Server, ServerTls

from h2_tap import H2Tap
from pki import Pki

X = {"INPUT0": np.arange(4, dtype=np.float32)}


@pytest.fixture(scope="module")
def pki():
    return Pki()


@pytest.fixture(scope="module")
def tls_server(pki):
    with Server(tls=ServerTls(pki.server_cert, pki.server_key)) as server:
        yield server


@pytest.fixture(scope="module")
def mtls_server(pki):
    with Server(tls=ServerTls(pki.server_cert, pki.server_key, client_ca=pki.ca)) as server:
        yield server


def round_trips(client) -> bool:
    return np.array_equal(client.infer("identity", X, client_timeout=10)["OUTPUT0"], X["INPUT0"])


def test_tls_works_with_the_ca_given_as_bytes(tls_server, pki):
    with tritonlink.Client(tls_server.url, ssl=True, root_certificates=pki.ca) as client:
        assert round_trips(client) and client.is_server_ready()


def test_tls_works_with_pem_files_and_a_dns_name(tls_server, pki, tmp_path):
    (tmp_path / "ca.pem").write_bytes(pki.ca)
    url = f"localhost:{tls_server.port}"
    with tritonlink.Client(url, ssl=True, root_certificates=tmp_path / "ca.pem") as client:
        assert round_trips(client)
    with tritonlink.Client(url, ssl=True, root_certificates=str(tmp_path / "ca.pem")) as client:
        assert round_trips(client)


def test_asyncio_client_speaks_tls(tls_server, pki):
    async def main():
        async with tritonlink.aio.AsyncClient(tls_server.url, ssl=True, root_certificates=pki.ca) as client:
            return (await client.infer("identity", X))["OUTPUT0"]

    np.testing.assert_array_equal(asyncio.run(main()), X["INPUT0"])


def test_mutual_tls_works_with_a_client_certificate(mtls_server, pki, tmp_path):
    (tmp_path / "key.pem").write_bytes(pki.client_key)
    with tritonlink.Client(mtls_server.url, ssl=True, root_certificates=pki.ca, private_key=tmp_path / "key.pem",
                           certificate_chain=pki.client_cert) as client:
        assert round_trips(client)


def test_client_without_the_ca_is_refused(tls_server):
    with tritonlink.Client(tls_server.url, ssl=True) as client:  # gRPC's default roots only
        with pytest.raises(tritonlink.ServerUnavailableError):
            client.infer("identity", X, client_timeout=10)


def test_client_trusting_another_ca_is_refused(tls_server):
    with tritonlink.Client(tls_server.url, ssl=True, root_certificates=Pki("another CA").ca) as client:
        with pytest.raises(tritonlink.ServerUnavailableError):
            client.infer("identity", X, client_timeout=10)


def test_mutual_tls_without_a_client_certificate_is_refused(mtls_server, pki):
    with tritonlink.Client(mtls_server.url, ssl=True, root_certificates=pki.ca) as client:
        with pytest.raises(tritonlink.ServerUnavailableError):
            client.infer("identity", X, client_timeout=10)


def test_mutual_tls_with_a_certificate_of_another_ca_is_refused(mtls_server, pki):
    stranger = Pki("stranger CA")
    with tritonlink.Client(mtls_server.url, ssl=True, root_certificates=pki.ca, private_key=stranger.client_key,
                           certificate_chain=stranger.client_cert) as client:
        with pytest.raises(tritonlink.ServerUnavailableError):
            client.infer("identity", X, client_timeout=10)


def test_plaintext_client_cannot_talk_to_a_tls_server(tls_server):
    with tritonlink.Client(tls_server.url) as client:
        with pytest.raises(tritonlink.ServerUnavailableError):
            client.infer("identity", X, client_timeout=10)


def test_keepalive_options_and_channel_args_are_accepted(embedded_server):
    with tritonlink.Client(embedded_server.url, keepalive_time_ms=10_000, keepalive_timeout_ms=5_000,
                           keepalive_permit_without_calls=True, http2_max_pings_without_data=0,
                           channel_args={"grpc.max_receive_message_length": 1 << 30,
                                         "grpc.primary_user_agent": "tritonlink-test"}) as client:
        assert round_trips(client)


def idle_pings(url: str, **options) -> int:
    """The PINGs the server received from a client in the 2.5 s after its one call."""
    with H2Tap(url) as tap, tritonlink.Client(tap.url, **options) as client:
        assert client.is_server_live()
        time.sleep(0.3)  # gRPC's own bandwidth-probe PING follows the response at once
        before = tap.pings
        time.sleep(2.2)
        return tap.pings - before


@pytest.mark.timing
def test_keepalive_pings_reach_the_server_while_the_channel_is_idle(embedded_server):
    # Pings every second (gRPC's floor too; measured 1.0 s apart, the first 1.0 s after the
    # call): two fall in the window, the second 0.8 s before it ends; the server's
    # too_many_pings GOAWAY comes after the third. A client without keepalive sends none.
    assert idle_pings(embedded_server.url, keepalive_time_ms=1_000, keepalive_timeout_ms=1_000,
                      keepalive_permit_without_calls=True, http2_max_pings_without_data=0) >= 2
    assert idle_pings(embedded_server.url) == 0


def test_a_channel_arg_message_limit_applies_on_top_of_our_defaults(embedded_server):
    with tritonlink.Client(embedded_server.url, channel_args={"grpc.max_receive_message_length": 1024}) as client:
        assert round_trips(client)
        with pytest.raises(tritonlink.InferenceServerError, match="(?i)larger than max|message"):
            client.infer("identity", {"INPUT0": np.ones(4096, np.float32)})


# ---- refused before any connection ----


@pytest.mark.parametrize("argument", ["root_certificates", "private_key", "certificate_chain"])
def test_unreadable_certificate_path_names_the_argument(argument, tmp_path, pki):
    missing = tmp_path / "missing.pem"
    others = {"private_key": pki.client_key, "certificate_chain": pki.client_cert}
    others.pop(argument, None)
    if argument == "root_certificates":
        others = {}
    with pytest.raises(ValueError, match=f"{argument}.*missing.pem"):
        tritonlink.Client("127.0.0.1:1", ssl=True, **{argument: missing}, **others)
    with pytest.raises(ValueError, match=argument):
        tritonlink.aio.AsyncClient("127.0.0.1:1", ssl=True, **{argument: missing}, **others)


def test_certificates_without_ssl_are_refused(pki):
    with pytest.raises(ValueError, match="root_certificates.*ssl"):
        tritonlink.Client("127.0.0.1:1", root_certificates=pki.ca)


def test_private_key_needs_its_certificate_chain(pki):
    with pytest.raises(ValueError, match="private_key and certificate_chain"):
        tritonlink.Client("127.0.0.1:1", ssl=True, private_key=pki.client_key)


def test_certificate_of_the_wrong_type_is_refused():
    with pytest.raises(TypeError, match="root_certificates"):
        tritonlink.Client("127.0.0.1:1", ssl=True, root_certificates=123)
    with pytest.raises(TypeError, match="ssl"):
        tritonlink.Client("127.0.0.1:1", ssl="yes")


@pytest.mark.parametrize("option, value, error", [
    ("keepalive_time_ms", -1, ValueError), ("keepalive_timeout_ms", 1.5, ValueError),
    ("http2_max_pings_without_data", True, ValueError), ("keepalive_permit_without_calls", 1, TypeError)])
def test_bad_keepalive_options_are_refused(option, value, error):
    with pytest.raises(error, match=option):
        tritonlink.Client("127.0.0.1:1", **{option: value})


def test_bad_channel_args_are_refused():
    with pytest.raises(TypeError, match="channel argument"):
        tritonlink.Client("127.0.0.1:1", channel_args={"grpc.x": 1.5})
    with pytest.raises(TypeError, match="channel_args"):
        tritonlink.Client("127.0.0.1:1", channel_args=[("grpc.x", 1)])


def test_server_tls_files_are_read_when_the_server_is_made(tmp_path, pki):
    with pytest.raises(ValueError, match="tls.private_key"):
        Server(tls=ServerTls(pki.server_cert, tmp_path / "nope.pem"))
    with pytest.raises(TypeError, match="ServerTls"):
        Server(tls=(pki.server_cert, pki.server_key))

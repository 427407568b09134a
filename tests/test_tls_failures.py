"""TLS that must fail does, with a tritonlink error whose message says why: a server
certificate that has expired, is for another host name or comes from an untrusted CA, and a
client certificate that has expired under mutual TLS. ``ssl_target_name_override`` reaches a
server whose certificate was issued to a name by its address."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from cryptography import x509

import tritonlink
import tritonlink.aio
from tritonlink.testing import Server, ServerTls

from pki import Pki

X = {"INPUT0": np.arange(4, dtype=np.float32)}
NAMED = Pki(server_names=[x509.DNSName("triton.internal")])  # reached as 127.0.0.1 in the tests


def serving(pki: Pki, mutual: bool = False) -> Server:
    return Server(tls=ServerTls(pki.server_cert, pki.server_key, client_ca=pki.ca if mutual else None))


def refusal(client: tritonlink.Client) -> str:
    with pytest.raises(tritonlink.ServerUnavailableError) as raised:
        client.infer("identity", X, client_timeout=10)
    return str(raised.value)


def test_a_certificate_issued_to_a_name_is_reached_by_address_with_the_name_override():
    with serving(NAMED) as server, tritonlink.Client(server.url, ssl=True, root_certificates=NAMED.ca,
                                                     ssl_target_name_override="triton.internal") as client:
        np.testing.assert_array_equal(client.infer("identity", X, client_timeout=10)["OUTPUT0"], X["INPUT0"])
        assert client.is_server_live()


def test_the_asyncio_client_takes_the_name_override_too():
    async def main(url):
        async with tritonlink.aio.AsyncClient(url, ssl=True, root_certificates=NAMED.ca,
                                              ssl_target_name_override="triton.internal") as client:
            return await client.is_server_live()

    with serving(NAMED) as server:
        assert asyncio.run(main(server.url))


def test_a_certificate_for_another_host_name_is_refused_and_the_error_says_so():
    with serving(NAMED) as server, tritonlink.Client(server.url, ssl=True, root_certificates=NAMED.ca) as client:
        message = refusal(client)
    assert "Peer name 127.0.0.1 is not in peer certificate" in message and "ssl_target_name_override" in message


def test_a_wrong_name_override_is_refused():
    with serving(NAMED) as server, tritonlink.Client(server.url, ssl=True, root_certificates=NAMED.ca,
                                                     ssl_target_name_override="other.internal") as client:
        assert "Peer name other.internal is not in peer certificate" in refusal(client)


def test_an_expired_server_certificate_is_refused_and_the_error_says_so():
    pki = Pki(expired=["server"])
    with serving(pki) as server, tritonlink.Client(server.url, ssl=True, root_certificates=pki.ca) as client:
        message = refusal(client)
    assert "certificate verify failed" in message and "expired" in message, message


def test_an_untrusted_server_certificate_is_refused_and_the_error_says_so():
    with serving(Pki()) as server, tritonlink.Client(server.url, ssl=True,
                                                      root_certificates=Pki("another CA").ca) as client:
        message = refusal(client)
    assert "certificate verify failed" in message and "root_certificates" in message, message


def test_an_expired_client_certificate_is_refused_under_mutual_tls():
    pki = Pki(expired=["client"])
    with serving(pki, mutual=True) as server, tritonlink.Client(
            server.url, ssl=True, root_certificates=pki.ca, private_key=pki.client_key,
            certificate_chain=pki.client_cert) as client:
        # TLS 1.3 finishes the client's side of the handshake before the server checks its
        # certificate: all the client sees is the server closing the connection.
        assert "Socket closed" in refusal(client)


def test_the_name_override_is_checked_before_any_connection():
    with pytest.raises(ValueError, match="ssl_target_name_override.*ssl"):
        tritonlink.Client("127.0.0.1:1", ssl_target_name_override="triton.internal")
    with pytest.raises(TypeError, match="ssl_target_name_override"):
        tritonlink.Client("127.0.0.1:1", ssl=True, ssl_target_name_override=b"triton.internal")
    with pytest.raises(ValueError, match="ssl_target_name_override"):
        tritonlink.aio.AsyncClient("127.0.0.1:1", ssl=True, ssl_target_name_override="")

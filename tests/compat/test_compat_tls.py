"""ssl=True with tritonclient's certificate file arguments, on the embedded server (mutual TLS)."""

from __future__ import annotations

import pytest

from tritonlink.testing import Server, ServerTls

from test_channel_options import Pki


@pytest.fixture(scope="module")
def pki():
    return Pki()


@pytest.fixture(scope="module")
def mtls_server(pki):
    with Server(tls=ServerTls(pki.server_cert, pki.server_key, client_ca=pki.ca)) as server:
        yield server


def test_mutual_tls_with_certificate_files(api, mtls_server, pki, tmp_path):
    files = {"ca.pem": pki.ca, "key.pem": pki.client_key, "cert.pem": pki.client_cert}
    for name, pem in files.items():
        (tmp_path / name).write_bytes(pem)
    with api.grpc.InferenceServerClient(mtls_server.url, ssl=True, root_certificates=str(tmp_path / "ca.pem"),
                                        private_key=str(tmp_path / "key.pem"),
                                        certificate_chain=str(tmp_path / "cert.pem")) as client:
        assert client.is_server_live()
        assert client.get_server_metadata().name


def test_verbose_prints_the_responses(api, server, capsys):
    with api.grpc.InferenceServerClient(server.url, verbose=True) as client:
        client.get_server_metadata()
    assert capsys.readouterr().out

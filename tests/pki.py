"""Certificates made for the TLS tests: a CA, a server certificate and a client certificate,
as PEM, with the server's names and the validity period chosen by the test."""

from __future__ import annotations

import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCAL_NAMES = (x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost"))


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _certificate(subject: str, key, issuer_name, issuer_key, *, ca=False, sans=(), usage=None, expired=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    # An expired certificate ended a day ago; a valid one started 5 minutes ago (clock skew).
    start, end = (now - datetime.timedelta(days=2), now - datetime.timedelta(days=1)) if expired else (
        now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=1))
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(start)
               .not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class Pki:
    """A CA, a server certificate (for ``server_names``: by default 127.0.0.1 and localhost)
    and a client certificate, as PEM; ``expired`` names the certificates ("server", "client")
    whose validity ended yesterday."""

    def __init__(self, name: str = "tritonlink test CA", *, server_names=LOCAL_NAMES, expired=()) -> None:
        ca_key = _key()
        ca = _certificate(name, ca_key, None, ca_key, ca=True)
        server_key, client_key = _key(), _key()
        server = _certificate("server", server_key, ca.subject, ca_key, usage=ExtendedKeyUsageOID.SERVER_AUTH,
                              sans=server_names, expired="server" in expired)
        client = _certificate("client", client_key, ca.subject, ca_key, usage=ExtendedKeyUsageOID.CLIENT_AUTH,
                              expired="client" in expired)
        pem = serialization.Encoding.PEM
        self.ca = ca.public_bytes(pem)
        self.server_cert, self.server_key = server.public_bytes(pem), _pem_key(server_key)
        self.client_cert, self.client_key = client.public_bytes(pem), _pem_key(client_key)

"""What gRPC's terse TLS failures mean, added to the error's message: OpenSSL says only
"certificate verify failed" whether the server's certificate expired, came from another CA
or is malformed, and a name mismatch does not say how to connect by address."""

from __future__ import annotations

_HINTS = (
    ("certificate verify failed",
     "TLS: the server's certificate was not accepted: it is expired or not yet valid, or not signed by a CA "
     "in root_certificates (gRPC's default roots when None)"),
    ("is not in peer certificate",
     "TLS: the server's certificate is for other names; pass the name it was issued to as "
     "ssl_target_name_override"),
)


def with_tls_hint(message: str) -> str:
    for symptom, hint in _HINTS:
        if symptom in message:
            return f"{message} ({hint})"
    return message

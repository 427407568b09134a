"""A TCP relay in front of a plaintext gRPC server that reads the HTTP/2 frames clients send
through it, so a test can assert on what the server received: each call's headers
(HPACK-decoded, gRPC metadata included), each request message's compressed flag and size on
the wire, and the PINGs (keepalive) a client sent. Replies pass through untouched."""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import hpack

_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_DATA, _HEADERS, _PING, _CONTINUATION = 0x0, 0x1, 0x6, 0x9
_END_HEADERS, _PADDED, _PRIORITY, _ACK = 0x4, 0x8, 0x20, 0x1


@dataclass
class Call:
    headers: Dict[str, str]
    messages: List[Tuple[bool, int]] = field(default_factory=list)  # (compressed, length) per gRPC message
    _pending: bytearray = field(default_factory=bytearray)

    @property
    def path(self) -> str:
        return self.headers.get(":path", "")


class H2Tap:
    """``with H2Tap("127.0.0.1:8001") as tap: Client(tap.url)``; ``tap.calls`` and ``tap.pings``
    hold what went through."""

    def __init__(self, target: str) -> None:
        host, port = target.rsplit(":", 1)
        self._target = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._sockets: List[socket.socket] = []
        self.calls: List[Call] = []
        self.pings = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self._listener.getsockname()[1]}"

    def calls_to(self, method: str) -> List[Call]:
        with self._lock:
            return [call for call in self.calls if call.path.endswith("/" + method)]

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self._listener.accept()
                upstream = socket.create_connection(self._target)
            except OSError:
                return  # closed
            with self._lock:
                self._sockets += [downstream, upstream]
            threading.Thread(target=self._relay, args=(upstream, downstream), daemon=True).start()
            threading.Thread(target=self._read_client, args=(downstream, upstream), daemon=True).start()

    @staticmethod
    def _relay(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()

    def _read_client(self, client: socket.socket, server: socket.socket) -> None:
        buffer, preface_left = bytearray(), len(_PREFACE)
        decoder, streams, block = hpack.Decoder(), {}, bytearray()
        try:
            while chunk := client.recv(65536):
                buffer += chunk
                skipped = min(preface_left, len(buffer))
                del buffer[:skipped]
                preface_left -= skipped
                while len(buffer) >= 9:
                    length = int.from_bytes(buffer[:3], "big")
                    if len(buffer) < 9 + length:
                        break
                    kind, flags, stream = buffer[3], buffer[4], struct.unpack(">I", buffer[5:9])[0] & 0x7FFFFFFF
                    payload = bytes(buffer[9:9 + length])
                    del buffer[:9 + length]
                    self._frame(kind, flags, stream, payload, decoder, streams, block)
                server.sendall(chunk)  # after recording it: the server cannot answer what is not yet seen
        except OSError:
            pass
        finally:
            server.close()

    def _frame(self, kind, flags, stream, payload, decoder, streams, block) -> None:
        if kind == _PING and not flags & _ACK:
            with self._lock:
                self.pings += 1
        elif kind in (_HEADERS, _CONTINUATION):
            if kind == _HEADERS:
                payload = _unpadded(payload, flags)[5 if flags & _PRIORITY else 0:]
            block += payload
            if flags & _END_HEADERS:
                headers = dict(decoder.decode(bytes(block)))
                block.clear()
                if stream not in streams:  # trailers would be a second block; clients send none
                    streams[stream] = Call(headers)
                    with self._lock:
                        self.calls.append(streams[stream])
        elif kind == _DATA and stream in streams:
            call = streams[stream]
            call._pending += _unpadded(payload, flags)
            while len(call._pending) >= 5:
                length = int.from_bytes(call._pending[1:5], "big")
                if len(call._pending) < 5 + length:
                    break
                call.messages.append((bool(call._pending[0]), length))
                del call._pending[:5 + length]

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def __enter__(self) -> "H2Tap":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _unpadded(payload: bytes, flags: int) -> bytes:
    if not flags & _PADDED:
        return payload
    return payload[1:len(payload) - payload[0]]

"""uvicorn's Config with one fix: a multi-worker listener that keeps TCP_NODELAY.

Imported only by ``pivault serve`` (uvicorn is a heavy import), at module level so
worker processes can unpickle it.
"""

from __future__ import annotations

import socket

import uvicorn


class TcpConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        """uvicorn's listener (``--workers N`` binds it up front), marked as TCP.

        uvicorn creates it with ``proto`` 0; accepted connections inherit that, and
        asyncio turns Nagle's algorithm off (TCP_NODELAY) only for ``IPPROTO_TCP``
        sockets. With Nagle on, every keep-alive request after a connection's first
        waited ~40 ms for the client's delayed ACK (uvicorn issue #3149).
        """
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
            tcp.set_inheritable(True)
            return tcp
        return sock

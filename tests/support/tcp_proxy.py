"""A TCP proxy a test owns, to take a server away from the code under test and bring it back.

`TcpProxy(host, port)` listens on a free loopback port and forwards every connection to the
target. `cut()` is an outage: every connection is closed and the port refuses new ones.
`stall()` is a server that stops answering: connections (old and new) are accepted and kept
open, but nothing is forwarded either way. `restore()` forwards again on the same port.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from types import TracebackType

__all__ = ["TcpProxy"]

# How often the threads look at the proxy's state; a stall or cut takes effect within it.
_POLL = 0.05
_CHUNK = 65536


class TcpProxy:
    """Forwards 127.0.0.1:`port` to the target until cut or stalled."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._forwarding = True
        self._closed = False
        self._listener: socket.socket | None = None
        self.port = 0
        self._listen()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def cut(self) -> None:
        """Close every connection and stop listening: connecting is refused."""
        with self._lock:
            listener, self._listener = self._listener, None
            self._close_all()
        if listener is not None:
            listener.close()

    def stall(self) -> None:
        """Keep accepting and keep connections open, but forward nothing."""
        with self._lock:
            self._forwarding = False

    def restore(self) -> None:
        """Forward again, on the same port; connections accepted while stalled are dropped."""
        with self._lock:
            if not self._forwarding:
                self._close_all()
            self._forwarding = True
            listening = self._listener is not None
        if not listening:
            self._listen(self.port)

    def close(self) -> None:
        """Stop for good."""
        with self._lock:
            self._closed = True
        self.cut()

    def _close_all(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _listen(self, port: int = 0) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # The closed listener's accept thread may hold the port for one more poll.
        for _attempt in range(40):
            try:
                listener.bind(("127.0.0.1", port))
                break
            except OSError:
                if port == 0:
                    raise
                threading.Event().wait(_POLL)
        else:
            listener.bind(("127.0.0.1", port))
        listener.listen(64)
        listener.settimeout(_POLL)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            with self._lock:
                if self._listener is not listener:
                    return
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._sockets.add(client)
                forwarding = self._forwarding
            if not forwarding:
                # Accepted and left unanswered: the client waits for a server that never talks.
                continue
            try:
                upstream = socket.create_connection(self._target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.add(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            with self._lock:
                if source not in self._sockets:
                    return
                forwarding = self._forwarding
            if not forwarding:
                threading.Event().wait(_POLL)
                continue
            try:
                readable, _, _ = select.select([source], [], [], _POLL)
                if not readable:
                    continue
                with self._lock:
                    if not self._forwarding:
                        # Stalled while waiting: the bytes stay unread.
                        continue
                data = source.recv(_CHUNK)
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    return
                sink.sendall(data)
            except OSError:
                return

"""What the scripted loopback servers of the tests share (``fake_llm``, ``embed_server``): a script of
steps, one per request (the last one repeats), every request's JSON body kept, a threaded HTTP server on
127.0.0.1 started and stopped with the test."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, TypeVar

S = TypeVar("S")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a hanging reply closed the socket: expected in the hang tests


@dataclass
class ScriptedServer(Generic[S]):
    script: list[S] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def record(self, body: dict[str, Any]) -> S:
        """Keep a request's body; the step of the script that answers it."""
        with self._lock:
            self.requests.append(body)
            return self.script[min(len(self.requests) - 1, len(self.script) - 1)]

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

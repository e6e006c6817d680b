"""What the scripted loopback servers of the tests share (``fake_llm``, ``embed_server``): a script of
steps, one per request (the last one repeats), every request's JSON body kept, a threaded HTTP server on
127.0.0.1 started and stopped with the test."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, TypeVar

S = TypeVar("S")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a hanging reply closed the socket: expected in the hang tests


class ScriptedHandler(BaseHTTPRequestHandler):
    """A quiet handler bound to its ScriptedServer (``scripted``, set by ``serve``): reads a request's
    JSON body with the step that answers it, and sends JSON replies."""

    protocol_version = "HTTP/1.1"
    scripted: ScriptedServer[Any]

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def take(self) -> tuple[dict[str, Any], Any]:
        """The request's JSON body, and the step of the script that answers it."""
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        return body, self.scripted.record(body)

    def send_json(self, status: int, payload: str, headers: dict[str, str] | None = None) -> None:
        data = payload.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            # no keep-alive: a stopped server must be down for a client that called it before
            self.send_header("Connection", "close")
            self.close_connection = True
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass


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
        return f"http://{host!s}:{port}/v1"

    def record(self, body: dict[str, Any]) -> S:
        """Keep a request's body; the step of the script that answers it."""
        with self._lock:
            self.requests.append(body)
            return self.script[min(len(self.requests) - 1, len(self.script) - 1)]

    def serve(self, handler: type[ScriptedHandler]) -> None:
        bound = type(handler.__name__, (handler,), {"scripted": self})
        self.server = QuietServer(("127.0.0.1", 0), bound)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

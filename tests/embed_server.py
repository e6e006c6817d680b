"""A small OpenAI-compatible embeddings server (``POST /v1/embeddings``) on the loopback, scripted per test.

Each request takes the next step of the script (the last step repeats): hashed bag-of-words vectors
(the hash embedder's, so retrieval works), an HTTP error status, a delay, a wrong dimension, or a
malformed body. ``requests`` keeps every request's JSON body.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from rag.index.embedders.builtin import hashed_vector
from tests.scripted_server import ScriptedServer


@dataclass
class Step:
    status: int = 200
    delay: float = 0.0
    dim: int = 16
    body: str | None = None  # sent as is (a malformed reply)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeEmbeddings(ScriptedServer[Step]):
    script: list[Step] = field(default_factory=lambda: [Step()])

    def texts(self) -> list[str]:
        return [t for r in self.requests for t in r["input"]]

    def start(self) -> FakeEmbeddings:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                step = fake.record(body)
                if step.delay:
                    time.sleep(step.delay)
                if step.status != 200:
                    error = {"error": {"message": "scripted failure", "type": "server_error"}}
                    self._send(step.status, json.dumps(error), step.headers)
                elif step.body is not None:
                    self._send(200, step.body, step.headers)
                else:
                    texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
                    data = [
                        {"object": "embedding", "index": i, "embedding": hashed_vector(t, step.dim).tolist()}
                        for i, t in enumerate(texts)
                    ]
                    reply = {"object": "list", "data": data, "model": body.get("model"), "usage": {}}
                    self._send(200, json.dumps(reply), step.headers)

            def _send(self, status: int, payload: str, headers: dict[str, str]) -> None:
                data = payload.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    # no keep-alive: a stopped server must be down for a client that called it before
                    self.send_header("Connection", "close")
                    self.close_connection = True
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

        self.serve(Handler)
        return self

"""A small OpenAI-compatible chat-completions server on the loopback, scripted per test.

Each request takes the next step of the script (the last step repeats): a reply text, an HTTP
error status, a delay (a hang), or a malformed body. Streaming requests get server-sent events.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    text: str = ""
    status: int = 200
    delay: float = 0.0
    malformed: bool = False
    chunk_chars: int = 12  # how much text per streamed event


@dataclass
class FakeLLM:
    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def next_step(self) -> Step:
        n = len(self.requests) - 1
        return self.script[min(n, len(self.script) - 1)]

    def start(self) -> FakeLLM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(body)
                step = fake.next_step()
                if step.delay:
                    time.sleep(step.delay)
                if step.status != 200:
                    self._send(
                        step.status, json.dumps({"error": {"message": "scripted failure", "type": "x"}})
                    )
                    return
                if step.malformed:
                    self._send(200, "{not json")
                    return
                if body.get("stream"):
                    self._stream(step)
                else:
                    self._send(200, json.dumps(_completion(step.text)))

            def _send(self, status: int, payload: str) -> None:
                data = payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, step: Step) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                pieces = [
                    step.text[i : i + step.chunk_chars] for i in range(0, len(step.text), step.chunk_chars)
                ]
                for piece in pieces:
                    self._chunk(f"data: {json.dumps(_delta(piece))}\n\n")
                self._chunk(f"data: {json.dumps(_delta('', finish=True))}\n\n")
                self._chunk("data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")

            def _chunk(self, text: str) -> None:
                data = text.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a hanging reply closed the socket: expected in the hang tests


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _delta(text: str, finish: bool = False) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "delta": {"content": text} if text else {},
                "finish_reason": "stop" if finish else None,
            }
        ],
    }

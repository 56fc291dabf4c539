"""The ``nn-playground`` command: serve the playground, a thin layer over ``create_app``.

``--get /path`` answers one request in-process and exits (non-zero on an HTTP
error), a smoke test that needs no port. With ``--workers N`` uvicorn starts
N processes, each calling ``create_app()``; the settings reach them through
``NNP_*`` environment variables.
"""

import argparse
import asyncio
import os
import sys
import threading
import webbrowser
from dataclasses import fields
from urllib.parse import urlsplit

import uvicorn
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings

# Server-side messages larger than this are refused by uvicorn itself; up to it
# the app answers an oversized message with an error the page can show.
TRANSPORT_SIZE_FACTOR = 64
LIMIT_HELP = {
    "max_sessions": "tabs per process; over it a tab is told the server is full",
    "max_message_bytes": "largest control message a tab may send",
    "max_messages_per_second": "control messages per tab per second",
    "idle_timeout": "seconds without a message before a tab is disconnected",
    "max_frames_per_second": "frames per tab per second, at most",
    "compress_frames": "zlib-compress the maps in each frame",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nn-playground", description="Serve the neural network playground."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    parser.add_argument("--workers", type=_positive(int), default=1, help="server processes")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--get", metavar="PATH", help="request PATH in-process, print it, exit")
    defaults = Settings()
    limits = parser.add_argument_group("limits (also NNP_<NAME> environment variables)")
    for field in fields(Settings):
        if field.name not in LIMIT_HELP:
            continue
        flag = "--" + field.name.replace("_", "-")
        default = getattr(defaults, field.name)
        if isinstance(default, bool):
            action: object = argparse.BooleanOptionalAction
            limits.add_argument(flag, action=action, default=None, help=LIMIT_HELP[field.name])
        else:
            kind = _positive(type(default))
            help_text = f"{LIMIT_HELP[field.name]} (default: {default:g})"
            limits.add_argument(flag, type=kind, default=None, help=help_text)
    return parser


def _positive(kind: type) -> object:
    def convert(raw: str) -> object:
        value = kind(raw)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {raw}")
        return value

    convert.__name__ = kind.__name__  # argparse names the type in its error message
    return convert


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and serve (or answer ``--get``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    overrides = {name: getattr(args, name) for name in LIMIT_HELP}
    try:
        settings = Settings.from_env(**overrides)
    except ValueError as exc:
        parser.error(str(exc))
    if args.get:
        return smoke_get(create_app(settings), args.get)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{args.port}/"
    print(f"nn-playground: serving on {url} (Ctrl-C to stop)", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    options = {
        "host": args.host,
        "port": args.port,
        "ws_max_size": settings.max_message_bytes * TRANSPORT_SIZE_FACTOR,
        # Frames compress their own maps; permessage-deflate would cost CPU for little.
        "ws_per_message_deflate": False,
        "log_level": "warning",
    }
    if args.workers > 1:
        os.environ.update(settings.to_env())
        uvicorn.run("app.main:create_app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)
    return 0


def smoke_get(app: FastAPI, path: str) -> int:
    """Print the body of GET ``path``; 0 on success, 1 on an HTTP error status."""
    status, body = asyncio.run(_asgi_get(app, path))
    text = body.decode(errors="replace")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if status >= 400:
        print(f"nn-playground: GET {path} returned HTTP {status}", file=sys.stderr)
        return 1
    return 0


async def _asgi_get(app: FastAPI, path: str) -> tuple[int, bytes]:
    """One GET request straight through the ASGI interface, no socket."""
    url = urlsplit(path)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url.path or "/",
        "raw_path": (url.path or "/").encode(),
        "query_string": url.query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 0),
        "server": ("localhost", 80),
    }
    response = {"status": 500, "body": b""}
    requested, finished = False, asyncio.Event()

    async def receive() -> dict[str, object]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        # Streaming responses listen for the client leaving: it leaves once served.
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")
            if not message.get("more_body", False):
                finished.set()

    await app(scope, receive, send)
    return response["status"], response["body"]


if __name__ == "__main__":
    sys.exit(main())

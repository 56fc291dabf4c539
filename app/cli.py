"""The ``nn-playground`` command: serve the playground, a thin layer over ``create_app``.

``--get /path`` answers one request in-process and exits (non-zero on an HTTP
error), a smoke test that needs no port. With ``--workers N`` uvicorn starts
N processes, each calling ``create_app()``; the settings reach them through
``NNP_*`` environment variables.
"""

import argparse
import os
import sys
import threading
import webbrowser
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.lessons import LessonError, lessons_in
from app.main import create_app
from app.settings import Settings

# Server-side messages larger than this are refused by uvicorn itself; up to it
# the app answers an oversized message with an error the page can show.
TRANSPORT_SIZE_FACTOR = 64


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
    parser.add_argument(
        "--redis",
        metavar="URL",
        default=None,
        help="share classes through this Redis (redis://127.0.0.1:6379/0), so they work "
        "across --workers and replicas (also NNP_REDIS_URL)",
    )
    limits = parser.add_argument_group("settings (also NNP_<NAME> environment variables)")
    for field in Settings.options():
        flag = "--" + field.name.replace("_", "-")
        # None, not the default: an unset flag leaves the NNP_* variable in force.
        if isinstance(field.default, bool):
            action: object = argparse.BooleanOptionalAction
            limits.add_argument(flag, action=action, default=None, help=field.metadata["help"])
        elif isinstance(field.default, Path):
            help_text = f"{field.metadata['help']} (default: the built-in ones)"
            limits.add_argument(flag, type=Path, metavar="DIR", default=None, help=help_text)
        else:
            kind = _positive(type(field.default))
            help_text = f"{field.metadata['help']} (default: {field.default:g})"
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
    overrides = {field.name: getattr(args, field.name) for field in Settings.options()}
    overrides["redis_url"] = args.redis
    try:
        settings = Settings.from_env(**overrides)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        lessons = lessons_in(settings.lessons)
    except LessonError as error:
        # "path:line: message", which editors and terminals turn into a link.
        print(error, file=sys.stderr)
        return 1
    if args.get:
        return smoke_get(create_app(settings, lessons), args.get)
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
        uvicorn.run(create_app(settings, lessons), **options)
    return 0


def smoke_get(app: FastAPI, path: str) -> int:
    """Print the body of GET ``path``; 0 on success, 1 on an HTTP error status."""
    # Outside a ``with`` block the client skips the lifespan: no kernel warm-up.
    response = TestClient(app, base_url="http://localhost", follow_redirects=False).get(path)
    text = response.content.decode(errors="replace")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if response.status_code >= 400:
        print(f"nn-playground: GET {path} returned HTTP {response.status_code}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

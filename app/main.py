"""``create_app()`` builds the whole web app; nothing runs at import time."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware

from app import fast_codes
from app.assets import PREFIX, Assets
from app.fragments import Fragments
from app.lessons import Lesson, lessons_in
from app.rooms.backends import make_backend
from app.rooms.guard import JoinGuard
from app.rooms.views import RoomViews
from app.routes import files, pages, rooms, ws
from app.settings import Settings
from engine import fast


def warm_up() -> float:
    """Compile (or load) the engine's kernels, then the frames' (app/fast_codes.py);
    the seconds taken."""
    return fast.warm_up() + fast_codes.warm_up()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Compile the kernels in the background, so no tab's first frame waits."""
    threading.Thread(target=warm_up, name="nnp-warm-up", daemon=True).start()
    yield
    await app.state.rooms.close()  # a shared backend's connections


def create_app(
    settings: Settings | None = None, lessons: dict[str, Lesson] | None = None
) -> FastAPI:
    """The playground app; ``uvicorn --factory app.main:create_app`` serves it.

    ``lessons``: already loaded from ``settings.lessons`` (the CLI checks them
    first, to report a mistake without a traceback); else loaded here.
    """
    settings = settings or Settings.from_env()
    app = FastAPI(title="nn-playground", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.fragments = Fragments(app.state.templates.env)
    app.state.lessons = lessons if lessons is not None else lessons_in(settings.lessons)
    app.state.sessions = set()  # this process's live sessions, for the cap
    app.state.room_views = RoomViews(app.state.templates.env)
    app.state.rooms = make_backend(settings, app.state.room_views)
    app.state.join_guard = JoinGuard(settings.join_misses_per_minute)
    assets = Assets(settings.static_dir)
    app.state.templates.env.globals.update(asset=assets.url, import_map=assets.import_map)
    app.add_route(PREFIX + "{path:path}", assets.respond, include_in_schema=False)
    # The page itself (static files come compressed already and are left alone).
    app.add_middleware(GZipMiddleware)
    app.include_router(pages.router)
    app.include_router(ws.router)
    app.include_router(rooms.router)
    app.include_router(files.router)
    return app

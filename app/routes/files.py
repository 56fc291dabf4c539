"""Files in and out of a tab's session, over HTTP: points (CSV) and model files up,
points, the model file and scripts down (docs/protocol.md, "Files").

Each route names the session by the token its page got in its reset frames, so a
file only ever reaches the tab that sent it. A refused file shows its error beside
the page's control (over the websocket) and is answered 4xx with the same words;
the session keeps its data and model.
"""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app import custom_data, model_file
from app.downloads import get_download
from app.session import Session
from engine.errors import InputError

router = APIRouter()

TOO_LARGE = 413
UNKNOWN = "this page's session has ended; reload the page"
OUTSIDE = (
    "Some points lie outside the plot's square (-6 … 6). Rescale them to fit "
    "(one factor for both axes, so the shape is kept)?"
)


def find_session(request: Request, token: str) -> Session | None:
    sessions = request.app.state.sessions
    return next((s for s in sessions if secrets.compare_digest(s.data.token, token)), None)


async def _upload(
    request: Request, token: str, limit: int, key: str
) -> tuple[Session, bytes] | JSONResponse:
    """The token's session and the request's body, or the answer that refuses them:
    404 for an ended session; 413 (and the error beside the control) for a body over
    ``limit``, refused from its declared length or once it passes the limit while
    arriving, so a huge file is never held whole."""
    session = find_session(request, token)
    if session is None:
        return _error(404, key, UNKNOWN)
    declared = request.headers.get("content-length", "")
    body = bytearray()
    try:
        if declared.isdigit():
            custom_data.check_size(int(declared), limit)
        async for chunk in request.stream():
            body += chunk
            custom_data.check_size(len(body), limit)
    except InputError as exc:
        await session.report(InputError(key, exc.message))
        return _error(TOO_LARGE, key, f"the file is over the limit of {limit >> 20} MiB")
    return session, bytes(body)


@router.post("/upload/{token}")
async def upload_points(request: Request, token: str, rescale: bool = False) -> Response:
    """A CSV of points for the session to train a fresh network on, with one output per
    class for 3 … 6 classes. Points outside the plot are refused with 409 unless
    ``rescale=true`` (the page asks first)."""
    received = await _upload(request, token, custom_data.MAX_BYTES, custom_data.KEY)
    if isinstance(received, Response):
        return received
    session, body = received
    try:
        problem = session.trainer.config.problem
        parsed = custom_data.parse_points_csv(custom_data.decode(body), problem)
        if parsed.outside_plot and not rescale:
            return JSONResponse(
                {"rescale": True, "points": len(parsed.X), "message": OUTSIDE},
                status_code=409,
            )
        X = custom_data.rescale_to_plot(parsed.X) if parsed.outside_plot else parsed.X
        session.data.load_points(X, parsed.y, parsed.classes)
    except InputError as exc:
        await session.report(exc)
        return _error(400, exc.key, exc.message)
    await session.notices.clear({custom_data.KEY})
    return JSONResponse({"points": len(X), "classes": list(parsed.classes)})


@router.post("/model/{token}")
async def open_model(request: Request, token: str) -> Response:
    """A model file: the session's trainer becomes the file's, weights and all."""
    received = await _upload(request, token, model_file.MAX_BYTES, model_file.KEY)
    if isinstance(received, Response):
        return received
    session, body = received
    try:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(model_file.KEY, "the file is not a model file (not text)") from None
        model = model_file.parse_model_json(text)
        trainer = model_file.build_trainer(model)
    except InputError as exc:
        # A hand-edited config's error names its key: shown beside the open control.
        words = exc.message if exc.key == model_file.KEY else f"{exc.key}: {exc.message}"
        error = InputError(model_file.KEY, words)
        await session.report(error)
        return _error(400, error.key, words)
    session.data.swap_trainer(trainer, model.epoch, model.class_names)
    await session.notices.clear({model_file.KEY})
    return JSONResponse({"epoch": trainer.epoch_count, "config": trainer.config.model_dump()})


@router.get("/download/{token}/{name}")
async def download(request: Request, token: str, name: str) -> Response:
    """The session's points, model file or a script, as a file to save."""
    session = find_session(request, token)
    if session is None:
        return _error(404, "general", UNKNOWN)
    try:
        item = get_download(name)
        text = item.render(session.trainer, session.data.class_names_now)
    except InputError as exc:  # a diverged network cannot be saved
        return _error(400, exc.key, exc.message)
    except ValueError as exc:
        return _error(404, "general", str(exc))
    disposition = f'attachment; filename="{item.filename}"'
    return Response(text, media_type=item.media_type, headers={"Content-Disposition": disposition})


def _error(status: int, key: str, message: str) -> JSONResponse:
    return JSONResponse({"key": key, "error": message}, status_code=status)

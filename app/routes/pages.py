"""Full HTML documents: the playground page, and a health check."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from app.url_state import query_to_changes
from engine.config import ConfigError, ExperimentConfig

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The playground, its controls set from the URL's config."""
    error = None
    try:
        config = ExperimentConfig.parse(query_to_changes(request.query_params))
    except ConfigError as exc:
        config, error = ExperimentConfig(), exc
    return request.app.state.templates.TemplateResponse(
        request, "index.html", {"config": config, "config_error": error}
    )


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """Liveness for load balancers and Docker's HEALTHCHECK."""
    return "ok"

"""The HTML fragments sent over the websocket for htmx to swap in out of band.

Each renders one partial that the page also includes (empty), so the markup
has one source: ``_error.html`` beside a control, ``_banner.html`` above the
plot.
"""

from jinja2 import Environment

BANNER_LEVELS = ("info", "warning", "error")


class Fragments:
    """Renders the websocket's text messages from the app's templates."""

    def __init__(self, env: Environment) -> None:
        self._error = env.get_template("_error.html")
        self._banner = env.get_template("_banner.html")

    def error(self, key: str, message: str = "") -> str:
        """The error beside control ``key`` (``general`` for the rest); empty clears it."""
        return self._error.render(key=key, message=message).strip()

    def banner(self, level: str = "info", text: str = "") -> str:
        """The page-wide banner; empty text hides it."""
        if level not in BANNER_LEVELS:
            raise ValueError(f"banner level must be one of {BANNER_LEVELS}; got {level!r}")
        return self._banner.render(level=level, text=text).strip()

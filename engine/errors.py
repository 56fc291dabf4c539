"""The one error a person's input can cause, in the engine and the app alike.

``key`` names the control it concerns (a config key, or ``general``) so the page
can show ``message`` beside that control.
"""


class InputError(ValueError):
    """Bad input: ``key`` names the control it concerns, ``message`` says what to change."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message

"""What a tab's page shows beside its controls and in its banner, so it can be cleared.

An error goes beside the control it concerns (app/error_slots.py); a valid
message clears the errors it answers. The banner says why training stopped by
itself; a session hides it once training can go on.
"""

from collections.abc import Iterable

from app.error_slots import place
from app.fragments import Fragments
from app.pump import Send
from engine.errors import InputError


class Notices:
    """The error slots and the banner one page shows, and the fragments that change them."""

    def __init__(self, fragments: Fragments, send: Send) -> None:
        self._fragments = fragments
        self._send = send
        self._errors: set[str] = set()  # slots showing an error
        self.banner_shown = False
        self.banner_text = ""  # what the banner says while shown

    async def report(self, error: InputError) -> None:
        """Show an error beside the control it concerns, or in the general slot."""
        key, message = place(error)
        self._errors.add(key)
        await self._send(self._fragments.error(key, message))

    async def clear(self, keys: Iterable[str]) -> None:
        """Empty the slots among ``keys`` that show an error."""
        for key in sorted(set(keys) & self._errors):
            self._errors.discard(key)
            await self._send(self._fragments.error(key))

    async def banner(self, level: str = "info", text: str = "") -> None:
        """Show the page-wide banner; no text hides it."""
        self.banner_shown, self.banner_text = bool(text), text
        await self._send(self._fragments.banner(level, text))

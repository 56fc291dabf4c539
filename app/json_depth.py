"""How deeply a JSON text nests, found without parsing it.

Python's JSON parser recurses once per ``[`` or ``{``, so ~1,000 levels raise
``RecursionError`` (and a config value that deep would reach pydantic too).
A message is scanned first, and refused when it nests deeper than any real
message does. The scan is a running sum over the bytes outside strings, in
NumPy: ~50 µs for the largest message the server reads.
"""

import re

import numpy as np

# A JSON string (its escapes included), whose brackets are text, not nesting.
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"')
# Per byte: +1 for an opening bracket or brace, -1 for a closing one, else 0.
_STEP = np.zeros(256, dtype=np.int32)
_STEP[list(b"[{")], _STEP[list(b"]}")] = 1, -1


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether ``text`` opens more than ``limit`` brackets or braces at once."""
    # Counting is ~50× cheaper than the scan, and settles every message that opens
    # no more brackets in all than the limit: the page's acks, many times a second.
    if text.count("{") + text.count("[") <= limit:
        return False
    codes = np.frombuffer(_STRING.sub("", text).encode(), dtype=np.uint8)
    return codes.size > 0 and int(np.cumsum(_STEP[codes]).max()) > limit

"""Messages between the window and its engine: length-prefixed pickles over a pipe.

A fixed pickle protocol keeps both ends compatible when they run different Python
versions (3.11 in the window, a free-threaded 3.13 in the engine). Both ends are
gilviz's own code, so the usual caution about unpickling foreign data does not apply.
"""

from __future__ import annotations

import pickle
import struct
from typing import IO, Any

PROTOCOL = 4
_HEADER = struct.Struct("!I")


def write_frame(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """The next message; raises EOFError when the other end is gone."""
    header = _read_exactly(stream, _HEADER.size)
    (length,) = _HEADER.unpack(header)
    return pickle.loads(_read_exactly(stream, length))


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)

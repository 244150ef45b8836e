"""Capstan: encode audio and video chunks into any FFmpeg format and destination.

``capstan.StreamWriter`` is a drop-in for ``torchaudio.io.StreamWriter`` (removed in torchaudio 2.9; torio's
``StreamingMediaEncoder`` is the same class here): replace ``from torchaudio.io import StreamWriter`` by
``from capstan import StreamWriter`` and keep passing torch tensors, or numpy arrays. See Docs/python.md.

The classes live in the compiled extension ``capstan._capstan``; this package re-exports them, and ships type
stubs (``_capstan.pyi``, ``py.typed``) for editors and type checkers.
"""

from ._capstan import (
    ArgumentTypeError,
    ArgumentValueError,
    CodecConfig,
    DestinationError,
    Error,
    OutOfRangeError,
    StreamingMediaEncoder,
    StreamWriter,
    __version__,
    set_ffmpeg_log_level,
)

# Names as users write them: capstan.StreamWriter, not capstan._capstan.StreamWriter, in reprs and help().
for _cls in (CodecConfig, StreamWriter):
    _cls.__module__ = __name__
del _cls

__all__ = [
    "ArgumentTypeError",
    "ArgumentValueError",
    "CodecConfig",
    "DestinationError",
    "Error",
    "OutOfRangeError",
    "StreamWriter",
    "StreamingMediaEncoder",
    "__version__",
    "set_ffmpeg_log_level",
]

# Type stubs for the compiled extension capstan._capstan (Source/python/*.cpp). Keep them in step with the pybind11
# definitions in CapstanModule.cpp; Tests/python/test_stubs.py checks every name and parameter against the module.

import os
from fractions import Fraction
from types import TracebackType
from typing import Any, Mapping, Optional, Protocol, Sequence, Union

__version__: str

class Error(RuntimeError):
    """A failure reported by capstan or FFmpeg."""

class ArgumentTypeError(Error, TypeError):
    """An argument of the wrong type, e.g. a float64 chunk on an 'flt' stream."""

class ArgumentValueError(Error, ValueError):
    """An argument of the right type but a wrong value, e.g. a chunk of the wrong shape."""

class OutOfRangeError(ArgumentValueError):
    """A number outside its accepted range; the message names the range."""

class DestinationError(TypeError, ValueError):
    """dst is neither a path, a URL nor a file-like object."""

class _Writable(Protocol):
    def write(self, data: bytes, /) -> Any: ...

class _ArrayLike(Protocol):
    """numpy arrays, torch tensors (CPU), anything with __array__ or __dlpack__."""

    def __array__(self, *args: Any, **kwargs: Any) -> Any: ...

_Chunk = Union[_ArrayLike, Any]
_Destination = Union[str, bytes, os.PathLike[str], os.PathLike[bytes], _Writable]
_FrameRate = Union[int, float, Fraction, str]
_Options = Optional[Mapping[str, Union[str, int, float, bool]]]

class CodecConfig:
    """Common encoder settings, as torchaudio's CodecConfig. -1 (or None for qscale) keeps the encoder's default."""

    bit_rate: int
    compression_level: int
    qscale: Optional[int]
    gop_size: int
    max_b_frames: int
    def __init__(
        self,
        bit_rate: int = -1,
        compression_level: int = -1,
        qscale: Optional[int] = None,
        gop_size: int = -1,
        max_b_frames: int = -1,
    ) -> None: ...
    def __eq__(self, other: object) -> bool: ...

class StreamWriter:
    """Encodes audio/video chunks and writes them to ``dst``, as torchaudio.io.StreamWriter."""

    def __init__(self, dst: _Destination, format: Optional[str] = None, buffer_size: int = 4096) -> None: ...
    def add_audio_stream(
        self,
        sample_rate: int,
        num_channels: int,
        format: str = "flt",
        encoder: Optional[str] = None,
        encoder_option: _Options = None,
        encoder_format: Optional[str] = None,
        *,
        encoder_sample_rate: Optional[int] = None,
        encoder_num_channels: Optional[int] = None,
        codec_config: Optional[CodecConfig] = None,
        filter_desc: Optional[str] = None,
    ) -> int:
        """Adds an audio stream (before open()); returns its index. Chunks are (time, num_channels) arrays whose
        dtype matches `format`: u8 uint8, s16 int16, s32 int32, s64 int64, flt float32, dbl float64."""
    def add_video_stream(
        self,
        frame_rate: _FrameRate,
        width: int,
        height: int,
        format: str = "rgb24",
        encoder: Optional[str] = None,
        encoder_option: _Options = None,
        encoder_format: Optional[str] = None,
        hw_accel: Optional[str] = None,
        *,
        encoder_frame_rate: Optional[_FrameRate] = None,
        encoder_width: Optional[int] = None,
        encoder_height: Optional[int] = None,
        codec_config: Optional[CodecConfig] = None,
        filter_desc: Optional[str] = None,
    ) -> int:
        """Adds a video stream (before open()); returns its index. Chunks are uint8 (time, channels, height, width)
        arrays; hw_accel must be None."""
    def set_metadata(self, metadata: Mapping[str, Union[str, int, float, bool]]) -> None:
        """Container metadata (title, artist...), before open(); a second call replaces the first."""
    def open(self, option: _Options = None) -> StreamWriter:
        """Opens the destination and writes the header; returns the writer (``with s.open():``)."""
    def close(self) -> None:
        """Drains the encoders, writes the trailer and closes the destination."""
    def flush(self) -> None:
        """Pushes buffered bytes to the destination; does not end the streams."""
    def write_audio_chunk(self, i: int, chunk: _Chunk, pts: Optional[float] = None) -> None:
        """Writes (time, num_channels) samples to audio stream i; pts in seconds."""
    def write_video_chunk(self, i: int, chunk: _Chunk, pts: Union[None, float, Sequence[float]] = None) -> None:
        """Writes uint8 frames to video stream i; pts in seconds, for the first frame or one per frame."""
    def sample_repairs(self, i: int) -> dict[str, Any]:
        """What was repaired in audio stream i: non_finite_samples, clipped_samples, interval_count, intervals."""
    def __enter__(self) -> StreamWriter: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def num_streams(self) -> int: ...
    @property
    def _chunks_copied(self) -> int: ...

StreamingMediaEncoder = StreamWriter

def set_ffmpeg_log_level(level: str) -> None:
    """FFmpeg's own log level on stderr: quiet (the default here), panic, fatal, error, warning, info, verbose,
    debug."""

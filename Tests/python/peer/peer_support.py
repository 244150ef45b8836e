"""Shared by the `peer` tests: they run the same calls through torchaudio.io.StreamWriter (0.13, Debian's
python3-torchaudio, on the same FFmpeg 5.1) and capstan.StreamWriter and compare what comes out.

Each test file starts with `torchaudio = peer_support.require_torchaudio()`: without torchaudio the file exits with
SKIP_CODE (CTest's SKIP_RETURN_CODE) and says why, before anything else is imported."""

import io
import os
import sys
import unittest

SKIP_CODE = 77


def require_torchaudio():
    try:
        import torchaudio
        import torchaudio.io  # noqa: F401  (loads torchaudio's FFmpeg extension)
    except Exception as e:  # ImportError, or OSError from a library torchaudio links
        print(f"SKIP: torchaudio is not importable ({type(e).__name__}: {e}); the peer tests compare capstan with "
              "torchaudio.io.StreamWriter: install python3-torchaudio (Scripts/setup.sh does)")
        sys.exit(SKIP_CODE)
    return torchaudio


torchaudio = require_torchaudio()
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torchaudio.io import StreamReader  # noqa: E402
from torchaudio.io import StreamWriter as TorchaudioWriter  # noqa: E402

import capstan  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import capstan_test_support as support  # noqa: E402

WRITERS = {"torchaudio": TorchaudioWriter, "capstan": capstan.StreamWriter}


def main():
    # torchaudio's FFmpeg log level is process-wide and set by torchaudio at import; keep both quiet.
    torchaudio.utils.ffmpeg_utils.set_log_level(8)
    capstan.set_ffmpeg_log_level("quiet")
    unittest.main(verbosity=2)


class PeerTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = support.output_dir(self)

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def write_both(self, ext: str, calls, to_memory: bool = False, format=None):
        """Runs calls(writer) inside `with writer.open():` after calls.setup(writer) (streams, metadata), for both
        writers; returns {"torchaudio": path, "capstan": path}. With to_memory the destination is an io.BytesIO
        (a format is then required) whose bytes are saved to the path afterwards, so both are read back alike."""
        paths = {}
        for name, cls in WRITERS.items():
            path = self.path(f"{name}.{ext}")
            dst = io.BytesIO() if to_memory else path
            s = cls(dst, format=format or (ext.rsplit(".", 1)[-1] if to_memory else None))
            calls.setup(s)
            with s.open():
                calls.write(s)
            if to_memory:
                with open(path, "wb") as f:
                    f.write(dst.getvalue())
            paths[name] = path
        return paths


class Calls:
    """What a peer test does to a writer: setup (before open) and write (inside `with s.open():`)."""

    def __init__(self, setup, write):
        self.setup, self.write = setup, write


def layout(path: str) -> list:
    """The stream layout as ffprobe reads it, the fields a player cares about (no bit rates, no encoder tags)."""
    keys = ["codec_type", "codec_name", "sample_rate", "channels", "channel_layout", "sample_fmt",
            "bits_per_raw_sample", "width", "height", "pix_fmt", "sample_aspect_ratio", "r_frame_rate",
            "avg_frame_rate", "profile"]
    return [{k: s.get(k) for k in keys} for s in support.probe(path)["streams"]]


def read_audio(path: str) -> torch.Tensor:
    """Every sample of the first audio stream as float32 (time, channels), decoded by the ffmpeg CLI: a decoder
    that is neither writer (torchaudio's StreamReader finds no frames in an .mp2 file)."""
    channels = int(support.stream_of(support.probe(path), "audio")["channels"])
    return torch.from_numpy(support.decode_audio(path, channels).copy())


def read_video(path: str) -> torch.Tensor:
    """Every frame of the first video stream as rgb24, decoded by torchaudio's StreamReader, (time, 3, H, W)."""
    r = StreamReader(path)
    r.add_basic_video_stream(frames_per_chunk=-1, format="rgb24")
    r.process_all_packets()
    (chunk,) = r.pop_chunks()
    return chunk


def sine(sample_rate: int, channels: int, frames: int, dtype=torch.float32) -> torch.Tensor:
    """(time, channels): tones well inside [-1, 1], different per channel, scaled to the dtype's full range for
    integer dtypes (u8 centred on 128, as FFmpeg's u8)."""
    t = torch.arange(frames, dtype=torch.float64) / sample_rate
    x = torch.stack([0.5 * torch.sin(2 * torch.pi * (220 * (c + 1)) * t) for c in range(channels)], dim=1)
    if dtype == torch.uint8:
        return (x * 127 + 128).round().to(torch.uint8)
    if not dtype.is_floating_point:
        return (x * torch.iinfo(dtype).max).round().to(dtype)
    return x.to(dtype)


def frames(count: int, height: int, width: int, channels: int = 3, seed: int = 0) -> torch.Tensor:
    """(time, channels, H, W) uint8 of smooth moving gradients (support.make_video), as a torch tensor."""
    video = torch.from_numpy(support.make_video(count, height, width))
    return video[:, :channels] if channels <= 3 else video


__all__ = ["np", "torch", "capstan", "support", "StreamReader", "TorchaudioWriter", "WRITERS"]

"""The helpers torchaudio's own StreamWriter tests import from `torchaudio_unittest.common_utils`, written for capstan
(torchaudio's test tree is not installed by Debian's python3-torchaudio). Only what stream_writer_test.py of the 0.13
line uses: temporary folders, parameterized names, skips, tensor comparison, the BT.601 colour conversion, and the
two media assets, generated here with the ffmpeg CLI because the originals (NASA footage) are not on this machine."""

import importlib.util
import itertools
import os
import shutil
import subprocess
import tempfile
import unittest

import torch
from parameterized import parameterized

_ASSET_DIR = None


def _assets() -> str:
    """Stand-ins for nasa_13013.mp4 (video and audio) and nasa_13013_no_audio.mp4: 4 s of ffmpeg's test pattern at
    29.97 fps and a 16 kHz tone, made once per process."""
    global _ASSET_DIR
    if _ASSET_DIR is None:
        folder = tempfile.mkdtemp(prefix="capstan-torchaudio-assets-")
        video = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001:duration=4"]
        audio = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=4"]
        encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast"]
        run = lambda args: subprocess.run(["ffmpeg", "-v", "error", "-y"] + args, check=True)
        run(video + audio + encode + ["-c:a", "aac", "-shortest", os.path.join(folder, "nasa_13013.mp4")])
        run(video + encode + [os.path.join(folder, "nasa_13013_no_audio.mp4")])
        _ASSET_DIR = folder
    return _ASSET_DIR


def get_asset_path(*paths):
    return os.path.join(_assets(), *paths)


def is_ffmpeg_available() -> bool:
    try:
        import torchaudio.io  # noqa: F401  (fails when torchaudio's FFmpeg extension cannot load)

        return torchaudio._extension._FFMPEG_INITIALIZED
    except Exception:
        return False


skipIfNoFFmpeg = unittest.skipIf(not is_ffmpeg_available(), "torchaudio's FFmpeg extension is not available")


def skipIfNoModule(name):
    return unittest.skipIf(importlib.util.find_spec(name) is None, f'"{name}" is not available')


def nested_params(*params_set, name_func=None):
    """Every combination of the given lists, one test each, named after the values."""
    combos = list(itertools.product(*params_set))

    def name(func, num, p):
        values = "_".join(parameterized.to_safe_name(str(v)) for v in p.args)
        return f"{func.__name__}_{num}_{values}"

    return parameterized.expand(combos, name_func=name_func or name)


def rgb_to_yuv_ccir(rgb: torch.Tensor) -> torch.Tensor:
    """(..., 3, H, W) uint8 RGB to YUV with ITU-R BT.601 limited-range ("CCIR 601") coefficients, rounded."""
    r, g, b = (rgb[..., i, :, :].to(torch.float64) / 255 for i in range(3))
    y = 16 + 65.481 * r + 128.553 * g + 24.966 * b
    u = 128 - 37.797 * r - 74.203 * g + 112.0 * b
    v = 128 + 112.0 * r - 93.786 * g - 18.214 * b
    return torch.stack([y, u, v], dim=-3).round().clamp(0, 255).to(torch.uint8)


class TempDirMixin:
    """A temporary folder per test class; get_temp_path() makes the parent folders of what it names."""

    temp_dir_ = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.temp_dir_ = tempfile.mkdtemp(prefix="capstan-torchaudio-tests-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.temp_dir_, ignore_errors=True)
        super().tearDownClass()

    def get_temp_path(self, *paths):
        path = os.path.join(self.temp_dir_, self.id(), *paths)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path


class TorchaudioTestCase(unittest.TestCase):
    """unittest.TestCase with torch's assertEqual for tensors (atol / rtol)."""

    def assertEqual(self, first, second, msg=None, *, atol=None, rtol=None, **kwargs):
        if isinstance(first, torch.Tensor) or isinstance(second, torch.Tensor):
            first, second = torch.as_tensor(first), torch.as_tensor(second)
            if atol is None and rtol is None:
                torch.testing.assert_close(first, second, msg=msg, check_dtype=False)
            else:
                # Integers compared with a tolerance: compare their values, as torch's own TestCase does.
                torch.testing.assert_close(first.to(torch.float64), second.to(torch.float64), atol=atol or 0,
                                           rtol=rtol or 0, msg=msg)
            return
        super().assertEqual(first, second, msg)


__all__ = [
    "get_asset_path",
    "is_ffmpeg_available",
    "nested_params",
    "rgb_to_yuv_ccir",
    "skipIfNoFFmpeg",
    "skipIfNoModule",
    "TempDirMixin",
    "TorchaudioTestCase",
]

"""Helpers for the Python tests: output folders, generated signals, and decoding with the real ffmpeg/ffprobe CLIs,
so that what capstan writes is judged by an independent decoder."""

import json
import os
import re
import shutil
import subprocess
import unittest

import numpy as np

OUTPUT_ROOT = os.environ.get("CAPSTAN_TEST_OUTPUT_DIR") or os.path.join(os.getcwd(), "test-output", "python")


def output_dir(test: unittest.TestCase) -> str:
    """A fresh folder per test, kept afterwards so that a failing test's files can be inspected and played."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test.id())
    path = os.path.join(OUTPUT_ROOT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def have_ffmpeg_tools() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def _run(args, stdin_bytes=None) -> bytes:
    result = subprocess.run(args, input=stdin_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def probe(path: str, count_frames: bool = False) -> dict:
    """ffprobe's JSON: {'format': {...}, 'streams': [...]}."""
    args = ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    if count_frames:
        args.append("-count_frames")
    return json.loads(_run(args + [path]))


def stream_of(info: dict, kind: str) -> dict:
    streams = [s for s in info["streams"] if s["codec_type"] == kind]
    if not streams:
        raise AssertionError(f"no {kind} stream in {info}")
    return streams[0]


def decode_audio(path: str, channels: int, raw_format: str = "f32le", dtype=np.float32) -> np.ndarray:
    """The first audio stream decoded by ffmpeg, as a (time, channels) array."""
    raw = _run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:a:0", "-f", raw_format, "-"])
    return np.frombuffer(raw, dtype=dtype).reshape(-1, channels)


def decode_video(path: str, width: int, height: int, pix_fmt: str = "rgb24", channels: int = 3) -> np.ndarray:
    """Every frame of the first video stream decoded by ffmpeg, as (time, height, width, channels) uint8."""
    raw = _run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", pix_fmt,
                "-vsync", "passthrough", "-"])
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, channels)


def decode_raw_frames(path: str, pix_fmt: str, frame_bytes: int) -> np.ndarray:
    """Every frame as raw bytes in `pix_fmt` (planar formats: plane after plane), shape (time, frame_bytes)."""
    raw = _run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", pix_fmt,
                "-vsync", "passthrough", "-"])
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, frame_bytes)


def frame_times(path: str) -> list:
    """Presentation times (seconds) of the video frames, as ffprobe reads them from the container."""
    out = _run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
                "-print_format", "json", path])
    return [float(f["pts_time"]) for f in json.loads(out)["frames"]]


def make_audio(sample_rate: int, num_channels: int, seconds: float) -> np.ndarray:
    """(time, channels) float32: channel 0 a 440 Hz sine, channel 1 a chirp from 100 Hz to a quarter of the sample
    rate, further channels quieter sines; well inside [-1, 1]."""
    n = int(round(sample_rate * seconds))
    t = np.arange(n, dtype=np.float64) / sample_rate
    columns = [0.5 * np.sin(2 * np.pi * 440.0 * t)]
    if num_channels > 1:
        f0, f1 = 100.0, sample_rate / 4.0
        columns.append(0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))))
    for c in range(2, num_channels):
        columns.append(0.25 * np.sin(2 * np.pi * 220.0 * (c + 1) * t))
    return np.stack(columns, axis=1).astype(np.float32)


def make_video(num_frames: int, height: int, width: int) -> np.ndarray:
    """(time, 3, height, width) uint8, NCHW as torchaudio takes it: smooth gradients that move every frame, so a
    lossy encoder keeps them recognisable and every frame differs."""
    f, y, x = np.meshgrid(np.arange(num_frames), np.arange(height), np.arange(width), indexing="ij")
    r = (x * 255 // max(1, width - 1) + f * 4) % 256
    g = y * 255 // max(1, height - 1)
    b = ((x + y) // 2 + f * 8) % 256
    return np.stack([r, g, b], axis=1).astype(np.uint8)


def dominant_frequency(signal: np.ndarray, sample_rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return float(np.argmax(spectrum)) * sample_rate / len(signal)

#!/usr/bin/python3
"""capstan.StreamWriter against torchaudio.io.StreamWriter (0.13, Debian's python3-torchaudio, the same FFmpeg 5.1):
the same calls on the same torch tensors, timed.

Cases: 60 s of 48 kHz stereo float32 to wav, flac, mp3 into io.BytesIO, and opus; 10 s of 640x360 rgb24 video at
30 fps with its audio to mp4 (libx264 + aac), once with each writer's own threading (torchaudio leaves libx264 at one
thread, capstan lets it choose) and once with threads=1 for both. Audio is written in chunks of 46080 samples, a
multiple of every encoder's frame size, so that torchaudio 0.13 does not pad frames with silence and both encode the
same samples. Each case runs both writers alternately, N runs each; a run's wall time and the process's CPU time
(all threads) are measured around construction .. close. Prints medians and the ratio capstan / torchaudio (below 1:
capstan is faster), then one JSON line per case. Short cases are repeated within a measurement (wav 20 times, flac
3 times) and reported per file.

    PYTHONPATH=build/python /usr/bin/python3 Benchmarks/python_vs_torchaudio.py [--runs 5] [--case mp3]
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time

import torch
import torchaudio
from torchaudio.io import StreamWriter as TorchaudioWriter

import capstan

SAMPLE_RATE = 48000
CHUNK = 46080  # 40 * 1152 (mp3) = 45 * 1024 (aac) = 48 * 960 (opus) = 10 * 4608 (flac)


def waveform(seconds: float) -> torch.Tensor:
    t = torch.arange(int(SAMPLE_RATE * seconds), dtype=torch.float64) / SAMPLE_RATE
    noise = torch.Generator().manual_seed(1)
    x = torch.stack([0.4 * torch.sin(2 * torch.pi * 440 * t), 0.3 * torch.sin(2 * torch.pi * 660 * t)], dim=1)
    return (x + 0.01 * torch.randn(x.shape, generator=noise, dtype=torch.float64)).to(torch.float32)


def video(frames: int, height: int, width: int) -> torch.Tensor:
    f = torch.arange(frames).view(-1, 1, 1)
    y = torch.arange(height).view(1, -1, 1)
    x = torch.arange(width).view(1, 1, -1)
    rgb = [(x * 255 // width + 4 * f) % 256, (y * 255 // height + 0 * f) % 256, ((x + y) // 2 + 8 * f) % 256]
    return torch.stack([c.expand(frames, height, width) for c in rgb], dim=1).to(torch.uint8).contiguous()


AUDIO = waveform(60)
AV_AUDIO = waveform(10)
VIDEO = video(300, 360, 640)


def audio_case(ext, to_memory=False, **stream):
    def run(cls, folder):
        dst = io.BytesIO() if to_memory else os.path.join(folder, f"out.{ext}")
        s = cls(dst, format=ext) if to_memory else cls(dst)
        s.add_audio_stream(SAMPLE_RATE, 2, **stream)
        with s.open():
            for start in range(0, len(AUDIO), CHUNK):
                s.write_audio_chunk(0, AUDIO[start:start + CHUNK])

    return run


def av_case(threads=None):
    option = {"threads": threads} if threads else None

    def run(cls, folder):
        s = cls(os.path.join(folder, "out.mp4"))
        s.add_audio_stream(SAMPLE_RATE, 2)
        s.add_video_stream(30, 640, 360, encoder_option=option)
        with s.open():
            for i in range(10):  # one second of each per call, as a recorder would
                s.write_audio_chunk(0, AV_AUDIO[i * SAMPLE_RATE:(i + 1) * SAMPLE_RATE])
                s.write_video_chunk(1, VIDEO[i * 30:(i + 1) * 30])

    return run


# name -> (run, repeats): a short case is repeated within one measurement so that it lasts long enough to time;
# the figures are per file.
CASES = {
    "wav": (audio_case("wav"), 20),
    "flac": (audio_case("flac"), 3),
    "mp3 to memory": (audio_case("mp3", to_memory=True), 1),
    "opus": (audio_case("opus"), 1),
    "mp4 with video": (av_case(), 1),
    "mp4 with video, threads=1": (av_case("1"), 1),
}


def measure(run, repeats, cls, folder):
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        run(cls, folder)
    return (time.perf_counter() - wall) / repeats, (time.process_time() - cpu) / repeats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--case", action="append", help="only these cases (substring match)")
    args = parser.parse_args()
    torchaudio.utils.ffmpeg_utils.set_log_level(8)
    capstan.set_ffmpeg_log_level("quiet")
    writers = {"torchaudio": TorchaudioWriter, "capstan": capstan.StreamWriter}
    print(f"torchaudio {torchaudio.__version__}, capstan {capstan.__version__}, {args.runs} runs each, "
          f"{os.cpu_count()} CPUs")
    print(f"{'case':28} {'torchaudio wall':>15} {'capstan wall':>13} {'ratio':>6}   "
          f"{'torchaudio cpu':>14} {'capstan cpu':>12} {'ratio':>6}")
    results = []
    with tempfile.TemporaryDirectory(prefix="capstan-bench-") as folder:
        for name, (run, repeats) in CASES.items():
            if args.case and not any(c in name for c in args.case):
                continue
            times = {w: [] for w in writers}
            for i in range(args.runs):
                order = list(writers) if i % 2 == 0 else list(reversed(writers))  # alternate who goes first
                for w in order:
                    times[w].append(measure(run, repeats, writers[w], folder))
            med = {w: (statistics.median(t[0] for t in times[w]), statistics.median(t[1] for t in times[w]))
                   for w in writers}
            wall_ratio = med["capstan"][0] / med["torchaudio"][0]
            cpu_ratio = med["capstan"][1] / med["torchaudio"][1]
            print(f"{name:28} {med['torchaudio'][0]:14.3f}s {med['capstan'][0]:12.3f}s {wall_ratio:6.2f}   "
                  f"{med['torchaudio'][1]:13.3f}s {med['capstan'][1]:11.3f}s {cpu_ratio:6.2f}", flush=True)
            results.append({"case": name, "runs": args.runs, "torchaudio_wall_s": med["torchaudio"][0],
                            "capstan_wall_s": med["capstan"][0], "wall_ratio": wall_ratio,
                            "torchaudio_cpu_s": med["torchaudio"][1], "capstan_cpu_s": med["capstan"][1],
                            "cpu_ratio": cpu_ratio})
    for r in results:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())

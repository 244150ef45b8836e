#!/usr/bin/python3
"""The A/V anchor: `capstan_bench_recorder --only sustained-av` (the real-time recorder writing FLAC + MP4 with AAC and
H.264 1280x720 30 fps, libx264 veryfast, from 32-frame audio callbacks, paced `fast`) against the ffmpeg CLI doing
the same work from the same frames and audio, in the same run (issue 16). The bench writes its exact input once as
raw files (`--only dump-av`: rgb24 frames, f32le audio); ffmpeg reads them with the rawvideo and f32le demuxers and
writes the same two outputs with the same settings (encoders and their defaults, yuv420p, StreamWriter's swscale
flags, the same x264 code and threads). Medians of wall and CPU (user + sys, all threads) of N runs, and the bench's
own count of dropped audio and video.

A benchmark, not a test: it prints a table and one JSON line per tool.

    /usr/bin/python3 Benchmarks/recorder/av_vs_ffmpeg.py --bench build/Benchmarks/recorder/capstan_bench_recorder
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from process_timing import run_timed  # noqa: E402

# The same swscale flags and x264 code as StreamWriter, decided in one place (Benchmarks/encode_vs_ffmpeg.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from encode_vs_ffmpeg import STREAMWRITER_SWS_FLAGS, X264_ASM  # noqa: E402

QUIET = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def fail(message):
    print(f"av_vs_ffmpeg: error: {message}", file=sys.stderr)
    sys.exit(1)


def timed(argv, folder):
    """Runs argv in `folder` (its outputs removed first); CPU (all threads), wall seconds and stdout."""
    return run_timed(argv, folder, "av_vs_ffmpeg")


def bench_json(text):
    for line in text.splitlines():
        if line.startswith("{") and '"sustained_av"' in line:
            return json.loads(line)
    fail("the bench printed no sustained_av line")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default="build/Benchmarks/recorder/capstan_bench_recorder")
    parser.add_argument("--baseline", help="another bench build to measure in the same rounds (e.g. before a change)")
    parser.add_argument("--baseline-args", default="", help="extra arguments for the baseline, e.g. '--video-threads 1'")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-warmup", action="store_true", help="count every round (the raw input is in the cache)")
    parser.add_argument("--workdir", default="/tmp/capstan-av-benchmark")
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    bench = os.path.abspath(args.bench)
    rgb, f32 = os.path.join(args.workdir, "av.rgb24"), os.path.join(args.workdir, "av.f32le")
    if not (os.path.exists(rgb) and os.path.exists(f32)):
        print("writing the bench's frames and audio once ...", file=sys.stderr)
        subprocess.run([bench, "--only", "dump-av", "--out", args.workdir], check=True, stdout=subprocess.DEVNULL)
    tools = {"capstan": [bench, "--only", "sustained-av", "--out", "."]}
    if args.baseline:
        tools["baseline"] = [os.path.abspath(args.baseline), "--only", "sustained-av", "--out", ".",
                             *args.baseline_args.split()]
    tools["ffmpeg"] = ["ffmpeg", *QUIET,
                       "-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", "1280x720", "-framerate", "30", "-i", rgb,
                       "-f", "f32le", "-ar", "48000", "-ch_layout", "stereo", "-i", f32,
                       "-map", "1:a", "-c:a", "flac", "a.flac",
                       "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                       "-sws_flags", STREAMWRITER_SWS_FLAGS, *(["-x264-params", ":".join(X264_ASM)] if X264_ASM else []),
                       "-c:a", "aac", "b.mp4"]

    results = {name: {"cpu": [], "wall": [], "drops": [], "video_dropped": [], "inner_wall": []} for name in tools}
    load_before = os.getloadavg()[0]
    names = list(tools)
    first = 1 if args.no_warmup else 0
    for run in range(first, args.runs + 1):  # run 0 warms up (page cache, libraries) and is not counted
        order = names[run % len(names):] + names[:run % len(names)]  # who goes first rotates
        for name in order:
            folder = os.path.join(args.workdir, f"out-{name}")
            os.makedirs(folder, exist_ok=True)
            cpu, wall, text = timed(tools[name], folder)
            print(f"  run {run} {name}: CPU {cpu:.2f} s, wall {wall:.2f} s", file=sys.stderr)
            if run == 0:
                continue
            r = results[name]
            r["cpu"].append(cpu)
            r["wall"].append(wall)
            if name != "ffmpeg":
                j = bench_json(text)
                r["drops"].append(j["dropped_frames"])
                r["video_dropped"].append(j["video_dropped"])
                r["inner_wall"].append(j["wall_s"])
    load_after = os.getloadavg()[0]

    ffmpeg_cpu = statistics.median(results["ffmpeg"]["cpu"])
    ffmpeg_wall = statistics.median(results["ffmpeg"]["wall"])
    print(f"30 s of 48 kHz stereo + 901 frames 1280x720 rgb24 -> FLAC + MP4 (AAC + H.264 veryfast), {args.runs} runs, "
          f"{os.cpu_count()} cores, load {load_before:.1f} -> {load_after:.1f}")
    print(f"{'tool':10} {'CPU s':>8} {'wall s':>8} {'CPU/ffmpeg':>11} {'wall/ffmpeg':>12} {'x realtime':>11}  drops")
    for name, r in results.items():
        cpu, wall = statistics.median(r["cpu"]), statistics.median(r["wall"])
        drops = f"audio {max(r['drops'])} video {max(r['video_dropped'])}" if r["drops"] else "-"
        print(f"{name:10} {cpu:8.2f} {wall:8.2f} {cpu / ffmpeg_cpu:11.3f} {wall / ffmpeg_wall:12.3f} "
              f"{30.0 / wall:11.2f}  {drops}")
    for name, r in results.items():
        cpu, wall = statistics.median(r["cpu"]), statistics.median(r["wall"])
        print(json.dumps({"case": "av_vs_ffmpeg", "tool": name, "runs": args.runs, "cpu_s": round(cpu, 3),
                          "wall_s": round(wall, 3), "cpu_ratio": round(cpu / ffmpeg_cpu, 3),
                          "wall_ratio": round(wall / ffmpeg_wall, 3),
                          "goal_met": name == "ffmpeg" or (wall <= ffmpeg_wall and max(r["drops"]) == 0),
                          "cpu_runs": [round(x, 3) for x in r["cpu"]], "wall_runs": [round(x, 3) for x in r["wall"]],
                          "dropped_frames": r["drops"], "video_dropped": r["video_dropped"],
                          "load": [round(load_before, 2), round(load_after, 2)]}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Several outputs at once: `capstan record a.flac b.mp3 c.m4a --source file:X --pace fast` against the ffmpeg CLI
writing the same three outputs from the same file (`ffmpeg -i X a.flac b.mp3 c.m4a`), CPU and wall time, medians of
N runs in the same session (issue 16). Optionally a second capstan build (--baseline, e.g. the one before the output
workers) runs in the same alternation.

A benchmark, not a test: it prints a table and one JSON line per tool.

    /usr/bin/python3 Benchmarks/recorder/record_vs_ffmpeg.py --capstan build/Source/cli/capstan --runs 5
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from process_timing import run_timed  # noqa: E402

QUIET = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
OUTPUTS = ["a.flac", "b.mp3", "c.m4a"]


def fail(message):
    print(f"record_vs_ffmpeg: error: {message}", file=sys.stderr)
    sys.exit(1)


def make_input(workdir, seconds):
    """48 kHz stereo float WAV: a tone and a chirp, each with pink noise (tonal and noisy content); made once."""
    path = os.path.join(workdir, f"input_{seconds}s_48k_stereo_f32.wav")
    if os.path.exists(path):
        return path
    print(f"generating {path} ...", file=sys.stderr)
    graph = (f"sine=f=440:r=48000:d={seconds}[t];aevalsrc=0.3*sin(2*PI*(100+10*t)*t):s=48000:d={seconds}[c];"
             f"anoisesrc=r=48000:c=pink:a=0.1:d={seconds}:seed=7,asplit[n1][n2];"
             "[t][n1]amix=inputs=2:normalize=0[l];[c][n2]amix=inputs=2:normalize=0[r];"
             "[l][r]join=inputs=2:channel_layout=stereo[out]")
    result = subprocess.run(["ffmpeg", *QUIET, "-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_f32le",
                             path + ".part.wav"], stdin=subprocess.DEVNULL, capture_output=True)
    if result.returncode != 0:
        fail(result.stderr.decode(errors="replace").strip())
    os.replace(path + ".part.wav", path)
    return path


def timed(argv, folder):
    """CPU (all threads) and wall seconds of argv run in `folder`, and the sizes of the outputs it wrote."""
    cpu, wall, _ = run_timed(argv, folder, "record_vs_ffmpeg")
    sizes = [os.path.getsize(os.path.join(folder, name)) for name in OUTPUTS]
    return cpu, wall, sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capstan", default="build/Source/cli/capstan")
    parser.add_argument("--baseline", help="another capstan build to measure in the same run (e.g. before a change)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--workdir", default="/tmp/capstan-record-benchmark")
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    source = make_input(args.workdir, args.seconds)
    tools = {"capstan": [os.path.abspath(args.capstan), "record", *OUTPUTS, "--source", f"file:{source}",
                         "--pace", "fast"]}
    if args.baseline:
        tools["baseline"] = [os.path.abspath(args.baseline), *tools["capstan"][1:]]
    tools["ffmpeg"] = ["ffmpeg", *QUIET, "-i", source, *OUTPUTS]

    results = {name: {"cpu": [], "wall": [], "sizes": None} for name in tools}
    load_before = os.getloadavg()[0]
    names = list(tools)
    for run in range(args.runs + 1):  # run 0 warms the page cache and is not counted
        order = names[run % len(names):] + names[:run % len(names)]  # who goes first rotates
        for name in order:
            folder = os.path.join(args.workdir, f"out-{name}")
            os.makedirs(folder, exist_ok=True)
            cpu, wall, sizes = timed(tools[name], folder)
            if run > 0:
                results[name]["cpu"].append(cpu)
                results[name]["wall"].append(wall)
                results[name]["sizes"] = sizes
    load_after = os.getloadavg()[0]

    ffmpeg_cpu = statistics.median(results["ffmpeg"]["cpu"])
    ffmpeg_wall = statistics.median(results["ffmpeg"]["wall"])
    print(f"{args.seconds} s of 48 kHz stereo float into {' '.join(OUTPUTS)}, {args.runs} runs, "
          f"{os.cpu_count()} cores, load {load_before:.1f} -> {load_after:.1f}")
    print(f"{'tool':10} {'CPU s':>8} {'wall s':>8} {'CPU/ffmpeg':>11} {'wall/ffmpeg':>12}  sizes")
    for name, r in results.items():
        cpu, wall = statistics.median(r["cpu"]), statistics.median(r["wall"])
        print(f"{name:10} {cpu:8.2f} {wall:8.2f} {cpu / ffmpeg_cpu:11.3f} {wall / ffmpeg_wall:12.3f}  "
              f"{' '.join(str(s) for s in r['sizes'])}")
    for name, r in results.items():
        cpu, wall = statistics.median(r["cpu"]), statistics.median(r["wall"])
        print(json.dumps({"case": "record_3_outputs_vs_ffmpeg", "tool": name, "seconds": args.seconds,
                          "runs": args.runs, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
                          "cpu_ratio": round(cpu / ffmpeg_cpu, 3), "wall_ratio": round(wall / ffmpeg_wall, 3),
                          "goal_met": name == "ffmpeg" or (wall / ffmpeg_wall <= 0.6 and cpu / ffmpeg_cpu <= 1.0),
                          "cpu_runs": [round(x, 3) for x in r["cpu"]], "wall_runs": [round(x, 3) for x in r["wall"]],
                          "sizes": r["sizes"], "load": [round(load_before, 2), round(load_after, 2)]}))


if __name__ == "__main__":
    main()

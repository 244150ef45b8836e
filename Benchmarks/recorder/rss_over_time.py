#!/usr/bin/python3
"""RSS over a long recording: runs `capstan record` (three outputs, one worker each) for a given length of audio,
samples the process's resident memory (VmRSS in /proc/PID/status) every few seconds, and reports start, end, max
and the slope of a least-squares line through the samples after a warm-up (issue 16: RSS flat over 10 minutes).

A benchmark, not a test: it prints a table and one JSON line.

    /usr/bin/python3 Benchmarks/recorder/rss_over_time.py --capstan build/Source/cli/capstan --seconds 600
    /usr/bin/python3 Benchmarks/recorder/rss_over_time.py --pace fast --seconds 3600   # an hour of audio, unpaced

--pace realtime (the default) takes as long as the audio lasts, as a sound card would; --pace fast pushes the audio
as fast as the slowest encoder keeps up, so the same amount of audio passes in a fraction of the time (what grows
per block shows as much; what grows per second of wall time, e.g. a timer's, shows less).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def rss_mb(pid):
    """Resident set size of `pid` in MiB, or None once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def slope_per_minute(points):
    """Least-squares slope of (seconds, MiB) points, in MiB per minute."""
    if len(points) < 2:
        return 0.0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var * 60.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capstan", default="build/Source/cli/capstan")
    parser.add_argument("--seconds", type=float, default=600, help="seconds of audio to record (default 600)")
    parser.add_argument("--pace", choices=["realtime", "fast"], default="realtime")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between samples (default 2)")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="wall seconds left out of the slope and the spread (encoder buffers, first I/O)")
    parser.add_argument("--tail", type=float, default=3.0,
                        help="wall seconds at the end left out too (stop: draining, finalizing, the MP4 remux)")
    parser.add_argument("--outputs", default="take.flac,take.mp3,take.m4a")
    parser.add_argument("--source", default="noise")
    parser.add_argument("--workdir", default="/tmp/capstan-rss-benchmark")
    args = parser.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    outputs = args.outputs.split(",")
    stats_json = os.path.join(args.workdir, "stats.json")
    argv = [os.path.abspath(args.capstan), "record", *outputs, "--source", args.source, "--duration",
            str(args.seconds), "--pace", args.pace, "--stats-json", stats_json]
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    process = subprocess.Popen(argv, cwd=args.workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    samples = []  # (wall seconds since start, MiB)
    while process.poll() is None:
        value = rss_mb(process.pid)
        if value is not None:
            samples.append((time.monotonic() - start, value))
        time.sleep(args.interval)
    wall = time.monotonic() - start
    errors = process.stderr.read().decode(errors="replace").strip()
    if process.returncode != 0:
        print(f"rss_over_time: error: capstan record failed ({process.returncode}): {errors}", file=sys.stderr)
        sys.exit(1)
    load_after = os.getloadavg()[0]
    with open(stats_json) as f:
        stats = json.load(f)
    dropped = stats.get("droppedFrames", stats.get("dropped_frames"))

    steady = [p for p in samples if args.warmup <= p[0] <= wall - args.tail] or samples
    values = [v for _, v in steady]
    first, last = steady[0][1], steady[-1][1]
    slope = slope_per_minute(steady)
    print(f"capstan record {' '.join(outputs)} --source {args.source} --duration {args.seconds:g} --pace {args.pace}: "
          f"{wall:.1f} s wall, {len(samples)} samples every {args.interval:g} s, load {load_before:.1f} -> "
          f"{load_after:.1f}")
    print(f"  RSS (MiB) at first sample {samples[0][1]:.2f}; after {args.warmup:g} s warm-up: start {first:.2f}, "
          f"end {last:.2f} (last sample {samples[-1][1]:.2f} at {samples[-1][0]:.0f} s), min {min(values):.2f}, max {max(values):.2f}, spread {max(values) - min(values):.2f}, "
          f"slope {slope:+.4f} MiB/min; dropped frames {dropped}")
    print(json.dumps({"case": "rss_over_time", "pace": args.pace, "audio_s": args.seconds, "wall_s": round(wall, 2),
                      "outputs": outputs, "samples": len(samples), "interval_s": args.interval,
                      "warmup_s": args.warmup, "tail_s": args.tail, "rss_first_mb": round(samples[0][1], 3),
                      "rss_start_mb": round(first, 3), "rss_end_mb": round(last, 3),
                      "rss_min_mb": round(min(values), 3), "rss_max_mb": round(max(values), 3),
                      "rss_spread_mb": round(max(values) - min(values), 3),
                      "slope_mb_per_min": round(slope, 5), "dropped_frames": dropped,
                      "load": [round(load_before, 2), round(load_after, 2)],
                      "trace": [[round(t, 1), round(v, 3)] for t, v in samples]}))


if __name__ == "__main__":
    main()

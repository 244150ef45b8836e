#!/usr/bin/python3
"""Screen capture with the audio (issue 17): `capstan record take.mkv --source tone --video-source screen:D` of a
1280x720 Xvfb display showing moving 720p30 content, H.264 (veryfast, zerolatency) + FLAC.

Measures, medians of N runs in the same session:
- CPU seconds per second of recording (capstan's own process: all its threads), against the ffmpeg CLI doing the
  same capture and encoding (`ffmpeg -f x11grab ... -f lavfi -i sine ... -c:v libx264 -c:a flac`) in the same
  alternation;
- the maximum sustained frame rate: the highest of the rates tried at which capstan captured (nearly) every frame,
  the encoder refused none and no audio was dropped.

A benchmark, not a test: it prints a table and one JSON line per case.

    /usr/bin/python3 Benchmarks/capture/screen_capture.py --capstan build/Source/cli/capstan --runs 3
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from process_timing import run_timed  # noqa: E402

QUIET = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]


def fail(message):
    print(f"screen_capture: error: {message}", file=sys.stderr)
    sys.exit(1)


class Display:
    """A private Xvfb display with ffplay showing moving 720p content at 30 fps in its top-left corner."""

    def __init__(self, number, width, height):
        self.name = f":{number}"
        self.xvfb = subprocess.Popen(["Xvfb", self.name, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        socket = f"/tmp/.X11-unix/X{number}"
        for _ in range(500):
            if os.path.exists(socket):
                break
            time.sleep(0.01)
        else:
            fail(f"Xvfb {self.name} did not start")
        env = dict(os.environ, DISPLAY=self.name, SDL_AUDIODRIVER="dummy")
        self.player = subprocess.Popen(["ffplay", "-v", "error", "-an", "-noborder", "-left", "0", "-top", "0",
                                        "-f", "lavfi", f"testsrc2=size={width}x{height}:rate=30"],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)

    def close(self):
        for process in (self.player, self.xvfb):
            process.terminate()
            process.wait()


def timed(argv, folder):
    """CPU seconds of that process and wall seconds (Benchmarks/support/process_timing.py)."""
    cpu, wall, _ = run_timed(argv, folder, "screen_capture")
    return cpu, wall


def capstan_run(capstan, display, folder, seconds, fps, size):
    stats = os.path.join(folder, "..", "stats.json")
    cpu, wall = timed([capstan, "record", "take.mkv", "--source", "tone", "--duration", str(seconds),
                       "--video-source", f"screen:{display}+0,0", "--video-size", size, "--fps", str(fps),
                       "--stats-json", stats], folder)
    with open(stats) as file:
        data = json.load(file)
    video = data["videoSource"]
    return {"cpu": cpu, "wall": wall, "captured": video["framesCaptured"], "refused": video["framesRefused"],
            "skipped": video["framesSkipped"], "duplicated": video["framesDuplicated"],
            "written": data["videoFramesWritten"], "audioDropped": data["droppedFrames"]}


def ffmpeg_run(display, folder, seconds, fps, size):
    cpu, wall = timed(["ffmpeg", *QUIET, "-f", "x11grab", "-framerate", str(fps), "-video_size", size,
                       "-i", f"{display}+0,0", "-f", "lavfi", "-i", "sine=f=440:r=48000", "-ac", "2", "-t", str(seconds),
                       "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                       "-c:a", "flac", "take.mkv"], folder)
    return {"cpu": cpu, "wall": wall}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--capstan", default="build/Source/cli/capstan")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rates", default="30,60,90,120", help="frame rates tried for the sustained maximum")
    parser.add_argument("--display", type=int, default=170)
    args = parser.parse_args()
    for tool in ("Xvfb", "ffplay", "ffmpeg"):
        if shutil.which(tool) is None:
            fail(f"{tool} is not installed (Scripts/setup.sh installs it)")
    capstan = os.path.abspath(args.capstan)
    size = "1280x720"
    display = Display(args.display, 1280, 720)
    try:
        with tempfile.TemporaryDirectory() as work:
            folder = os.path.join(work, "out")
            os.mkdir(folder)
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(capstan_run(capstan, display.name, folder, args.seconds, 30, size))
                theirs.append(ffmpeg_run(display.name, folder, args.seconds, 30, size))
            load = os.getloadavg()[0]
            cpu_ours = statistics.median(r["cpu"] for r in ours) / args.seconds
            cpu_theirs = statistics.median(r["cpu"] for r in theirs) / args.seconds
            print(f"720p30 screen + H.264 + FLAC, {args.seconds:g} s, {args.runs} runs, load {load:.1f}")
            print(f"  capstan: {cpu_ours:.3f} CPU s per s of recording "
                  f"(captured {[r['captured'] for r in ours]}, refused {[r['refused'] for r in ours]}, "
                  f"audio dropped {[r['audioDropped'] for r in ours]})")
            print(f"  ffmpeg:  {cpu_theirs:.3f} CPU s per s; ratio capstan/ffmpeg {cpu_ours / cpu_theirs:.3f}")
            print(json.dumps({"case": "screen720p30", "cpuPerSecond": cpu_ours, "ffmpegCpuPerSecond": cpu_theirs,
                              "ratio": cpu_ours / cpu_theirs, "runs": args.runs, "load": load,
                              "capstan": ours, "ffmpeg": theirs}))

            sustained = None
            for fps in (int(r) for r in args.rates.split(",")):
                run = capstan_run(capstan, display.name, folder, args.seconds, fps, size)
                expected = fps * args.seconds
                ok = (run["refused"] == 0 and run["audioDropped"] == 0 and run["captured"] >= 0.98 * expected)
                print(f"  {fps:>3} fps: captured {run['captured']}/{expected:g}, skipped {run['skipped']}, "
                      f"duplicated {run['duplicated']}, refused {run['refused']}, audio dropped "
                      f"{run['audioDropped']}, CPU {run['cpu'] / args.seconds:.3f} s/s -> {'kept up' if ok else 'no'}")
                print(json.dumps({"case": f"screen720p@{fps}", "keptUp": ok, **run}))
                if ok:
                    sustained = fps
            print(f"maximum sustained rate tried: {sustained} fps" if sustained else "no rate kept up")
    finally:
        display.close()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""CPU time of `capstan encode` against the `ffmpeg` CLI doing the same work.

Inputs are generated with the ffmpeg CLI (10 min of 48 kHz stereo float WAV; 10 s of 1280x720 rgb24 30 fps raw
video in NUT). Each case runs both tools with the same encoder, settings and threading, alternating which goes
first, N runs each; the CPU time of a run is the child's user + system time (os.wait4). Prints a table of medians
with the ratio capstan/ffmpeg, then one JSON line per case.

Standard library only; run with Debian's /usr/bin/python3:

    /usr/bin/python3 Benchmarks/encode_vs_ffmpeg.py --capstan build/Source/cli/capstan [--runs 5]
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

GOAL_RATIO = 0.95
FFMPEG_QUIET = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"]

# StreamWriter converts rgb24 -> yuv420p with these swscale flags (VideoOutputStream.cpp); the ffmpeg CLI's
# automatic scaler gets the same ones so that both do the same conversion work.
STREAMWRITER_SWS_FLAGS = "bicubic+accurate_rnd+full_chroma_int"


def audio_case(name, extension, capstan_args, ffmpeg_args):
    return {"name": name, "input": "audio", "extension": extension, "capstan": capstan_args, "ffmpeg": ffmpeg_args}


def cpu_has_avx512():
    """FFmpeg's AV_CPU_FLAG_AVX512 needs all of these."""
    try:
        with open("/proc/cpuinfo") as info:
            flags = next((line.split(":", 1)[1].split() for line in info if line.startswith("flags")), [])
    except OSError:
        return False
    return all(f in flags for f in ("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"))


# On AVX-512 CPUs StreamWriter runs libx264's AVX2 code (Debian's x264 AVX-512 code reads uninitialised memory,
# see Encoder.cpp); both tools are given that setting explicitly so they run the same x264 code.
X264_ASM = ["asm=avx2"] if cpu_has_avx512() else []

CASES = [
    audio_case("mp3 192k (libmp3lame)", "mp3",
               ["--encoder", "libmp3lame", "--bit-rate", "192000"], ["-c:a", "libmp3lame", "-b:a", "192000"]),
    audio_case("aac 192k (aac)", "m4a",
               ["--encoder", "aac", "--bit-rate", "192000"], ["-c:a", "aac", "-b:a", "192000"]),
    audio_case("opus 128k (libopus)", "opus",
               ["--encoder", "libopus", "--bit-rate", "128000"], ["-c:a", "libopus", "-b:a", "128000"]),
    audio_case("flac", "flac", ["--encoder", "flac"], ["-c:a", "flac"]),
    audio_case("wav pcm_s16le", "wav", ["--encoder", "pcm_s16le"], ["-c:a", "pcm_s16le"]),
    {
        "name": "h264 720p30 (libx264 veryfast)",
        "input": "video",
        "extension": "mp4",
        "capstan": ["--video-encoder", "libx264", "--video-option", "preset=veryfast",
                    "--video-encoder-format", "yuv420p",
                    *(["--video-option", "x264-params=" + ":".join(X264_ASM)] if X264_ASM else [])],
        "ffmpeg": ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                   "-sws_flags", STREAMWRITER_SWS_FLAGS,
                   *(["-x264-params", ":".join(X264_ASM)] if X264_ASM else [])],
    },
]


def fail(message):
    print(f"encode_vs_ffmpeg: error: {message}", file=sys.stderr)
    sys.exit(1)


def run_checked(argv):
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        fail(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.decode(errors='replace').strip()}")


def make_inputs(workdir, audio_seconds, video_seconds):
    """Generated once per work folder and reused: both tools read exactly the same bytes."""
    audio = os.path.join(workdir, f"input_{audio_seconds}s_48k_stereo_f32.wav")
    video = os.path.join(workdir, f"input_{video_seconds}s_1280x720_rgb24_30fps.nut")
    if not os.path.exists(audio):
        print(f"generating {audio} ...", file=sys.stderr)
        # Left: a tone plus pink noise; right: a slow chirp plus pink noise (tonal and noisy content).
        run_checked(["ffmpeg", *FFMPEG_QUIET,
                     "-f", "lavfi", "-i", f"sine=f=440:r=48000:d={audio_seconds}",
                     "-f", "lavfi", "-i", f"aevalsrc=0.3*sin(2*PI*(100+10*t)*t):s=48000:d={audio_seconds}",
                     "-f", "lavfi", "-i", f"anoisesrc=r=48000:c=pink:a=0.1:d={audio_seconds}:seed=7",
                     "-filter_complex",
                     "[2:a]asplit[n1][n2];[0:a][n1]amix=inputs=2:normalize=0[l];[1:a][n2]amix=inputs=2:normalize=0[r];"
                     "[l][r]join=inputs=2:channel_layout=stereo[out]",
                     "-map", "[out]", "-c:a", "pcm_f32le", audio + ".part.wav"])
        os.replace(audio + ".part.wav", audio)
    if not os.path.exists(video):
        print(f"generating {video} ...", file=sys.stderr)
        run_checked(["ffmpeg", *FFMPEG_QUIET,
                     "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={video_seconds}",
                     "-pix_fmt", "rgb24", "-c:v", "rawvideo", "-f", "nut", video + ".part"])
        os.replace(video + ".part", video)
    return {"audio": audio, "video": video}


def timed_run(argv):
    """Runs argv to completion; returns (cpu seconds of the child, wall seconds)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            fail(f"{' '.join(argv)} failed ({process.returncode}): {errors.read().decode(errors='replace').strip()}")
    return usage.ru_utime + usage.ru_stime, wall


def command_lines(case, capstan, inputs, workdir):
    source = inputs[case["input"]]
    out_capstan = os.path.join(workdir, f"out_capstan.{case['extension']}")
    out_ffmpeg = os.path.join(workdir, f"out_ffmpeg.{case['extension']}")
    # Both: default threading (auto, as the ffmpeg CLI; `capstan encode` asks for threads=auto too), output to a
    # file in the same folder, no stdin, no progress.
    capstan_argv = [capstan, "encode", "-y", source, out_capstan, *case["capstan"]]
    ffmpeg_argv = ["ffmpeg", *FFMPEG_QUIET, "-i", source, *case["ffmpeg"], out_ffmpeg]
    return capstan_argv, ffmpeg_argv, out_capstan, out_ffmpeg


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--capstan", help="path of the capstan executable (default: build*/Source/cli/capstan)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool and case (default 5)")
    parser.add_argument("--workdir", help="folder for inputs and outputs (default: a folder under /tmp, kept)")
    parser.add_argument("--cases", help="comma-separated substrings of case names to run (default: all)")
    parser.add_argument("--audio-seconds", type=int, default=600, help="length of the audio input (default 600)")
    parser.add_argument("--video-seconds", type=int, default=10, help="length of the video input (default 10)")
    args = parser.parse_args()
    if args.runs < 1:
        fail("--runs must be at least 1")

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    capstan = args.capstan
    if capstan is None:
        candidates = [os.path.join(repo, d, "Source", "cli", "capstan") for d in sorted(os.listdir(repo))
                      if d.startswith("build")]
        capstan = next((c for c in candidates if os.access(c, os.X_OK)), shutil.which("capstan"))
    if not capstan or not os.access(capstan, os.X_OK):
        fail("no capstan executable found; build it and pass --capstan PATH")
    if not shutil.which("ffmpeg"):
        fail("the ffmpeg CLI is not installed (apt-get install ffmpeg)")

    workdir = args.workdir or os.path.join(tempfile.gettempdir(), "capstan-encode-benchmark")
    os.makedirs(workdir, exist_ok=True)
    inputs = make_inputs(workdir, args.audio_seconds, args.video_seconds)
    cases = CASES
    if args.cases:
        wanted = [w.strip() for w in args.cases.split(",") if w.strip()]
        cases = [c for c in CASES if any(w in c["name"] for w in wanted)]
        if not cases:
            fail(f"no case matches {args.cases!r}; cases: {', '.join(c['name'] for c in CASES)}")

    print(f"capstan: {capstan}\nffmpeg:  {shutil.which('ffmpeg')}\nruns: {args.runs} per tool and case, "
          f"alternating; CPU = user + sys of the child\n", file=sys.stderr)

    results = []
    for case in cases:
        capstan_argv, ffmpeg_argv, out_capstan, out_ffmpeg = command_lines(case, capstan, inputs, workdir)
        # One untimed run each warms the page cache and checks that both commands work.
        timed_run(capstan_argv)
        timed_run(ffmpeg_argv)
        timings = {"capstan": [], "ffmpeg": []}
        for run in range(args.runs):
            order = [("capstan", capstan_argv), ("ffmpeg", ffmpeg_argv)]
            if run % 2 == 1:
                order.reverse()
            for tool, argv in order:
                timings[tool].append(timed_run(argv))
        cpu = {tool: [t[0] for t in runs] for tool, runs in timings.items()}
        wall = {tool: [t[1] for t in runs] for tool, runs in timings.items()}
        result = {
            "case": case["name"],
            "runs": args.runs,
            "capstan_cpu_s": statistics.median(cpu["capstan"]),
            "ffmpeg_cpu_s": statistics.median(cpu["ffmpeg"]),
            "capstan_wall_s": statistics.median(wall["capstan"]),
            "ffmpeg_wall_s": statistics.median(wall["ffmpeg"]),
            "capstan_bytes": os.path.getsize(out_capstan),
            "ffmpeg_bytes": os.path.getsize(out_ffmpeg),
            "capstan_cpu_runs": [round(x, 4) for x in cpu["capstan"]],
            "ffmpeg_cpu_runs": [round(x, 4) for x in cpu["ffmpeg"]],
        }
        result["ratio"] = result["capstan_cpu_s"] / result["ffmpeg_cpu_s"]
        result["goal_met"] = result["ratio"] <= GOAL_RATIO
        results.append(result)
        print(f"  {case['name']}: ratio {result['ratio']:.3f}", file=sys.stderr)

    header = (f"{'case':<32} {'capstan cpu s':>13} {'ffmpeg cpu s':>12} {'ratio':>7} {'goal<=0.95':>10} "
              f"{'capstan wall s':>14} {'ffmpeg wall s':>13} {'capstan bytes':>13} {'ffmpeg bytes':>12}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['case']:<32} {r['capstan_cpu_s']:>13.3f} {r['ffmpeg_cpu_s']:>12.3f} {r['ratio']:>7.3f} "
              f"{'yes' if r['goal_met'] else 'NO':>10} {r['capstan_wall_s']:>14.3f} {r['ffmpeg_wall_s']:>13.3f} "
              f"{r['capstan_bytes']:>13} {r['ffmpeg_bytes']:>12}")
    for r in results:
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}))


if __name__ == "__main__":
    main()

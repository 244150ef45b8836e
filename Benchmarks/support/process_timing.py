"""What the benchmark scripts share: run a program in a folder and measure its CPU (all threads, from wait4) and
wall time, failing with its own error text."""

import os
import subprocess
import sys
import tempfile
import time


def run_timed(argv, folder, name, empty_first=True):
    """Runs argv in `folder` (emptied first unless told: record never replaces a file). Returns (CPU seconds of
    that process, wall seconds, its stdout as text). On failure prints '<name>: error: ...' and exits."""
    if empty_first:
        for entry in os.listdir(folder):
            os.remove(os.path.join(folder, entry))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=folder, stdin=subprocess.DEVNULL, stdout=out, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            print(f"{name}: error: {' '.join(argv)} failed: {errors.read().decode(errors='replace').strip()}",
                  file=sys.stderr)
            sys.exit(1)
        out.seek(0)
        text = out.read().decode(errors="replace")
    return usage.ru_utime + usage.ru_stime, wall, text

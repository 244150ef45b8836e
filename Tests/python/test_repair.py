"""Sample values are data, not a threat: NaN, +-Inf and absurd magnitudes written through capstan.StreamWriter
never kill the interpreter (libmp3lame aborted it with SIGABRT) or end a stream; they are repaired and counted."""

import os
import subprocess
import sys
import unittest

import numpy as np

import capstan_test_support as support
from capstan import StreamWriter

RATE = 48000


def sine(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE), dtype=np.float32)
    return np.stack([0.3 * np.sin(0.02 * t)] * 2, axis=1).astype(np.float32)


@unittest.skipUnless(support.have_ffmpeg_tools(), "needs the ffmpeg and ffprobe command-line tools")
class RepairTest(unittest.TestCase):
    def test_nan_chunk_into_mp3_does_not_abort_the_interpreter(self):
        # Run in a child interpreter: before the repair this killed the process with SIGABRT.
        folder = support.output_dir(self)
        path = os.path.join(folder, "nan.mp3")
        script = (
            "import numpy as np\n"
            "from capstan import StreamWriter\n"
            f"s = StreamWriter({path!r})\n"
            "s.add_audio_stream(48000, 2)\n"
            "chunk = np.full((48000, 2), np.nan, dtype=np.float32)\n"
            "with s.open():\n"
            "    s.write_audio_chunk(0, chunk)\n"
            "    print(s.sample_repairs(0)['non_finite_samples'])\n"
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), str(2 * 48000))
        duration = float(support.probe(path)["format"]["duration"])
        self.assertAlmostEqual(duration, 1.0, delta=0.08)

    def test_nan_and_inf_become_silence_not_full_scale_clicks(self):
        # Before: NaN, +Inf and -Inf all decoded as -1.0 from FLAC/s16.
        folder = support.output_dir(self)
        for name in ("take.flac", "take.wav"):
            path = os.path.join(folder, name)
            samples = sine(1.0)
            samples[100, 0] = np.nan
            samples[200, 0] = np.inf
            samples[300, 0] = -np.inf
            samples[400, 0] = 1e30
            s = StreamWriter(path)
            s.add_audio_stream(RATE, 2, encoder="pcm_s16le" if name.endswith(".wav") else None)
            with s.open():
                s.write_audio_chunk(0, samples)
                repairs = s.sample_repairs(0)
            self.assertEqual(repairs["non_finite_samples"], 3, name)
            self.assertEqual(repairs["clipped_samples"], 1, name)
            self.assertEqual(repairs["interval_count"], 4, name)
            self.assertEqual(repairs["intervals"][0], (100, 1), name)
            decoded = support.decode_audio(path, 2)
            self.assertEqual(len(decoded), RATE, name)
            self.assertEqual(decoded[100, 0], 0.0, name)
            self.assertEqual(decoded[200, 0], 0.0, name)
            self.assertEqual(decoded[300, 0], 0.0, name)
            self.assertGreater(decoded[400, 0], 0.99, name)  # positive full scale, not a negative click
            self.assertAlmostEqual(float(decoded[500, 0]), float(samples[500, 0]), delta=1e-3)

    def test_one_nan_does_not_end_an_aac_stream(self):
        folder = support.output_dir(self)
        path = os.path.join(folder, "take.m4a")
        samples = sine(2.0)
        samples[RATE // 2, 1] = np.nan
        s = StreamWriter(path)
        s.add_audio_stream(RATE, 2, encoder="aac")
        with s.open():
            for start in range(0, len(samples), 1000):
                s.write_audio_chunk(0, samples[start:start + 1000])
        decoded = support.decode_audio(path, 2)
        self.assertGreaterEqual(len(decoded), len(samples))
        self.assertGreater(float(np.sqrt(np.mean(decoded[RATE:, 0] ** 2))), 0.1)  # the second second is there

    def test_sample_repairs_of_a_video_stream_is_an_error(self):
        s = StreamWriter(os.path.join(support.output_dir(self), "v.mkv"))
        s.add_video_stream(30, 32, 32)
        with self.assertRaises(RuntimeError):
            s.sample_repairs(0)


if __name__ == "__main__":
    unittest.main()

"""The slicing study's torchaudio path (`capstan study slicing`): torchaudio 0.13's real StreamWriter writes the
study's signals in slices beside the simulation of the legacy writers and Capstan, and the study measures all three.

The cases are the issue's: AAC, 2 s at 44.1 kHz written in 1470-sample chunks, and Opus, 1 s at 48 kHz in 1000-sample
chunks, both at torchaudio's default bit rate. The decoded lengths are checked twice: by the study (capstan's
MediaReader) and by the ffmpeg CLI on the file torchaudio wrote."""

import peer_support as peer  # first: exits with the skip code when torchaudio is missing

import json
import os
import subprocess
import sys

CLI = os.environ.get("CAPSTAN_CLI", "")


def run_study(test, *args):
    """Runs the study into the test's folder; returns (rows by (signal, encoder, path, slice), stderr)."""
    out = test.path("study")
    result = subprocess.run([CLI, "study", "slicing", "--out", out, "--work", os.path.join(out, "work"), "--keep",
                             "--json", os.path.join(out, "results.json"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    test.assertEqual(result.returncode, 0, result.stderr)
    with open(os.path.join(out, "results.json")) as f:
        rows = {(r["signal"], r["encoder"], r["path"], r["slice"]): r for r in json.load(f)}
    return rows, result.stderr


def ffmpeg_decoded_length(path):
    return len(peer.support.decode_audio(path, 1))


class PeerSlicingTest(peer.PeerTestCase):
    def setUp(self):
        super().setUp()
        if not os.access(CLI, os.X_OK):
            self.fail(f"CAPSTAN_CLI does not name the built capstan tool: '{CLI}'")

    def test_aac_2_s_in_1470_sample_chunks(self):
        rows, _ = run_study(self, "--seconds", "2", "--rate", "44100", "--slices", "1470", "--encoders", "aac",
                            "--signals", "music,recorded-speech", "--bit-rate", "0")
        for signal in ("music", "recorded-speech"):
            with self.subTest(signal=signal):
                torchaudio = rows[(signal, "aac", "torchaudio", 1470)]
                simulation = rows[(signal, "aac", "legacy", 1470)]
                capstan = rows[(signal, "aac", "capstan", 1470)]
                self.assertEqual(torchaudio["input_samples"], 88200)
                # The number, measured by the study and by the ffmpeg CLI on torchaudio's own file.
                self.assertEqual(torchaudio["decoded_samples"], 120832)
                self.assertEqual(ffmpeg_decoded_length(torchaudio["file"]), 120832)
                self.assertFalse(torchaudio["identical"])
                # Where the simulation disagrees: it decodes 2048 samples longer (the 60 writes of 1024 + 446 + 578
                # zeros, all kept), torchaudio's mp4 declares the input's 2 s and the demuxer drops the last two
                # packets, whose timestamps lie past it. Over the common length the samples are equal: the silence
                # lands where the simulation puts it.
                self.assertEqual(simulation["decoded_samples"] - simulation["lag"], 122880)
                self.assertEqual(torchaudio["samples_differing"], 0)
                self.assertAlmostEqual(torchaudio["declared_seconds"], 2.0, places=3)
                self.assertGreater(simulation["declared_seconds"], 2.7)
                # Capstan: the same bytes as writing everything at once, and no silence inserted.
                self.assertTrue(capstan["identical"])
                self.assertGreater(capstan["timeline_snr"], torchaudio["timeline_snr"] + 10)
                self.assertEqual(ffmpeg_decoded_length(rows[(signal, "aac", "torchaudio", 0)]["file"]),
                                 ffmpeg_decoded_length(capstan["file"]))

    def test_opus_1_s_in_1000_sample_chunks(self):
        rows, _ = run_study(self, "--seconds", "1", "--rate", "48000", "--slices", "1000", "--encoders", "libopus",
                            "--signals", "speech,recorded-music", "--bit-rate", "0")
        for signal in ("speech", "recorded-music"):
            with self.subTest(signal=signal):
                torchaudio = rows[(signal, "libopus", "torchaudio", 1000)]
                simulation = rows[(signal, "libopus", "legacy", 1000)]
                self.assertEqual(torchaudio["decoded_samples"], 90928)
                self.assertEqual(ffmpeg_decoded_length(torchaudio["file"]), 90928)
                # 48 writes of 960 + 40 + 920 zeros: 96 frames; the simulation's Ogg keeps them all, torchaudio's
                # declares 1 s (plus the 312-sample pre-skip) and loses 1232 samples to its timestamps.
                self.assertEqual(simulation["decoded_samples"], 92160)
                self.assertAlmostEqual(torchaudio["declared_seconds"], 1.0065, places=4)
                # torchaudio feeds libopus s16 and the simulation float, so the samples are not equal; the gaps in
                # the same places make them agree far above what misplaced gaps (about 0 dB) would give.
                self.assertGreater(torchaudio["agreement_snr"], 25.0)
                self.assertLess(torchaudio["timeline_snr"], 3.0)
                self.assertTrue(rows[(signal, "libopus", "capstan", 1000)]["identical"])

    def test_without_torchaudio_the_path_is_skipped_and_said_so(self):
        # An interpreter that cannot import torchaudio: Debian's python3 without its site packages.
        fake = self.path("python-without-site")
        with open(fake, "w") as f:
            f.write(f'#!/bin/sh\nexec {sys.executable} -S -I "$@"\n')
        os.chmod(fake, 0o755)
        rows, stderr = run_study(self, "--seconds", "0.2", "--slices", "512", "--encoders", "aac", "--signals",
                                 "speech", "--python", fake)
        self.assertIn("path torchaudio skipped: torchaudio is not importable by", stderr)
        self.assertFalse([key for key in rows if key[2] == "torchaudio"])
        self.assertTrue(rows[("speech", "aac", "legacy", 512)])
        with open(self.path("study/README.md")) as f:
            self.assertIn("path torchaudio skipped", f.read())


if __name__ == "__main__":
    peer.main()

"""An adversarial table: every row is a bad call a user can make, the exception it must raise (its exact type), the
words its message must hold (what was wrong and what is accepted), and what must be left on disk afterwards.

Out-of-range numbers raise capstan.OutOfRangeError, which is a ValueError and also a capstan.Error (RuntimeError,
as torchaudio raised): each such row checks both. Other bad arguments raise capstan.ArgumentTypeError or
capstan.ArgumentValueError, a TypeError or ValueError that is also a capstan.Error, for the same reason. Rows that keep a writer open write one second before the bad call
and close it after, and the file must still decode to that second: a refused call never damages what was written.
"""

import fractions
import io
import math
import os
import unittest
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

import capstan
import capstan_test_support as support
from capstan import CodecConfig, OutOfRangeError, StreamWriter

RATE = 8000
ONE_SECOND = np.zeros((RATE, 1), dtype=np.float32)
FRAMES = np.zeros((3, 3, 24, 32), dtype=np.uint8)  # 3 rgb24 frames of 32x24


# ---- what must be on disk afterwards ----


@dataclass
class Nothing:
    """The row's folder is empty: nothing was created, or what was created was removed."""

    def check(self, test, folder):
        test.assertEqual(os.listdir(folder), [], "files were left behind")


@dataclass
class Plays:
    """`name` decodes (ffprobe) to `seconds`, within a frame."""

    name: object
    seconds: float

    def check(self, test, folder):
        path = os.path.join(os.fsencode(folder), os.fsencode(self.name))
        test.assertTrue(os.path.exists(path), f"{self.name!r} is missing")
        duration = float(support.probe(os.fsdecode(path))["format"]["duration"])
        test.assertAlmostEqual(duration, self.seconds, delta=0.05)


# ---- the writers a row starts from ----


class Context:
    """The row's folder and the writers it opened, closed after the call so that the disk state can be judged."""

    def __init__(self, folder):
        self.folder = folder
        self.writers = []

    def path(self, name="out.wav"):
        return os.path.join(self.folder, name)

    def keep(self, writer):
        self.writers.append(writer)
        return writer

    def audio(self, name="out.mp3", **options):
        return self.keep(StreamWriter(self.path(name))).add_audio_stream(RATE, 1, **options)

    def video(self, frame_rate=30, width=32, height=24, format="rgb24", name="out.mkv", **options):
        s = self.keep(StreamWriter(self.path(name)))
        return s.add_video_stream(frame_rate, width, height, format, **options)

    def open_wav(self):
        """An open 8 kHz mono wav writer holding one second of audio."""
        s = self.keep(StreamWriter(self.path("out.wav")))
        s.add_audio_stream(RATE, 1)
        s.open()
        s.write_audio_chunk(0, ONE_SECOND)
        return s

    def open_video(self):
        s = self.keep(StreamWriter(self.path("out.mkv")))
        s.add_video_stream(30, 32, 24, encoder="ffv1")
        s.open()
        s.write_video_chunk(0, FRAMES)
        return s

    def into(self, file_object, format="wav"):
        """An open writer into a file-like object; writing one second of audio makes it call write()."""
        s = self.keep(StreamWriter(file_object, format=format, buffer_size=64))
        s.add_audio_stream(RATE, 1)
        s.open()
        s.write_audio_chunk(0, ONE_SECOND)
        s.close()

    def close_all(self):
        for s in self.writers:
            try:
                s.close()
            except Exception:
                pass  # the row's call already raised what it should; close() only finalizes


class Lying:
    """A file object whose write() claims more bytes than it was given."""

    def write(self, data):
        return len(data) + 10


class WritesNothing:
    def write(self, data):
        return 0


class AnswersText:
    def write(self, data):
        return "all of it"


class DiskFull:
    def write(self, data):
        raise OSError(28, "No space left on device")


# ---- the table ----


@dataclass
class Row:
    name: str
    call: Callable[[Context], object]
    error: Optional[type]  # None: the call must succeed
    words: list = field(default_factory=list)
    disk: object = field(default_factory=Nothing)


def mp3(**config):
    return {"codec_config": CodecConfig(**config)}


ROWS = [
    # -- destinations --
    Row("unknown muxer", lambda t: StreamWriter(t.path("o.bin"), format="nosuchmuxer"), capstan.Error,
        ["unknown muxer 'nosuchmuxer'", "capstan muxers"]),
    Row("no format from the name", lambda t: StreamWriter(t.path("o.nosuchextension")), capstan.Error,
        ["cannot tell the container format", "pass a format"]),
    Row("file object without format", lambda t: StreamWriter(io.BytesIO()), capstan.Error,
        ["needs a format", "wav"]),
    Row("dst of the wrong type", lambda t: StreamWriter(42), capstan.DestinationError, ["dst must be a path", "int"]),
    Row("file name that cannot be encoded", lambda t: StreamWriter(t.path("\ud800.wav")), capstan.ArgumentValueError,
        ["cannot be a file name", "cannot encode", "bytes"]),
    Row("file name with NUL", lambda t: StreamWriter(t.path("a\0b.wav")), capstan.ArgumentValueError, ["NUL"]),
    Row("buffer_size 0", lambda t: StreamWriter(io.BytesIO(), format="wav", buffer_size=0), OutOfRangeError,
        ["buffer_size 0", "1 .. 67108864"]),
    Row("buffer_size 2**40", lambda t: StreamWriter(io.BytesIO(), format="wav", buffer_size=2**40), OutOfRangeError,
        ["buffer_size 1099511627776", "64 MiB"]),
    Row("buffer_size float", lambda t: StreamWriter(io.BytesIO(), format="wav", buffer_size=4096.0), capstan.ArgumentTypeError,
        ["buffer_size must be an int", "float"]),
    Row("unwritable folder", lambda t: t.keep(StreamWriter("/nonexistent-capstan/out.wav")).add_audio_stream(RATE, 1)
        or t.writers[-1].open(), capstan.Error, ["cannot open '/nonexistent-capstan/out.wav' for writing"]),
    # -- CodecConfig: -1 (or None) is the only "unset" value --
    Row("bit_rate -5", lambda t: CodecConfig(bit_rate=-5), OutOfRangeError,
        ["bit_rate -5", "1000 .. 1000000000", "-1 for the encoder's default"]),
    Row("bit_rate 1e13", lambda t: CodecConfig(bit_rate=10**13), OutOfRangeError, ["bit_rate 10000000000000"]),
    Row("bit_rate beyond int64", lambda t: CodecConfig(bit_rate=2**80), OutOfRangeError, ["out of range"]),
    Row("bit_rate float", lambda t: CodecConfig(bit_rate=128000.0), capstan.ArgumentTypeError, ["bit_rate must be an int"]),
    Row("compression_level -3", lambda t: CodecConfig(compression_level=-3), OutOfRangeError,
        ["compression_level -3", "0 .. 100"]),
    Row("gop_size -2", lambda t: CodecConfig(gop_size=-2), OutOfRangeError, ["gop_size -2", "0 .. 100000"]),
    Row("max_b_frames 17", lambda t: CodecConfig(max_b_frames=17), OutOfRangeError, ["max_b_frames 17", "0 .. 16"]),
    Row("qscale 1000", lambda t: CodecConfig(qscale=1000), OutOfRangeError, ["qscale 1000", "None"]),
    Row("bit_rate set later to -5", lambda t: setattr(CodecConfig(), "bit_rate", -5), OutOfRangeError,
        ["bit_rate -5"]),
    # -- audio streams --
    Row("sample_rate too big", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(2**40, 1),
        OutOfRangeError, ["sample_rate 1099511627776", "1 .. 2147483647"]),
    Row("sample_rate 0", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(0, 1), OutOfRangeError,
        ["sample_rate 0", "1 .. "]),
    Row("sample_rate negative", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(-8000, 1),
        OutOfRangeError, ["sample_rate -8000"]),
    Row("sample_rate float", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(8000.5, 1), capstan.ArgumentTypeError,
        ["sample_rate must be an int", "float"]),
    Row("num_channels 2**33", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(RATE, 2**33),
        OutOfRangeError, ["num_channels 8589934592", "1 .. 2147483647"]),
    Row("num_channels 0", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(RATE, 0),
        OutOfRangeError, ["num_channels 0"]),
    Row("encoder_sample_rate -1", lambda t: t.audio(encoder_sample_rate=-1), OutOfRangeError,
        ["encoder_sample_rate -1", "None for the input's"]),
    Row("encoder_num_channels 1e20", lambda t: t.audio(encoder_num_channels=10**20), OutOfRangeError,
        ["encoder_num_channels"]),
    Row("audio bit rate 50 Mbit/s", lambda t: t.audio(**mp3(bit_rate=50_000_000)), OutOfRangeError,
        ["for audio", "1000 .. 10000000", "10 Mbit/s"]),
    Row("libmp3lame qscale 100", lambda t: t.audio(encoder="libmp3lame", **mp3(qscale=100)), OutOfRangeError,
        ["libmp3lame", "0 .. 9"]),
    Row("libvorbis qscale 11", lambda t: t.audio("out.ogg", encoder="libvorbis", **mp3(qscale=11)), OutOfRangeError,
        ["libvorbis", "-1 .. 10"]),
    Row("flac compression level 13", lambda t: t.audio("out.flac", **mp3(compression_level=13)), OutOfRangeError,
        ["flac", "0 .. 12"]),
    Row("libopus compression level 11", lambda t: t.audio("out.ogg", encoder="libopus", **mp3(compression_level=11)),
        OutOfRangeError, ["libopus", "0 .. 10"]),
    Row("GOP on an audio stream", lambda t: t.audio(**mp3(gop_size=10)), capstan.Error,
        ["video settings", "audio stream takes bit rate"]),
    Row("pcm_s16le into mp4", lambda t: t.audio("out.mp4", encoder="pcm_s16le") or t.writers[-1].open(),
        capstan.Error, ["pcm_s16le cannot go into mp4", "mp4 takes aac", "flac"]),
    Row("video filter on audio", lambda t: t.audio(filter_desc="hflip"), capstan.Error,
        ["'hflip' is a video filter", "this stream is audio", "volume"]),
    Row("unknown encoder", lambda t: t.audio(encoder="libx999"), capstan.Error, ["unknown encoder 'libx999'"]),
    # -- video streams --
    Row("frame_rate 1e12", lambda t: t.video(1e12), OutOfRangeError, ["frame_rate", "1/3600", "1000 fps"]),
    Row("frame_rate 10**12", lambda t: t.video(10**12), OutOfRangeError, ["frame_rate 1000000000000", "1000 fps"]),
    Row("frame_rate 5000", lambda t: t.video(5000), OutOfRangeError, ["frame_rate 5000", "1000 fps"]),
    Row("frame_rate one per two hours", lambda t: t.video(fractions.Fraction(1, 7200)), OutOfRangeError,
        ["frame_rate 1/7200", "1/3600"]),
    Row("frame_rate '1/0'", lambda t: t.video("1/0"), capstan.ArgumentValueError, ["frame_rate", "invalid rate '1/0'"]),
    Row("frame_rate '5000/1' as text", lambda t: t.video("5000/1"), OutOfRangeError,
        ["video frame rate 5000/1", "out of range", "1000 fps"]),
    Row("width 10**10", lambda t: t.video(width=10**10), OutOfRangeError, ["width 10000000000", "1 .. 16384"]),
    Row("width 16385", lambda t: t.video(width=16385), OutOfRangeError, ["width 16385", "16384"]),
    Row("height 0", lambda t: t.video(height=0), OutOfRangeError, ["height 0", "1 .. 16384"]),
    Row("encoder_width -4", lambda t: t.video(encoder_width=-4), OutOfRangeError,
        ["encoder_width -4", "None for the input's"]),
    Row("odd yuv420p width", lambda t: t.video(width=33, format="yuv420p"), capstan.Error,
        ["yuv420p", "width divisible by 2", "33x24"]),
    Row("audio filter on video", lambda t: t.video(filter_desc="volume=0.5"), capstan.Error,
        ["'volume' is an audio filter", "this stream is video", "hflip"]),
    Row("video bit rate 999", lambda t: CodecConfig(bit_rate=999), OutOfRangeError, ["bit_rate 999", "1000 .."]),
    Row("mpeg4 qscale 40", lambda t: t.video(encoder="mpeg4", codec_config=CodecConfig(qscale=40)), OutOfRangeError,
        ["mpeg4", "1 .. 31"]),
    Row("video bit rate 2 Gbit/s", lambda t: t.video(codec_config=CodecConfig(bit_rate=2_000_000_000)),
        OutOfRangeError, ["bit_rate 2000000000", "1000000000"]),
    # -- writing: a refused call leaves what was written intact --
    Row("stream index 2**70", lambda t: t.open_wav().write_audio_chunk(2**70, ONE_SECOND), OutOfRangeError,
        ["stream index 1180591620717411303424", "0 .. 0"], Plays("out.wav", 1.0)),
    Row("stream index -1", lambda t: t.open_wav().write_audio_chunk(-1, ONE_SECOND), OutOfRangeError,
        ["stream index -1", "numbered from 0"], Plays("out.wav", 1.0)),
    Row("stream index float", lambda t: t.open_wav().write_audio_chunk(0.0, ONE_SECOND), capstan.ArgumentTypeError,
        ["stream index must be an int"], Plays("out.wav", 1.0)),
    Row("audio pts NaN", lambda t: t.open_wav().write_audio_chunk(0, ONE_SECOND, pts=math.nan), capstan.Error,
        ["pts", "finite"], Plays("out.wav", 1.0)),
    Row("audio pts going back", lambda t: t.open_wav().write_audio_chunk(0, ONE_SECOND, pts=0.5), capstan.Error,
        ["pts must not go backwards"], Plays("out.wav", 1.0)),
    Row("audio pts beyond a double", lambda t: t.open_wav().write_audio_chunk(0, ONE_SECOND, pts=10**400),
        OutOfRangeError, ["pts 1000", "out of range", "seconds"], Plays("out.wav", 1.0)),
    Row("audio pts as text", lambda t: t.open_wav().write_audio_chunk(0, ONE_SECOND, pts="1.0"), capstan.ArgumentTypeError,
        ["pts must be None or a number of seconds", "str"], Plays("out.wav", 1.0)),
    Row("video pts beyond a double", lambda t: t.open_video().write_video_chunk(0, FRAMES, pts=10**400),
        OutOfRangeError, ["write_video_chunk: pts", "out of range"], Plays("out.mkv", 0.1)),
    Row("video pts 2e9 s", lambda t: t.open_video().write_video_chunk(0, FRAMES, pts=2e9), OutOfRangeError,
        ["video pts", "0 .. 1e9 s"], Plays("out.mkv", 0.1)),
    Row("video pts negative", lambda t: t.open_video().write_video_chunk(0, FRAMES, pts=-5.0), OutOfRangeError,
        ["video pts", "out of range"], Plays("out.mkv", 0.1)),
    Row("write after close", lambda t: (t.open_wav().close(), t.writers[-1].write_audio_chunk(0, ONE_SECOND)),
        capstan.Error, ["cannot write after close()"], Plays("out.wav", 1.0)),
    Row("write before open", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(RATE, 1)
        or t.writers[-1].write_audio_chunk(0, ONE_SECOND), capstan.Error, ["cannot write before open()"]),
    Row("unknown muxer option", lambda t: t.keep(StreamWriter(t.path("o.wav"))).add_audio_stream(RATE, 1)
        or t.writers[-1].open({"no_such_option": "1"}), capstan.Error, ["unknown option 'no_such_option'"]),
    # -- file-like objects (nothing reaches the disk) --
    Row("write() claims more than given", lambda t: t.into(Lying()), capstan.Error,
        ["write() returned", "bytes given", "how many of them it wrote"]),
    Row("write() writes nothing", lambda t: t.into(WritesNothing()), capstan.Error,
        ["write() wrote 0", "must write all it is given"]),
    Row("write() answers text", lambda t: t.into(AnswersText()), capstan.Error,
        ["write() must return the number of bytes written"]),
    Row("write() raises OSError", lambda t: t.into(DiskFull()), OSError, ["No space left on device"]),
    # -- what must work --
    Row("non-UTF-8 file name", lambda t: t.keep(StreamWriter(os.fsencode(t.folder) + b"/\xff.wav"))
        .add_audio_stream(RATE, 1) or (t.writers[-1].open(), t.writers[-1].write_audio_chunk(0, ONE_SECOND)),
        None, [], Plays(b"\xff.wav", 1.0)),
]


@unittest.skipUnless(support.have_ffmpeg_tools(), "needs the ffmpeg and ffprobe command-line tools")
class AdversarialTest(unittest.TestCase):
    def test_the_table_is_large(self):
        self.assertGreaterEqual(len(ROWS), 40)
        self.assertEqual(len({row.name for row in ROWS}), len(ROWS), "row names must be unique")

    def test_rows(self):
        root = support.output_dir(self)
        for number, row in enumerate(ROWS):
            with self.subTest(row=row.name):
                folder = os.path.join(root, f"{number:02d}")
                os.makedirs(folder)
                context = Context(folder)
                caught = None
                try:
                    row.call(context)
                except Exception as error:  # judged below: type, words
                    caught = error
                context.close_all()
                if row.error is None:
                    self.assertIsNone(caught, f"{row.name}: {caught!r}")
                else:
                    self.assertIsNotNone(caught, f"{row.name}: nothing was raised")
                    self.assertIs(type(caught), row.error, f"{row.name}: {caught!r}")
                    if row.error is OutOfRangeError:  # both what Python code and torchaudio code expect
                        self.assertIsInstance(caught, ValueError)
                        self.assertIsInstance(caught, RuntimeError)
                    for word in row.words:
                        self.assertIn(word, str(caught), row.name)
                row.disk.check(self, folder)

    def test_audio_pts_jump_of_31_years_is_refused(self):
        s = StreamWriter(io.BytesIO(), format="wav")
        s.add_audio_stream(RATE, 1)
        with s.open():
            with self.assertRaises(capstan.OutOfRangeError) as caught:
                s.write_audio_chunk(0, ONE_SECOND, pts=1e9)
        self.assertIn("at most 3600 s", str(caught.exception))


if __name__ == "__main__":
    unittest.main()

"""What write_audio_chunk / write_video_chunk accept: dtypes, layouts (NCHW, gray, planar yuv), the array protocols
(__array__, __dlpack__), and when the caller's memory is used without a copy."""

import io
import os
import unittest

import numpy as np

import capstan_test_support as support
from capstan import StreamWriter


class DlpackOnly:
    """Exposes an array through __dlpack__ only, as torch tensors, JAX and CuPy arrays do."""

    def __init__(self, array, device=(1, 0)):  # (kDLCPU, 0)
        self.array, self.device = array, device

    def __dlpack__(self, stream=None):
        return self.array.__dlpack__()

    def __dlpack_device__(self):
        return self.device


class ArrayOnly:
    """Exposes an array through __array__ only (pandas, xarray, PIL images...)."""

    def __init__(self, array):
        self.array = array

    def __array__(self, dtype=None):
        return self.array if dtype is None else self.array.astype(dtype)


def write_to_memory(format, add_stream, chunks, write="audio"):
    """Writes `chunks` into an in-memory file; returns (bytes, writer)."""
    dst = io.BytesIO()
    s = StreamWriter(dst, format=format)
    add_stream(s)
    with s.open():
        for chunk in chunks:
            (s.write_audio_chunk if write == "audio" else s.write_video_chunk)(0, chunk)
    return dst.getvalue(), s


@unittest.skipUnless(support.have_ffmpeg_tools(), "needs the ffmpeg and ffprobe command-line tools")
class ArrayTest(unittest.TestCase):
    def setUp(self):
        self.dir = support.output_dir(self)

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_every_sample_format_round_trips_exactly(self):
        rng = np.random.default_rng(7)
        cases = [  # format, dtype, PCM encoder, ffmpeg raw format to read back
            ("u8", np.uint8, "pcm_u8", "u8"),
            ("s16", np.int16, "pcm_s16le", "s16le"),
            ("s32", np.int32, "pcm_s32le", "s32le"),
            ("flt", np.float32, "pcm_f32le", "f32le"),
            ("dbl", np.float64, "pcm_f64le", "f64le"),
        ]
        for format, dtype, encoder, raw in cases:
            with self.subTest(format=format):
                if np.issubdtype(dtype, np.integer):
                    info = np.iinfo(dtype)
                    chunk = rng.integers(info.min, info.max, size=(1000, 2), dtype=dtype, endpoint=True)
                else:
                    chunk = rng.uniform(-1, 1, size=(1000, 2)).astype(dtype)
                path = self.path(f"{format}.wav")
                s = StreamWriter(path)
                s.add_audio_stream(8000, 2, format, encoder=encoder)
                with s.open():
                    s.write_audio_chunk(0, chunk)
                decoded = support.decode_audio(path, 2, raw, dtype)
                np.testing.assert_array_equal(decoded, chunk)

        # s64: no PCM container takes 64-bit integers; the default (16-bit) keeps the top bits.
        chunk = rng.integers(-(2**62), 2**62, size=(1000, 2), dtype=np.int64)
        path = self.path("s64.wav")
        s = StreamWriter(path)
        s.add_audio_stream(8000, 2, "s64")
        with s.open():
            s.write_audio_chunk(0, chunk)
        decoded = support.decode_audio(path, 2, "s16le", np.int16)
        np.testing.assert_array_equal(decoded, (chunk >> 48).astype(np.int16))

    def test_non_contiguous_audio_is_copied_once_and_gives_the_same_bytes(self):
        waveform = support.make_audio(8000, 2, 1.0)
        add = lambda s: s.add_audio_stream(8000, 2, encoder="libmp3lame")
        contiguous, s1 = write_to_memory("mp3", add, [waveform])
        self.assertEqual(s1._chunks_copied, 0)  # encoded from the caller's memory
        channels_first = np.ascontiguousarray(waveform.T)  # (channels, time), as torch code often holds it
        transposed, s2 = write_to_memory("mp3", add, [channels_first.T])
        self.assertEqual(s2._chunks_copied, 1)
        self.assertEqual(contiguous, transposed)
        strided, s3 = write_to_memory("mp3", add, [np.repeat(waveform, 2, axis=0)[::2]])
        self.assertEqual(s3._chunks_copied, 1)
        self.assertEqual(contiguous, strided)

    def test_array_protocols_give_the_same_bytes(self):
        waveform = support.make_audio(8000, 2, 1.0)
        add = lambda s: s.add_audio_stream(8000, 2, encoder="flac")
        reference, _ = write_to_memory("flac", add, [waveform])
        via_dlpack, s = write_to_memory("flac", add, [DlpackOnly(waveform)])
        self.assertEqual(via_dlpack, reference)
        self.assertEqual(s._chunks_copied, 0)
        via_array, s = write_to_memory("flac", add, [ArrayOnly(waveform)])
        self.assertEqual(via_array, reference)
        self.assertEqual(s._chunks_copied, 0)

    def test_unexportable_tensor_is_refused_with_a_hint(self):
        class RequiresGrad(DlpackOnly):  # what a torch tensor that requires grad does
            def __dlpack__(self, stream=None):
                raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")

        s = StreamWriter(io.BytesIO(), format="wav")
        s.add_audio_stream(8000, 2)
        with s.open():
            with self.assertRaisesRegex(
                TypeError, r"cannot read the RequiresGrad chunk as a CPU array \(.*require gradient.*\.cpu\(\)"
            ):
                s.write_audio_chunk(0, RequiresGrad(np.zeros((10, 2), dtype=np.float32)))

    def test_nchw_video_views_of_hwc_memory_are_not_copied(self):
        rng = np.random.default_rng(3)
        hwc = rng.integers(256, size=(2, 24, 32, 3), dtype=np.uint8)  # what images usually are in memory
        add = lambda s: s.add_video_stream(1, 32, 24, encoder="png")
        view, s1 = write_to_memory("image2pipe", add, [hwc.transpose(0, 3, 1, 2)], write="video")
        self.assertEqual(s1._chunks_copied, 0)
        nchw = np.ascontiguousarray(hwc.transpose(0, 3, 1, 2))  # torchaudio-style NCHW memory: must be transposed
        copied, s2 = write_to_memory("image2pipe", add, [nchw], write="video")
        self.assertEqual(s2._chunks_copied, 1)
        self.assertEqual(view, copied)

    def lossless_round_trip(self, format, chunk, width, height, decode_fmt, channels, encoder_format=None):
        path = self.path(f"{format}.mkv")
        s = StreamWriter(path)
        s.add_video_stream(30, width, height, format, encoder="ffv1", encoder_format=encoder_format)
        with s.open():
            s.write_video_chunk(0, chunk)
        return support.decode_video(path, width, height, decode_fmt, channels)

    def test_gray8_with_or_without_channel_axis(self):
        rng = np.random.default_rng(4)
        frames = rng.integers(256, size=(3, 24, 32), dtype=np.uint8)
        for chunk in (frames, frames[:, np.newaxis]):
            with self.subTest(shape=chunk.shape):
                # ffv1 would get yuv420p by default, as torchaudio chose: ask for gray to stay lossless
                decoded = self.lossless_round_trip("gray8", chunk, 32, 24, "gray", 1, encoder_format="gray")
                np.testing.assert_array_equal(decoded[..., 0], frames)

    def test_rgba_and_bgra(self):
        rng = np.random.default_rng(5)
        chunk = rng.integers(256, size=(2, 4, 24, 32), dtype=np.uint8)
        for format in ("rgba", "bgra"):
            with self.subTest(format=format):
                # ffv1 stores alpha as bgra: an exact reordering of rgba done by libswscale
                decoded = self.lossless_round_trip(format, chunk, 32, 24, format, 4, encoder_format="bgra")
                np.testing.assert_array_equal(decoded, chunk.transpose(0, 2, 3, 1))

    def test_yuv444p_planes_are_taken_as_they_are(self):
        rng = np.random.default_rng(6)
        chunk = rng.integers(16, 235, size=(2, 3, 24, 32), dtype=np.uint8)
        path = self.path("yuv444p.mkv")
        s = StreamWriter(path)
        s.add_video_stream(30, 32, 24, "yuv444p", encoder="ffv1", encoder_format="yuv444p")
        with s.open():
            s.write_video_chunk(0, chunk)
        self.assertEqual(s._chunks_copied, 0)
        decoded = support.decode_raw_frames(path, "yuv444p", 3 * 24 * 32)
        np.testing.assert_array_equal(decoded, chunk.reshape(2, -1))

    def test_yuv420p_as_raw_planes(self):
        rng = np.random.default_rng(8)
        chunk = rng.integers(16, 235, size=(2, 36, 32), dtype=np.uint8)  # 24 rows of Y, then U and V
        path = self.path("yuv420p.mkv")
        s = StreamWriter(path)
        s.add_video_stream(30, 32, 24, "yuv420p", encoder="ffv1")
        with s.open():
            s.write_video_chunk(0, chunk)
        decoded = support.decode_raw_frames(path, "yuv420p", 36 * 32)
        np.testing.assert_array_equal(decoded, chunk.reshape(2, -1))


if __name__ == "__main__":
    unittest.main()

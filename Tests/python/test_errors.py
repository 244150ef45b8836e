"""Bad input gets one clear exception naming what was wrong and what is accepted."""

import io
import os
import unittest

import numpy as np

import capstan
import capstan_test_support as support
from capstan import StreamWriter


class ErrorTest(unittest.TestCase):
    def setUp(self):
        self.dir = support.output_dir(self)

    def path(self, name):
        return os.path.join(self.dir, name)

    def open_audio_writer(self, format="flt"):
        s = StreamWriter(io.BytesIO(), format="wav")
        s.add_audio_stream(8000, 2, format)
        s.open()
        self.addCleanup(s.close)
        return s

    def open_video_writer(self, format="rgb24"):
        s = StreamWriter(self.path("v.mkv"))
        s.add_video_stream(30, 128, 96, format)
        s.open()
        self.addCleanup(s.close)
        return s

    # ---- the four cases ----

    def test_wrong_audio_dtype(self):
        s = self.open_audio_writer()
        with self.assertRaises(TypeError) as caught:
            s.write_audio_chunk(0, np.zeros((100, 2), dtype=np.float64))
        self.assertEqual(
            str(caught.exception),
            "write_audio_chunk: stream 0 was added with format 'flt', so the chunk must be a float32 array of shape "
            "(time, 2); got float64 of shape (100, 2)",
        )
        s = self.open_audio_writer("s16")
        with self.assertRaisesRegex(TypeError, r"format 's16', so the chunk must be an int16 array .* got float32"):
            s.write_audio_chunk(0, np.zeros((100, 2), dtype=np.float32))

    def test_wrong_audio_shape(self):
        s = self.open_audio_writer()
        with self.assertRaises(ValueError) as caught:
            s.write_audio_chunk(0, np.zeros((100, 3), dtype=np.float32))
        self.assertEqual(
            str(caught.exception),
            "write_audio_chunk: stream 0 takes a float32 array of shape (time, 2); got shape (100, 3)",
        )
        with self.assertRaisesRegex(ValueError, r"shape \(time, 2\); got shape \(200,\)"):
            s.write_audio_chunk(0, np.zeros(200, dtype=np.float32))
        with self.assertRaisesRegex(ValueError, r"got shape \(2, 100\)"):  # channels first: torch habits
            s.write_audio_chunk(0, np.zeros((2, 100), dtype=np.float32))

    def test_wrong_video_dtype_and_shape(self):
        s = self.open_video_writer()
        with self.assertRaises(TypeError) as caught:
            s.write_video_chunk(0, np.zeros((1, 3, 96, 128), dtype=np.float32))
        self.assertEqual(
            str(caught.exception),
            "write_video_chunk: stream 0 takes rgb24 frames as a uint8 array of shape (time, 3, 96, 128); got float32 "
            "of shape (1, 3, 96, 128)",
        )
        with self.assertRaises(ValueError) as caught:
            s.write_video_chunk(0, np.zeros((1, 96, 128, 3), dtype=np.uint8))  # HWC instead of CHW
        self.assertEqual(
            str(caught.exception),
            "write_video_chunk: stream 0 takes rgb24 frames as a uint8 array of shape (time, 3, 96, 128); got shape "
            "(1, 96, 128, 3)",
        )
        gray = self.open_video_writer("gray8")
        expected = r"\(time, 96, 128\) or \(time, 1, 96, 128\); got shape \(1, 3, 96, 128\)"
        with self.assertRaisesRegex(ValueError, expected):
            gray.write_video_chunk(0, np.zeros((1, 3, 96, 128), dtype=np.uint8))

    def test_write_before_open(self):
        s = StreamWriter(self.path("a.wav"))
        s.add_audio_stream(8000, 2)
        with self.assertRaises(capstan.Error) as caught:
            s.write_audio_chunk(0, np.zeros((10, 2), dtype=np.float32))
        self.assertIsInstance(caught.exception, RuntimeError)
        self.assertEqual(
            str(caught.exception),
            "write_audio_chunk: cannot write before open(): add the streams, call open() (or use `with s.open():`), "
            "then write chunks",
        )
        self.assertFalse(os.path.exists(self.path("a.wav")))

    def test_unknown_encoder(self):
        s = StreamWriter(self.path("a.mka"))
        with self.assertRaises(capstan.Error) as caught:
            s.add_audio_stream(8000, 2, encoder="no_such_encoder")
        self.assertRegex(str(caught.exception), r"^unknown encoder 'no_such_encoder'; .*audio encoders")
        with self.assertRaisesRegex(capstan.Error, "unknown encoder 'libx999'"):
            s.add_video_stream(30, 64, 64, encoder="libx999")

    # ---- more ----

    def test_write_after_close(self):
        s = self.open_audio_writer()
        s.close()
        with self.assertRaisesRegex(capstan.Error, r"cannot write after close\(\); create a new StreamWriter"):
            s.write_audio_chunk(0, np.zeros((10, 2), dtype=np.float32))

    def test_unknown_and_planar_sample_formats(self):
        s = StreamWriter(io.BytesIO(), format="wav")
        with self.assertRaisesRegex(ValueError, r"unknown sample format 's24'; accepted: u8 \(uint8\), s16 \(int16\)"):
            s.add_audio_stream(8000, 2, "s24")
        with self.assertRaisesRegex(ValueError, r"sample format 'fltp' is planar.*use 'flt'.*encoder_format='fltp'"):
            s.add_audio_stream(8000, 2, "fltp")

    def test_unknown_pixel_format(self):
        s = StreamWriter(self.path("v.mkv"))
        with self.assertRaisesRegex(ValueError, r"unknown pixel format 'rgb48'; accepted: gray8, rgb24, bgr24"):
            s.add_video_stream(30, 64, 64, "rgb48")

    def test_unknown_muxer(self):
        with self.assertRaisesRegex(capstan.Error, r"unknown muxer 'nosuchformat'"):
            StreamWriter(io.BytesIO(), format="nosuchformat")

    def test_file_object_without_format(self):
        with self.assertRaisesRegex(capstan.Error, r"needs a format"):
            StreamWriter(io.BytesIO())

    def test_dst_of_wrong_type(self):
        with self.assertRaisesRegex(TypeError, r"dst must be a path, a URL, or a file-like object .*got int"):
            StreamWriter(42)

    def test_hw_accel_is_not_supported(self):
        s = StreamWriter(self.path("v.mp4"))
        with self.assertRaisesRegex(NotImplementedError, r"hardware acceleration is not supported.*'cuda:0'"):
            s.add_video_stream(30, 64, 64, encoder="h264_nvenc", hw_accel="cuda:0")

    def test_unknown_encoder_option(self):
        s = StreamWriter(self.path("a.mp3"))
        with self.assertRaisesRegex(capstan.Error, r"no_such_option"):
            s.add_audio_stream(8000, 2, encoder_option={"no_such_option": "1"})

    def test_stream_index_and_kind(self):
        s = self.open_audio_writer()
        expected = r"stream index 1 is out of range: accepted 0 \.\. 0; this writer has 1 stream\(s\)"
        with self.assertRaisesRegex(ValueError, expected):
            s.write_audio_chunk(1, np.zeros((10, 2), dtype=np.float32))
        with self.assertRaisesRegex(RuntimeError, expected):  # torchaudio raised RuntimeError here
            s.write_audio_chunk(1, np.zeros((10, 2), dtype=np.float32))
        with self.assertRaisesRegex(ValueError, r"stream 0 is an audio stream; use write_audio_chunk\(\)"):
            s.write_video_chunk(0, np.zeros((1, 3, 4, 4), dtype=np.uint8))

    def test_not_an_array(self):
        s = self.open_audio_writer()
        with self.assertRaisesRegex(TypeError, r"numpy array or an object with __array__ or __dlpack__.*got list"):
            s.write_audio_chunk(0, [[0.0, 0.0]])

    def test_add_stream_after_open(self):
        s = self.open_audio_writer()
        with self.assertRaisesRegex(capstan.Error, r"add_audio_stream\(\) must be called before open\(\)"):
            s.add_audio_stream(8000, 1)

    def test_audio_pts_going_backwards(self):
        s = self.open_audio_writer()
        s.write_audio_chunk(0, np.zeros((8000, 2), dtype=np.float32))
        with self.assertRaisesRegex(capstan.Error, r"pts must not go backwards"):
            s.write_audio_chunk(0, np.zeros((10, 2), dtype=np.float32), pts=0.5)

    def test_bad_frame_rate(self):
        s = StreamWriter(self.path("v.mkv"))
        with self.assertRaisesRegex(ValueError, r"frame_rate: invalid rate 'abc'"):
            s.add_video_stream("abc", 64, 64)
        with self.assertRaisesRegex(TypeError, r"frame_rate must be a number"):
            s.add_video_stream([30], 64, 64)

    def test_unwritable_path(self):
        s = StreamWriter("/nonexistent-folder/out.wav")
        s.add_audio_stream(8000, 2)
        with self.assertRaisesRegex(capstan.Error, r"cannot open '/nonexistent-folder/out.wav' for writing"):
            s.open()

    def test_file_object_write_error_propagates_as_itself(self):
        class FullDisk:
            def write(self, data):
                raise OSError(28, "No space left on device")

        s = StreamWriter(FullDisk(), format="mp3", buffer_size=1024)
        s.add_audio_stream(8000, 2)
        with self.assertRaises(OSError) as caught:
            with s.open():
                s.write_audio_chunk(0, np.zeros((80000, 2), dtype=np.float32))
        self.assertEqual(caught.exception.errno, 28)
        notes = getattr(caught.exception, "__notes__", [])
        self.assertTrue(any(note.startswith("capstan.StreamWriter: ") for note in notes), notes)


if __name__ == "__main__":
    unittest.main()

"""torchaudio's StreamWriter semantics: destinations (paths, file objects with and without seek), the context
manager, open()/close() idempotence, pts, codec/encoder settings, metadata, frame rates, and the GIL."""

import fractions
import io
import os
import sys
import threading
import unittest

import numpy as np

import capstan
import capstan_test_support as support
from capstan import CodecConfig, StreamWriter


class WriteOnly:
    """A destination that cannot seek (a pipe, a socket): only write()."""

    def __init__(self):
        self.data = bytearray()

    def write(self, data):
        self.data += data
        return len(data)


@unittest.skipUnless(support.have_ffmpeg_tools(), "needs the ffmpeg and ffprobe command-line tools")
class ApiTest(unittest.TestCase):
    def setUp(self):
        self.dir = support.output_dir(self)

    def path(self, name):
        return os.path.join(self.dir, name)

    def save(self, name, data):
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    # ---- destinations ----

    def test_pathlike_and_bytesio_give_the_same_wav(self):
        import pathlib

        waveform = support.make_audio(8000, 2, 1.0)
        path = pathlib.Path(self.dir) / "a.wav"
        s = StreamWriter(path)
        s.add_audio_stream(8000, 2)
        with s.open():
            s.write_audio_chunk(0, waveform)
        dst = io.BytesIO()
        s = StreamWriter(dst, format="wav")  # seekable: the header is rewritten with the real sizes
        s.add_audio_stream(8000, 2)
        with s.open():
            s.write_audio_chunk(0, waveform)
        self.assertEqual(dst.getvalue(), path.read_bytes())
        self.assertEqual(support.decode_audio(str(path), 2).shape, waveform.shape)

    def test_open_file_object_guesses_the_format_from_its_name(self):
        path = self.path("guessed.flac")
        with open(path, "wb") as f:
            s = StreamWriter(f)  # as in the tutorial: no format, the name says flac
            s.add_audio_stream(8000, 1)
            with s.open():
                s.write_audio_chunk(0, support.make_audio(8000, 1, 0.5))
        self.assertEqual(support.stream_of(support.probe(path), "audio")["codec_name"], "flac")

    def test_file_object_with_existing_content_keeps_it(self):
        path = self.path("prefixed.bin")
        waveform = support.make_audio(8000, 2, 1.0)
        with open(path, "wb") as f:
            f.write(b"PREFIX")
            s = StreamWriter(f, format="wav")
            s.add_audio_stream(8000, 2, encoder="pcm_f32le")
            with s.open():
                s.write_audio_chunk(0, waveform)
        with open(path, "rb") as f:
            data = f.read()
        self.assertEqual(data[:6], b"PREFIX")
        # The wav header's sizes were rewritten at the right place (after the prefix), so the rest decodes whole.
        decoded = support.decode_audio(self.save("rest.wav", data[6:]), 2)
        np.testing.assert_array_equal(decoded, waveform)

    def test_unseekable_destination_gets_fragmented_mp4(self):
        dst = WriteOnly()
        s = StreamWriter(dst, format="mp4")
        s.add_video_stream(30, 64, 48)
        with s.open():
            s.write_video_chunk(0, support.make_video(30, 48, 64))
        path = self.save("fragmented.mp4", bytes(dst.data))
        self.assertEqual(int(support.stream_of(support.probe(path, count_frames=True), "video")["nb_read_frames"]), 30)

    # ---- open / close / context manager ----

    def test_open_and_close_are_idempotent_like_torchaudio(self):
        s = StreamWriter(io.BytesIO(), format="wav")
        s.add_audio_stream(8000, 2)
        s.close()  # not open yet: nothing happens
        self.assertFalse(s.is_open)
        self.assertIs(s.open(), s)
        self.assertIs(s.open(), s)  # already open: nothing happens
        self.assertTrue(s.is_open)
        s.flush()
        s.close()
        s.close()
        self.assertFalse(s.is_open)
        with self.assertRaisesRegex(capstan.Error, r"the writer is closed"):
            s.open()

    def test_exception_in_with_block_propagates_and_the_file_is_finished(self):
        path = self.path("interrupted.wav")
        s = StreamWriter(path)
        s.add_audio_stream(8000, 2)
        with self.assertRaises(KeyError):
            with s.open():
                s.write_audio_chunk(0, support.make_audio(8000, 2, 0.5))
                raise KeyError("interrupted")
        self.assertFalse(s.is_open)
        self.assertEqual(support.decode_audio(path, 2).shape, (4000, 2))

    def test_flush_does_not_end_the_stream(self):
        waveform = support.make_audio(8000, 2, 2.0)
        add = lambda s: s.add_audio_stream(8000, 2, encoder="libmp3lame")
        whole = io.BytesIO()
        s = StreamWriter(whole, format="mp3")
        add(s)
        with s.open():
            s.write_audio_chunk(0, waveform)
        flushed = io.BytesIO()
        s = StreamWriter(flushed, format="mp3")
        add(s)
        with s.open():
            s.write_audio_chunk(0, waveform[:5000])
            s.flush()
            self.assertGreater(len(flushed.getvalue()), 0)  # the bytes so far reached the file object
            s.write_audio_chunk(0, waveform[5000:])
        self.assertEqual(flushed.getvalue(), whole.getvalue())

    # ---- pts ----

    def test_audio_pts_gap_is_filled_with_silence(self):
        path = self.path("gap.wav")
        s = StreamWriter(path)
        s.add_audio_stream(8000, 1, encoder="pcm_f32le")
        ones = np.full((8000, 1), 0.5, dtype=np.float32)
        with s.open():
            s.write_audio_chunk(0, ones)
            s.write_audio_chunk(0, ones, pts=1.5)
        decoded = support.decode_audio(path, 1)[:, 0]
        self.assertEqual(decoded.shape, (20000,))
        np.testing.assert_array_equal(decoded[:8000], 0.5)
        np.testing.assert_array_equal(decoded[8000:12000], 0.0)
        np.testing.assert_array_equal(decoded[12000:], 0.5)

    def test_video_pts_first_frame_and_per_frame(self):
        path = self.path("pts.mkv")
        s = StreamWriter(path)
        s.add_video_stream(30, 32, 24, encoder="ffv1")
        frames = support.make_video(4, 24, 32)
        with s.open():
            s.write_video_chunk(0, frames[:1])  # t = 0
            s.write_video_chunk(0, frames[1:2], pts=1 / 3)  # frame 10 (1/3 s is 9.999999999999998 frames)
            s.write_video_chunk(0, frames[2:], pts=[1.0, 2.0])  # one pts per frame
        np.testing.assert_allclose(support.frame_times(path), [0.0, 1 / 3, 1.0, 2.0], atol=1e-3)

    # ---- settings ----

    def test_codec_config_and_metadata(self):
        config = CodecConfig(bit_rate=64000)
        self.assertEqual(config, CodecConfig(64000))
        self.assertEqual(repr(config), "CodecConfig(bit_rate=64000, compression_level=-1, qscale=None, gop_size=-1, "
                                       "max_b_frames=-1)")
        path = self.path("config.mp3")
        s = StreamWriter(path)
        s.add_audio_stream(44100, 2, codec_config=config)
        s.set_metadata({"title": "capstan test", "artist": "unittest"})
        with s.open():
            s.write_audio_chunk(0, support.make_audio(44100, 2, 2.0))
        info = support.probe(path)
        self.assertEqual(int(support.stream_of(info, "audio")["bit_rate"]), 64000)
        self.assertEqual(info["format"]["tags"]["title"], "capstan test")
        self.assertEqual(info["format"]["tags"]["artist"], "unittest")

    def test_filter_desc_and_encoder_sample_rate(self):
        path = self.path("filtered.wav")
        s = StreamWriter(path)
        s.add_audio_stream(8000, 1, filter_desc="volume=0.5", encoder_sample_rate=16000, encoder="pcm_f32le")
        with s.open():
            s.write_audio_chunk(0, support.make_audio(8000, 1, 1.0))
        stream = support.stream_of(support.probe(path), "audio")
        self.assertEqual(int(stream["sample_rate"]), 16000)
        decoded = support.decode_audio(path, 1)[:, 0]
        self.assertAlmostEqual(decoded.shape[0], 16000, delta=64)
        self.assertAlmostEqual(float(np.max(np.abs(decoded[1000:-1000]))), 0.25, delta=0.01)
        self.assertAlmostEqual(support.dominant_frequency(decoded, 16000), 440.0, delta=3.0)

    def test_frame_rates_are_exact(self):
        for rate in (29.97, fractions.Fraction(30000, 1001), "30000/1001"):
            with self.subTest(rate=rate):
                path = self.path("ntsc.mp4")
                s = StreamWriter(path)
                s.add_video_stream(rate, 64, 48)
                with s.open():
                    s.write_video_chunk(0, support.make_video(30, 48, 64))
                stream = support.stream_of(support.probe(path), "video")
                self.assertEqual(stream["r_frame_rate"], "30000/1001")

    def test_encoder_size_scales(self):
        path = self.path("scaled.mp4")
        s = StreamWriter(path)
        s.add_video_stream(30, 64, 48, encoder_width=32, encoder_height=24, encoder_option={"crf": 18})
        with s.open():
            s.write_video_chunk(0, support.make_video(10, 48, 64))
        stream = support.stream_of(support.probe(path), "video")
        self.assertEqual((stream["width"], stream["height"]), (32, 24))

    # ---- the GIL ----

    def test_gil_is_released_while_encoding(self):
        """Another Python thread runs while a chunk is encoded. Python would otherwise only let it run when the
        calling thread gives the GIL up, which a long switch interval stops it from doing in between."""
        # A view of HWC memory: no numpy copy (numpy itself releases the GIL while copying large arrays).
        frames = np.ascontiguousarray(support.make_video(30, 240, 320).transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
        s = StreamWriter(self.path("gil.mp4"))
        s.add_video_stream(30, 320, 240, encoder="libx264", encoder_option={"preset": "medium"})
        counter = [0]
        stop = threading.Event()

        def spin():
            while not stop.is_set():
                counter[0] += 1

        previous = sys.getswitchinterval()
        thread = threading.Thread(target=spin)
        try:
            with s.open():
                sys.setswitchinterval(1.0)
                thread.start()
                before = counter[0]
                s.write_video_chunk(0, frames)
                during = counter[0] - before
                self.assertEqual(s._chunks_copied, 0)
        finally:
            stop.set()
            sys.setswitchinterval(previous)
            thread.join()
        self.assertGreater(during, 0, "no Python code ran while write_video_chunk encoded: the GIL was held")

    def test_threads_writing_to_file_objects_at_once(self):
        """Each thread's encoding runs without the GIL and takes it back for every write() into its BytesIO: no
        deadlock, and the bytes are those of a writer running alone."""
        waveform = support.make_audio(16000, 2, 2.0)

        def encode(results, index):
            dst = io.BytesIO()
            s = StreamWriter(dst, format="mp3", buffer_size=512)
            s.add_audio_stream(16000, 2)
            with s.open():
                for start in range(0, waveform.shape[0], 1000):
                    s.write_audio_chunk(0, waveform[start : start + 1000])
            results[index] = dst.getvalue()

        alone = [None]
        encode(alone, 0)
        results = [None] * 4
        threads = [threading.Thread(target=encode, args=(results, i)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertTrue(alone[0])
        self.assertEqual(results, alone * 4)


if __name__ == "__main__":
    unittest.main()

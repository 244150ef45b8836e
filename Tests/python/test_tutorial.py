"""The StreamWriter basic tutorial's code paths, changed only from torch to numpy (and `torchaudio.io` to
`capstan`), each decoded back with the ffmpeg/ffprobe command-line tools and checked."""

import io
import os
import unittest

import numpy as np

import capstan_test_support as support
from capstan import StreamWriter

SAMPLE_RATE = 8000  # the tutorial's "8kHz, Stereo WAV"
NUM_CHANNELS = 2
WAVEFORM = support.make_audio(SAMPLE_RATE, NUM_CHANNELS, 3.0)
NUM_FRAMES = WAVEFORM.shape[0]


@unittest.skipUnless(support.have_ffmpeg_tools(), "needs the ffmpeg and ffprobe command-line tools")
class TutorialTest(unittest.TestCase):
    def setUp(self):
        self.dir = support.output_dir(self)

    def get_path(self, filename):
        return os.path.join(self.dir, filename)

    def test_basic_usage_wav_8k_stereo(self):
        path = self.get_path("test.wav")
        s = StreamWriter(path)
        s.add_audio_stream(sample_rate=SAMPLE_RATE, num_channels=NUM_CHANNELS)
        with s.open():
            s.write_audio_chunk(0, WAVEFORM)

        stream = support.stream_of(support.probe(path), "audio")
        self.assertEqual(stream["codec_name"], "pcm_s16le")  # torchaudio's default for wav: 16-bit PCM
        self.assertEqual(int(stream["sample_rate"]), SAMPLE_RATE)
        self.assertEqual(stream["channels"], NUM_CHANNELS)
        decoded = support.decode_audio(path, NUM_CHANNELS)
        self.assertEqual(decoded.shape, WAVEFORM.shape)
        self.assertLessEqual(np.max(np.abs(decoded - WAVEFORM)), 1.0 / 32768)

    def test_chunked_mp3_to_bytesio_equals_one_go(self):
        # Write data in one go
        dst1 = io.BytesIO()
        s = StreamWriter(dst=dst1, format="mp3")
        s.add_audio_stream(SAMPLE_RATE, NUM_CHANNELS)
        with s.open():
            s.write_audio_chunk(0, WAVEFORM)

        # Write data in smaller chunks
        dst2 = io.BytesIO()
        s = StreamWriter(dst=dst2, format="mp3")
        s.add_audio_stream(SAMPLE_RATE, NUM_CHANNELS)
        with s.open():
            for start in range(0, NUM_FRAMES, SAMPLE_RATE):
                end = start + SAMPLE_RATE
                s.write_audio_chunk(0, WAVEFORM[start:end, ...])

        dst1.seek(0)
        bytes1 = dst1.read()
        dst2.seek(0)
        bytes2 = dst2.read()
        self.assertGreater(len(bytes1), 1000)
        self.assertEqual(bytes1, bytes2)

        path = self.get_path("chunked.mp3")
        with open(path, "wb") as f:
            f.write(bytes1)
        stream = support.stream_of(support.probe(path), "audio")
        self.assertEqual(stream["codec_name"], "mp3")
        self.assertEqual(int(stream["sample_rate"]), SAMPLE_RATE)
        self.assertEqual(stream["channels"], NUM_CHANNELS)
        decoded = support.decode_audio(path, NUM_CHANNELS)
        # LAME's delay and padding are trimmed by the decoder (its header says how much); one frame either way.
        self.assertLessEqual(abs(decoded.shape[0] - NUM_FRAMES), 1152)
        self.assertAlmostEqual(support.dominant_frequency(decoded[:, 0], SAMPLE_RATE), 440.0, delta=5.0)

    def test_image_png_96x128(self):
        height, width = 96, 128
        path = self.get_path("image.png")
        s = StreamWriter(dst=path)
        s.add_video_stream(frame_rate=1, height=height, width=width, format="rgb24")
        chunk = np.random.default_rng(1).integers(256, size=(1, 3, height, width), dtype=np.uint8)
        with s.open():
            s.write_video_chunk(0, chunk)

        stream = support.stream_of(support.probe(path), "video")
        self.assertEqual(stream["codec_name"], "png")
        self.assertEqual((stream["width"], stream["height"]), (width, height))
        decoded = support.decode_video(path, width, height)
        # png is lossless: every pixel, in the right channel, at the right place (NCHW went to packed RGB).
        np.testing.assert_array_equal(decoded, chunk.transpose(0, 2, 3, 1))

    def test_video_without_audio_3s_30fps_mp4(self):
        frame_rate, height, width = 30, 96, 128
        path = self.get_path("video.mp4")
        s = StreamWriter(dst=path)
        s.add_video_stream(frame_rate=frame_rate, height=height, width=width, format="rgb24")
        time = int(frame_rate * 3)
        chunk = support.make_video(time, height, width)
        with s.open():
            s.write_video_chunk(0, chunk)

        info = support.probe(path, count_frames=True)
        stream = support.stream_of(info, "video")
        self.assertEqual(stream["codec_name"], "h264")
        self.assertEqual(int(stream["nb_read_frames"]), time)
        self.assertAlmostEqual(float(info["format"]["duration"]), 3.0, delta=1e-3)
        times = support.frame_times(path)
        np.testing.assert_allclose(times, np.arange(time) / frame_rate, atol=1e-3)
        decoded = support.decode_video(path, width, height).astype(np.int16)
        error = np.mean(np.abs(decoded - chunk.transpose(0, 2, 3, 1)))
        self.assertLess(error, 8.0, "decoded frames do not look like the frames written")

    def test_video_with_audio(self):
        frame_rate, height, width = 30, 96, 128
        path = self.get_path("video.mp4")
        s = StreamWriter(dst=path)
        s.add_audio_stream(sample_rate=SAMPLE_RATE, num_channels=NUM_CHANNELS)
        s.add_video_stream(frame_rate=frame_rate, height=height, width=width, format="rgb24")
        audio_chunk = WAVEFORM[: SAMPLE_RATE * 3]
        video_chunk = support.make_video(int(frame_rate * 3), height, width)
        with s.open():
            s.write_audio_chunk(0, audio_chunk)
            s.write_video_chunk(1, video_chunk)

        info = support.probe(path, count_frames=True)
        audio = support.stream_of(info, "audio")
        video = support.stream_of(info, "video")
        self.assertEqual(audio["codec_name"], "aac")
        self.assertEqual(int(audio["sample_rate"]), SAMPLE_RATE)
        self.assertEqual(audio["channels"], NUM_CHANNELS)
        # mp4 declares AAC's exact length in its edit list (decoders still return the padded frames).
        self.assertAlmostEqual(float(audio["duration"]), 3.0, delta=0.025)
        self.assertEqual(video["codec_name"], "h264")
        self.assertEqual(int(video["nb_read_frames"]), 90)
        self.assertAlmostEqual(float(video["duration"]), 3.0, delta=1e-3)
        decoded = support.decode_audio(path, NUM_CHANNELS)
        self.assertAlmostEqual(support.dominant_frequency(decoded[:, 0], SAMPLE_RATE), 440.0, delta=5.0)

    def test_yuv422p_mov_through_libx264(self):
        height, width = 96, 128
        path = self.get_path("video.mov")
        s = StreamWriter(path)
        s.add_video_stream(frame_rate=30, height=height, width=width, encoder="libx264", encoder_format="yuv422p")
        chunk = support.make_video(60, height, width)
        with s.open():
            s.write_video_chunk(0, chunk)

        stream = support.stream_of(support.probe(path, count_frames=True), "video")
        self.assertEqual(stream["codec_name"], "h264")
        self.assertEqual(stream["pix_fmt"], "yuv422p")
        self.assertEqual(int(stream["nb_read_frames"]), 60)
        decoded = support.decode_video(path, width, height).astype(np.int16)
        self.assertLess(np.mean(np.abs(decoded - chunk.transpose(0, 2, 3, 1))), 8.0)

    def test_bgr24_input(self):
        height, width = 96, 128
        # Left half red, right half blue, given in BGR order: swapped channels would come back blue/red.
        chunk = np.zeros((30, 3, height, width), dtype=np.uint8)
        chunk[:, 2, :, : width // 2] = 255  # R (third channel in bgr24), left
        chunk[:, 0, :, width // 2 :] = 255  # B (first channel), right
        path = self.get_path("bgr.mp4")
        s = StreamWriter(path)
        s.add_video_stream(frame_rate=30, height=height, width=width, format="bgr24")
        with s.open():
            s.write_video_chunk(0, chunk)

        decoded = support.decode_video(path, width, height).astype(np.float64)  # rgb24
        self.assertEqual(decoded.shape[0], 30)
        middle = decoded[-1, height // 4 : 3 * height // 4]
        left = middle[:, width // 8 : width // 4].mean(axis=(0, 1))
        right = middle[:, 5 * width // 8 : 7 * width // 8].mean(axis=(0, 1))
        self.assertGreater(left[0], 200)  # R
        self.assertLess(left[2], 60)
        self.assertGreater(right[2], 200)  # B
        self.assertLess(right[0], 60)

    def test_slice_loop_aac_and_libmp3lame(self):
        """The tutorial's "Note on slicing and AAC": with FFmpeg 4 the AAC file written in 512-sample slices had
        audible artifacts. Here every slice size gives the bytes of the one-go write, so there can be none."""
        waveform = support.make_audio(SAMPLE_RATE, NUM_CHANNELS, 3.1)  # not a multiple of any slice size

        def write(audio_encoder, slice_size, ext):
            path = self.get_path(f"slice_{audio_encoder}_{slice_size}.{ext}")
            s = StreamWriter(dst=path)
            s.add_audio_stream(SAMPLE_RATE, NUM_CHANNELS, encoder=audio_encoder)
            with s.open():
                for start in range(0, waveform.shape[0], slice_size):
                    end = start + slice_size
                    s.write_audio_chunk(0, waveform[start:end, ...])
            return path

        def read(path):
            with open(path, "rb") as f:
                return f.read()

        for audio_encoder, slice_sizes, ext in [("aac", [8000, 512], "mp4"), ("libmp3lame", [512], "mp3")]:
            reference = write(audio_encoder, waveform.shape[0], ext)
            expected_codec = "aac" if audio_encoder == "aac" else "mp3"
            for slice_size in slice_sizes:
                with self.subTest(encoder=audio_encoder, slice_size=slice_size):
                    path = write(audio_encoder, slice_size, ext)
                    self.assertEqual(read(path), read(reference))
                    stream = support.stream_of(support.probe(path), "audio")
                    self.assertEqual(stream["codec_name"], expected_codec)
                    decoded = support.decode_audio(path, NUM_CHANNELS)
                    if ext == "mp4":  # the edit list holds the exact length
                        self.assertAlmostEqual(float(stream["duration"]), 3.1, delta=0.025)
                    else:  # the decoder trims LAME's delay and padding; one frame either way
                        self.assertLessEqual(abs(decoded.shape[0] - waveform.shape[0]), 1152)
                    self.assertAlmostEqual(support.dominant_frequency(decoded[:, 0], SAMPLE_RATE), 440.0, delta=5.0)


if __name__ == "__main__":
    unittest.main()

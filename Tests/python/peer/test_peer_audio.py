"""Audio through torchaudio's StreamWriter and capstan's, the same calls and the same torch tensors: the decoded
samples must be equal, and so must the stream layout (codec, sample format, rate, channels) and the length.

torchaudio 0.13 inserts silence when a chunk does not end on the encoder's frame size (the legacy behaviour capstan
fixes), so the lossy cases write whole frames; with those, every deterministic encoder gives equal samples."""

import peer_support as peer  # first: exits with the skip code when torchaudio is missing
from peer_support import Calls, torch


def audio_calls(sample_rate, channels, chunks, format="flt", **stream):
    def setup(s):
        s.add_audio_stream(sample_rate, channels, format, **stream)

    def write(s):
        for chunk in chunks:
            s.write_audio_chunk(0, chunk)

    return Calls(setup, write)


class PeerAudioTest(peer.PeerTestCase):
    def assert_same_audio(self, paths, expected_frames=None):
        layouts = {name: peer.layout(path) for name, path in paths.items()}
        self.assertEqual(layouts["capstan"], layouts["torchaudio"])
        decoded = {name: peer.read_audio(path) for name, path in paths.items()}
        self.assertEqual(decoded["capstan"].shape, decoded["torchaudio"].shape)
        self.assertTrue(torch.equal(decoded["capstan"], decoded["torchaudio"]), "decoded samples differ")
        if expected_frames is not None:
            self.assertEqual(decoded["capstan"].shape[0], expected_frames)
        return decoded["capstan"]

    def test_wav_of_every_input_dtype(self):
        # torchaudio writes pcm_s16le whatever the input (wav's default codec); so does capstan's Python API.
        for format, dtype in [("u8", torch.uint8), ("s16", torch.int16), ("s32", torch.int32), ("flt", torch.float32),
                              ("dbl", torch.float64)]:
            for channels in (1, 2, 4):
                with self.subTest(format=format, channels=channels):
                    x = peer.sine(16000, channels, 16000, dtype)
                    paths = self.write_both(f"{format}-{channels}.wav", audio_calls(16000, channels, [x], format))
                    self.assertEqual(peer.layout(paths["capstan"])[0]["codec_name"], "pcm_s16le")
                    self.assert_same_audio(paths, expected_frames=16000)

    def test_flac_of_float_is_16_bit_as_torchaudio(self):
        x = peer.sine(44100, 2, 44100)
        paths = self.write_both("float.flac", audio_calls(44100, 2, [x]))
        stream = peer.layout(paths["capstan"])[0]
        self.assertEqual((stream["sample_fmt"], stream["bits_per_raw_sample"]), ("s16", "16"))
        decoded = self.assert_same_audio(paths, expected_frames=44100)
        # 16-bit: the float input comes back within one step of 1/32768
        self.assertLess(float((decoded - x).abs().max()), 1.01 / 32768)

    def test_flac_24_bit_when_asked(self):
        x = peer.sine(48000, 2, 48000, torch.int32)
        paths = self.write_both("s32.flac", audio_calls(48000, 2, [x], "s32", encoder_format="s32"))
        self.assertEqual(peer.layout(paths["capstan"])[0]["bits_per_raw_sample"], "24")
        self.assert_same_audio(paths, expected_frames=48000)

    def test_deterministic_lossy_encoders_give_equal_samples(self):
        # (container, encoder, sample rate, frame size): whole frames, in one chunk and in chunks of 3 frames
        cases = [("mp3", "libmp3lame", 44100, 1152), ("opus", "libopus", 48000, 960), ("ogg", "libvorbis", 44100, 1024),
                 ("m4a", "aac", 44100, 1024), ("mp2", "mp2", 44100, 1152), ("ac3", "ac3", 48000, 1536)]
        for ext, encoder, rate, frame_size in cases:
            x = peer.sine(rate, 2, frame_size * 30)
            for chunking, chunks in [("one", [x]), ("frames", list(x.split(frame_size * 3)))]:
                with self.subTest(encoder=encoder, chunking=chunking):
                    paths = self.write_both(f"{encoder}-{chunking}.{ext}", audio_calls(rate, 2, chunks, encoder=encoder))
                    self.assert_same_audio(paths)

    def test_container_default_encoders(self):
        # No encoder named: the container's default, fed the sample format torchaudio picks (s16 for libopus).
        for ext, rate in [("mp3", 44100), ("opus", 48000), ("ogg", 44100), ("m4a", 48000), ("flac", 8000)]:
            with self.subTest(ext=ext):
                x = peer.sine(rate, 1, 46080)  # a multiple of every frame size here
                self.assert_same_audio(self.write_both(f"default.{ext}", audio_calls(rate, 1, [x])))

    def test_to_memory(self):
        # mp3 into io.BytesIO: the tutorial's case, as a migrating user writes it
        x = peer.sine(44100, 2, 1152 * 40)
        paths = self.write_both("memory.mp3", audio_calls(44100, 2, [x]), to_memory=True)
        self.assert_same_audio(paths)
        paths = self.write_both("memory.wav", audio_calls(44100, 2, [x]), to_memory=True)
        self.assert_same_audio(paths, expected_frames=1152 * 40)

    def test_positional_arguments_in_torchaudio_order(self):
        # add_audio_stream(sample_rate, num_channels, format, encoder, encoder_option, encoder_format)
        x = peer.sine(44100, 2, 1152 * 20)

        def setup(s):
            s.add_audio_stream(44100, 2, "flt", "libmp3lame", {"abr": "1"}, "fltp")

        paths = self.write_both("positional.mp3", Calls(setup, lambda s: s.write_audio_chunk(0, x)))
        self.assert_same_audio(paths)

    def test_encoder_option_and_metadata(self):
        x = peer.sine(44100, 1, 1152 * 10)

        def setup(s):
            s.set_metadata({"artist": "first", "title": "dropped"})
            s.set_metadata({"title": "last one wins"})  # torchaudio keeps only the last dict
            s.add_audio_stream(44100, 1, encoder="libmp3lame", encoder_option={"reservoir": "0"})

        paths = self.write_both("tags.mp3", Calls(setup, lambda s: s.write_audio_chunk(0, x)))
        tags = {name: peer.support.probe(p)["format"].get("tags", {}) for name, p in paths.items()}
        self.assertEqual(tags["capstan"].get("title"), "last one wins")
        self.assertNotIn("artist", tags["capstan"])
        self.assertEqual({k: v for k, v in tags["capstan"].items() if k != "encoder"},
                         {k: v for k, v in tags["torchaudio"].items() if k != "encoder"})
        self.assert_same_audio(paths)

    def test_tensor_layouts_and_requires_grad(self):
        # What torch code passes: a transposed (channels, time) tensor, a slice, a tensor that requires grad.
        base = peer.sine(16000, 2, 16000)
        variants = {
            "transposed": base.T.contiguous().T,  # non-contiguous, same values
            "strided": torch.cat([base, base]).view(2, 16000, 2)[0],
            "requires_grad": base.clone().requires_grad_(True),
            "grad_view": (base.clone().requires_grad_(True) * 1.0),
        }
        for name, chunk in variants.items():
            with self.subTest(variant=name):
                paths = self.write_both(f"{name}.wav", audio_calls(16000, 2, [chunk], encoder="pcm_f32le"))
                decoded = self.assert_same_audio(paths, expected_frames=16000)
                self.assertTrue(torch.equal(decoded, base))

    def test_contiguous_tensors_are_not_copied(self):
        s = peer.capstan.StreamWriter(self.path("shared.wav"))
        s.add_audio_stream(16000, 2)
        with s.open():
            s.write_audio_chunk(0, peer.sine(16000, 2, 1600))
            s.write_audio_chunk(0, peer.sine(16000, 2, 3200)[1600:])  # a row slice is contiguous
            s.write_audio_chunk(0, peer.sine(16000, 2, 1600).requires_grad_(True))
            self.assertEqual(s._chunks_copied, 0)
            s.write_audio_chunk(0, peer.sine(16000, 2, 1600).T.contiguous().T)
            self.assertEqual(s._chunks_copied, 1)


if __name__ == "__main__":
    peer.main()

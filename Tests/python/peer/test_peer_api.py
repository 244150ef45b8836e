"""torchaudio's StreamWriter signatures, read from torchaudio itself with inspect, called on capstan: every parameter
of 0.13 positionally in its order and by name, the 2.x additions by name (keyword-only there), the torio-era name."""

import inspect
import io

import peer_support as peer  # first: exits with the skip code when torchaudio is missing
from peer_support import torch

REQUIRED = {"sample_rate": 8000, "num_channels": 2, "frame_rate": 30, "width": 64, "height": 48}


def parameters(method):
    return [p for p in inspect.signature(method).parameters.values() if p.name != "self"]


def arguments(method):
    """Values for every parameter of torchaudio's method: required ones from REQUIRED, the rest their defaults."""
    return [(p.name, REQUIRED[p.name] if p.default is inspect.Parameter.empty else p.default)
            for p in parameters(method)]


class PeerApiTest(peer.PeerTestCase):
    def new(self, ext="mkv"):
        return peer.capstan.StreamWriter(self.path(f"out.{ext}"))

    def test_add_stream_positionally_in_torchaudio_order(self):
        for method in ("add_audio_stream", "add_video_stream"):
            values = [v for _, v in arguments(getattr(peer.TorchaudioWriter, method))]
            with self.subTest(method=method, values=values):
                self.assertEqual(getattr(self.new(), method)(*values), 0)

    def test_add_stream_by_name(self):
        for method in ("add_audio_stream", "add_video_stream"):
            values = dict(arguments(getattr(peer.TorchaudioWriter, method)))
            with self.subTest(method=method, names=sorted(values)):
                self.assertEqual(getattr(self.new(), method)(**values), 0)

    def test_torchaudio_2_keyword_arguments(self):
        # torchaudio 2.x (and torio's StreamingMediaEncoder) added these, keyword-only after `format`.
        s = peer.capstan.StreamingMediaEncoder(self.path("two.mkv"))
        s.add_audio_stream(8000, 1, "flt", encoder="libopus", encoder_option=None, encoder_sample_rate=48000,
                           encoder_num_channels=2, encoder_format="flt",
                           codec_config=peer.capstan.CodecConfig(bit_rate=64000), filter_desc="volume=0.5")
        s.add_video_stream(30, 64, 48, "rgb24", encoder="libx264", encoder_option={"preset": "ultrafast"},
                           encoder_frame_rate=15, encoder_width=32, encoder_height=24, encoder_format="yuv420p",
                           codec_config=peer.capstan.CodecConfig(gop_size=5, max_b_frames=0), filter_desc="hflip",
                           hw_accel=None)
        with s.open():
            s.write_audio_chunk(0, peer.sine(8000, 1, 8000), pts=0.0)
            s.write_video_chunk(1, peer.frames(30, 48, 64), pts=0.0)
        audio, video = peer.layout(self.path("two.mkv"))
        self.assertEqual((audio["codec_name"], audio["sample_rate"], audio["channels"]), ("opus", "48000", 2))
        self.assertEqual((video["width"], video["height"], video["r_frame_rate"]), (32, 24, "15/1"))
        with self.assertRaises(TypeError):  # keyword-only, as in torchaudio 2.x
            self.new().add_audio_stream(8000, 2, "flt", None, None, None, 48000)

    def test_other_methods_take_torchaudio_names(self):
        for method, values in [("__init__", {"dst": self.path("a.wav"), "format": None, "buffer_size": 4096}),
                               ("open", {"option": None}), ("set_metadata", {"metadata": {}}),
                               ("write_audio_chunk", {"i": 0, "chunk": None})]:
            with self.subTest(method=method):
                self.assertEqual([p.name for p in parameters(getattr(peer.TorchaudioWriter, method))], list(values))
        s = peer.capstan.StreamWriter(dst=io.BytesIO(), format="wav", buffer_size=4096)
        s.set_metadata(metadata={"title": "x"})
        s.add_audio_stream(sample_rate=8000, num_channels=2)
        with s.open(option=None) as same:
            self.assertIs(same, s)
            s.write_audio_chunk(i=0, chunk=torch.zeros(10, 2))
        self.assertFalse(s.is_open)

    def test_streaming_media_encoder_is_the_same_class(self):
        self.assertIs(peer.capstan.StreamingMediaEncoder, peer.capstan.StreamWriter)

    def test_codec_config_fields(self):
        config = peer.capstan.CodecConfig(128000, 5, 2, 12, 0)  # torchaudio 2.x's field order
        self.assertEqual((config.bit_rate, config.compression_level, config.qscale, config.gop_size,
                          config.max_b_frames), (128000, 5, 2, 12, 0))


if __name__ == "__main__":
    peer.main()

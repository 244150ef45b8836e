"""Bad calls through torchaudio's StreamWriter and capstan's: where torchaudio raises, capstan must raise an
exception that the same `except` clause catches (an instance of torchaudio's exception type), for a path and for a
file object as destination (torchaudio's two bindings raise differently: RuntimeError from TorchScript for a path,
TypeError from pybind11 for a file object). capstan's own types, capstan.ArgumentTypeError and so on, are both.

Left out, because torchaudio 0.13 crashes the interpreter on them: a write before open() or after close()."""

import io

import peer_support as peer  # first: exits with the skip code when torchaudio is missing
from peer_support import torch

F32 = torch.zeros(100, 2)
U8_VIDEO = torch.zeros(2, 3, 48, 64, dtype=torch.uint8)


def make(cls, dst_kind, tmp, ext="wav"):
    muxer = {"mkv": "matroska"}.get(ext, ext)
    return cls(f"{tmp}/out.{ext}") if dst_kind == "path" else cls(io.BytesIO(), format=muxer)


def open_audio(cls, dst_kind, tmp, **stream):
    s = make(cls, dst_kind, tmp)
    s.add_audio_stream(8000, 2, **stream)
    s.open()
    return s


def open_video(cls, dst_kind, tmp, format="rgb24"):
    s = make(cls, dst_kind, tmp, "mkv")
    s.add_video_stream(30, 64, 48, format)
    s.open()
    return s


# name -> call(writer class, "path" or "fileobj", folder)
CASES = {
    "chunk of the wrong dtype": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, F32.double()),
    "int16 chunk on an flt stream": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, F32.short()),
    "1-D chunk": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, torch.zeros(100)),
    "3-D chunk": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, torch.zeros(100, 2, 1)),
    "wrong channel count": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, torch.zeros(100, 3)),
    "channels first": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, torch.zeros(2, 100)),
    "stream index 1 of 1": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(1, F32),
    "stream index -1": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(-1, F32),
    "float sample rate": lambda c, k, t: make(c, k, t).add_audio_stream(8000.0, 2),
    "float channel count": lambda c, k, t: make(c, k, t).add_audio_stream(8000, 2.0),
    "unknown sample format": lambda c, k, t: make(c, k, t).add_audio_stream(8000, 2, "s24"),
    "planar sample format": lambda c, k, t: make(c, k, t).add_audio_stream(8000, 2, "fltp"),
    "unknown encoder": lambda c, k, t: make(c, k, t).add_audio_stream(8000, 2, encoder="nosuchencoder"),
    "unknown encoder option": lambda c, k, t: make(c, k, t, "mp3").add_audio_stream(
        8000, 2, encoder_option={"nosuchoption": "1"}),
    "unknown muxer": lambda c, k, t: make(c, k, t, "nosuchmuxer").add_audio_stream(8000, 2),
    "video shape": lambda c, k, t: open_video(c, k, t).write_video_chunk(0, U8_VIDEO[..., :60]),
    "3-D video": lambda c, k, t: open_video(c, k, t).write_video_chunk(0, U8_VIDEO[0]),
    "float video": lambda c, k, t: open_video(c, k, t).write_video_chunk(0, U8_VIDEO.float()),
    "4 channels on rgb24": lambda c, k, t: open_video(c, k, t).write_video_chunk(
        0, torch.zeros(2, 4, 48, 64, dtype=torch.uint8)),
    "video chunk on an audio stream": lambda c, k, t: open_audio(c, k, t).write_video_chunk(0, U8_VIDEO),
    "audio chunk on a video stream": lambda c, k, t: open_video(c, k, t).write_audio_chunk(0, F32),
    "hw_accel": lambda c, k, t: make(c, k, t, "mp4").add_video_stream(30, 64, 48, hw_accel="cuda:0"),
    # ...and calls that work on both
    "requires_grad chunk": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, F32.requires_grad_(True)),
    "non-contiguous chunk": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, torch.zeros(2, 100).T),
    "empty chunk": lambda c, k, t: open_audio(c, k, t).write_audio_chunk(0, torch.zeros(0, 2)),
    "open twice": lambda c, k, t: open_audio(c, k, t).open(),
    "close twice": lambda c, k, t: [s.close() for s in [open_audio(c, k, t)] * 2],
    "close before open": lambda c, k, t: make(c, k, t).close(),
}


def outcome(call):
    try:
        call()
        return None
    except Exception as e:  # what is compared is exactly what was raised
        return e


class PeerErrorTest(peer.PeerTestCase):
    def test_same_exception_types(self):
        for dst_kind in ("path", "fileobj"):
            for name, call in CASES.items():
                with self.subTest(case=name, dst=dst_kind):
                    theirs = outcome(lambda: call(peer.TorchaudioWriter, dst_kind, self.dir))
                    ours = outcome(lambda: call(peer.capstan.StreamWriter, dst_kind, self.dir))
                    if theirs is None:
                        self.assertIsNone(ours, f"torchaudio accepts this; capstan raised {ours!r}")
                        continue
                    self.assertIsNotNone(ours, f"torchaudio raised {theirs!r}; capstan accepted it")
                    self.assertIsInstance(ours, type(theirs), f"torchaudio raised {theirs!r}")

    def test_bad_dst_is_a_value_error(self):
        for dst in (42, None, 3.5):
            with self.subTest(dst=dst):
                with self.assertRaises(ValueError):
                    peer.TorchaudioWriter(dst)
                with self.assertRaises(ValueError) as caught:
                    peer.capstan.StreamWriter(dst)
                self.assertIsInstance(caught.exception, TypeError)  # what Python code expects too

    def test_capstan_only_errors_keep_their_types(self):
        # Extensions torchaudio never had keep their types: OutOfRangeError is a ValueError and a capstan.Error.
        s = peer.capstan.StreamWriter(io.BytesIO(), format="wav")
        with self.assertRaises(peer.capstan.OutOfRangeError) as caught:
            s.add_audio_stream(2**40, 2)
        self.assertIsInstance(caught.exception, ValueError)
        self.assertIsInstance(caught.exception, RuntimeError)
        with self.assertRaises(peer.capstan.OutOfRangeError):
            peer.capstan.CodecConfig(bit_rate=-5)


if __name__ == "__main__":
    peer.main()

"""Video through torchaudio's StreamWriter and capstan's, the same calls and the same uint8 NCHW tensors: equal
frames where no chroma is subsampled (raw rgb/bgr/gray/yuv444p, png), and everywhere the same stream layout (codec,
pixel format, size, frame rate, no pixel aspect box), the same frame count and frames close to each other.

Where chroma is subsampled (yuv420p, what libx264, mpeg4 and vp9 get) the two differ by design: capstan's libswscale
rounds accurately and interpolates chroma fully, and torchaudio's bgr24 -> yuv420p is off by up to ~56 levels in U
(test_bgr_to_yuv420p_is_accurate measures both against the BT.601 formula)."""

import peer_support as peer  # first: exits with the skip code when torchaudio is missing
from peer_support import Calls, np, torch


def video_calls(rate, width, height, chunks, format="rgb24", **stream):
    def setup(s):
        s.add_video_stream(rate, width, height, format, **stream)

    def write(s):
        for chunk in chunks:
            s.write_video_chunk(0, chunk)

    return Calls(setup, write)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    mse = float(((a.to(torch.float64) - b.to(torch.float64)) ** 2).mean())
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


class PeerVideoTest(peer.PeerTestCase):
    W, H = 64, 48

    def decoded(self, paths):
        return {name: peer.read_video(path) for name, path in paths.items()}

    def assert_same_layout(self, paths, frames):
        layouts = {name: peer.layout(path) for name, path in paths.items()}
        # avg_frame_rate aside: torchaudio leaves it unset, so Matroska readers estimate it from millisecond
        # timestamps (1000/33 for 30 fps); capstan writes the exact rate. Everything else must be equal.
        for stream in layouts["capstan"]:
            if stream["codec_type"] == "video":
                self.assertEqual(stream["avg_frame_rate"], stream["r_frame_rate"])
        strip = lambda layout: [{k: v for k, v in s.items() if k != "avg_frame_rate"} for s in layout]
        self.assertEqual(strip(layouts["capstan"]), strip(layouts["torchaudio"]))
        counts = {name: int(peer.support.stream_of(peer.support.probe(p, count_frames=True), "video")["nb_read_frames"])
                  for name, p in paths.items()}
        self.assertEqual(counts, {"torchaudio": frames, "capstan": frames})
        return layouts["capstan"]

    def test_lossless_frames_are_equal(self):
        video = peer.frames(12, self.H, self.W)
        cases = [
            ("rgb24", video, dict(encoder="rawvideo", encoder_format="rgb24"), "nut"),
            ("bgr24", video, dict(encoder="rawvideo", encoder_format="bgr24"), "nut"),
            ("rgb24", video, dict(encoder="rawvideo", encoder_format="yuv444p"), "nut"),
            ("yuv444p", video, dict(encoder="rawvideo", encoder_format="yuv444p"), "nut"),
            ("gray8", video[:, :1], dict(encoder="rawvideo", encoder_format="gray8"), "nut"),
            ("rgb24", video, dict(encoder="png"), "mkv"),
        ]
        for format, chunk, stream, ext in cases:
            with self.subTest(format=format, **stream):
                tag = f"{format}-{stream.get('encoder')}-{stream.get('encoder_format')}"
                paths = self.write_both(f"{tag}.{ext}", video_calls(30, self.W, self.H, [chunk], format, **stream))
                self.assert_same_layout(paths, 12)
                decoded = self.decoded(paths)
                self.assertTrue(torch.equal(decoded["capstan"], decoded["torchaudio"]), "decoded frames differ")

    def test_encoders_with_subsampled_chroma(self):
        # Container defaults (libx264 in mp4 and mkv, mpeg4 in avi, vp9 in webm) and ffv1, which torchaudio feeds
        # yuv420p, the first format it lists; capstan's Python API does the same.
        video = peer.frames(30, self.H, self.W)
        for ext, stream in [("mp4", {}), ("mkv", {}), ("avi", {}), ("webm", {}), ("mkv", dict(encoder="ffv1"))]:
            with self.subTest(ext=ext, **stream):
                name = f"default-{stream.get('encoder', 'default')}.{ext}"
                paths = self.write_both(name, video_calls(30, self.W, self.H, [video], **stream))
                layout = self.assert_same_layout(paths, 30)
                self.assertEqual(layout[0]["pix_fmt"], "yuv420p")
                decoded = self.decoded(paths)
                self.assertGreater(psnr(decoded["capstan"], decoded["torchaudio"]), 35)
                # Both lose the same chroma detail (ffv1 alone: ~30 dB on these sharp colour edges); capstan's
                # conversion is never the worse of the two.
                quality = {name: psnr(frames, video) for name, frames in decoded.items()}
                self.assertGreaterEqual(quality["capstan"], quality["torchaudio"] - 0.1, quality)

    def test_no_pixel_aspect_box_in_mp4(self):
        paths = self.write_both("sar.mp4", video_calls(30, self.W, self.H, [peer.frames(5, self.H, self.W)]))
        for name, path in paths.items():
            stream = peer.support.stream_of(peer.support.probe(path), "video")
            self.assertNotIn("sample_aspect_ratio", stream, name)  # ffprobe shows none when the file has none
            with open(path, "rb") as f:
                self.assertNotIn(b"pasp", f.read(), name)

    def test_frame_rates_are_kept(self):
        for rate in (25, 30000 / 1001, 5000 / 167, 10):
            with self.subTest(rate=rate):
                chunk = peer.frames(20, self.H, self.W)
                paths = self.write_both(f"rate-{rate:.4f}.mp4", video_calls(rate, self.W, self.H, [chunk]))
                self.assert_same_layout(paths, 20)
                reader_rates = {name: peer.StreamReader(p).get_src_stream_info(0).frame_rate
                                for name, p in paths.items()}
                self.assertEqual(reader_rates["capstan"], reader_rates["torchaudio"])
                self.assertEqual(reader_rates["capstan"], rate)

    def test_positional_arguments_in_torchaudio_order(self):
        # add_video_stream(frame_rate, width, height, format, encoder, encoder_option, encoder_format, hw_accel)
        chunk = peer.frames(10, self.H, self.W)

        def setup(s):
            s.add_video_stream(30, self.W, self.H, "rgb24", "libx264", {"crf": "0", "threads": "1"}, "yuv444p", None)

        paths = self.write_both("positional.mkv", Calls(setup, lambda s: s.write_video_chunk(0, chunk)))
        layout = self.assert_same_layout(paths, 10)
        self.assertEqual(layout[0]["pix_fmt"], "yuv444p")

    def test_audio_and_video_in_one_file(self):
        audio = peer.sine(48000, 2, 1024 * 47)
        video = peer.frames(30, self.H, self.W)

        def setup(s):
            s.add_audio_stream(48000, 2)
            s.add_video_stream(30, self.W, self.H)

        def write(s):
            s.write_audio_chunk(0, audio)
            s.write_video_chunk(1, video)

        for ext in ("mp4", "mkv"):
            with self.subTest(ext=ext):
                paths = self.write_both(f"av.{ext}", Calls(setup, write))
                layout = self.assert_same_layout(paths, 30)
                self.assertEqual([s["codec_type"] for s in layout], ["audio", "video"])
                decoded = {name: peer.read_audio(p) for name, p in paths.items()}
                self.assertTrue(torch.equal(decoded["capstan"], decoded["torchaudio"]))

    def test_bgr_to_yuv420p_is_accurate(self):
        # The one deliberate difference, measured: each writer's chroma against the BT.601 formula.
        video = peer.frames(4, self.H, self.W)
        paths = self.write_both("bgr.nut", video_calls(30, self.W, self.H, [video], "bgr24", encoder="rawvideo",
                                                      encoder_format="yuv420p"))
        rgb = video[:, [2, 1, 0]].to(torch.float64) / 255
        r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
        u = (128 - 37.797 * r - 74.203 * g + 112.0 * b).reshape(4, self.H // 2, 2, self.W // 2, 2).mean((2, 4))
        errors = {}
        for name, path in paths.items():
            planes = np.frombuffer(peer.support.decode_raw_frames(path, "yuv420p", self.W * self.H * 3 // 2), np.uint8)
            planes = planes.reshape(4, -1)[:, self.W * self.H:self.W * self.H * 5 // 4]
            errors[name] = float((torch.from_numpy(planes.reshape(u.shape).astype(np.float64)) - u).abs().max())
        self.assertLessEqual(errors["capstan"], 1.0, errors)
        print(f"\n  U error against BT.601: {errors}")

    def test_permuted_tensors_are_not_copied(self):
        hwc = peer.frames(4, self.H, self.W).permute(0, 2, 3, 1).contiguous()  # what images are in memory
        s = peer.capstan.StreamWriter(self.path("shared.mkv"))
        s.add_video_stream(30, self.W, self.H, encoder="png")
        with s.open():
            s.write_video_chunk(0, hwc.permute(0, 3, 1, 2))
            s.write_video_chunk(0, hwc.permute(0, 3, 1, 2).requires_grad_(False))
            self.assertEqual(s._chunks_copied, 0)
            s.write_video_chunk(0, hwc.permute(0, 3, 1, 2).contiguous())  # NCHW memory must be transposed
            self.assertEqual(s._chunks_copied, 1)


if __name__ == "__main__":
    peer.main()

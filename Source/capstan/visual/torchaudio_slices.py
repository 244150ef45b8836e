"""The slicing study's third path: torchaudio 0.13's own StreamWriter, writing a signal in slices.

`capstan study slicing` runs this file with Debian's python3 (the text is compiled into the tool, see
TorchaudioSliceEncoder). Usage:

    python3 torchaudio_slices.py probe
    python3 torchaudio_slices.py encode JOBS

`probe` prints torchaudio's version, or exits with 77 and one line saying why torchaudio cannot be imported.
`encode` reads JOBS, one job a line, tab-separated: input (raw mono float32, native byte order), sample rate,
encoder, bit rate (0: no option), slice size (0: all at once), output path. For each job it calls torchaudio.io.StreamWriter the way
the tutorial did: add_audio_stream(rate, 1, "flt", encoder, {"b": bit rate}), open(), write_audio_chunk per slice,
close(). torchaudio 0.13's close() does not drain the encoders, so the writer is left through `with`, as the
tutorial and torchaudio's own tests do. It prints "ok OUTPUT" per job, or exits with 1 and the error."""

import sys

SKIP_CODE = 77


def load_torchaudio():
    try:
        import torch
        import torchaudio
        from torchaudio.io import StreamWriter
    except Exception as e:  # ImportError, or OSError from a library torchaudio links
        print(f"torchaudio is not importable by {sys.executable} ({type(e).__name__}: {e})", file=sys.stderr)
        sys.exit(SKIP_CODE)
    torchaudio.utils.ffmpeg_utils.set_log_level(8)  # errors only: they are raised as exceptions too
    return torch, torchaudio, StreamWriter


def encode(torch, StreamWriter, line):
    source, rate, encoder, bit_rate, slice_size, output = line.rstrip("\n").split("\t")
    rate, slice_size = int(rate), int(slice_size)
    with open(source, "rb") as f:
        samples = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(-1, 1)
    step = slice_size if slice_size > 0 else len(samples)
    writer = StreamWriter(output)
    options = {"b": bit_rate} if int(bit_rate) > 0 else None  # 0: the encoder's default, as torchaudio left it
    writer.add_audio_stream(rate, 1, "flt", encoder, options)
    with writer.open():
        for start in range(0, len(samples), step):
            writer.write_audio_chunk(0, samples[start:start + step])
    print("ok", output, flush=True)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("probe", "encode") or (sys.argv[1] == "encode") != (len(sys.argv) == 3):
        print(__doc__, file=sys.stderr)
        return 2
    torch, torchaudio, StreamWriter = load_torchaudio()
    if sys.argv[1] == "probe":
        print(torchaudio.__version__)
        return 0
    with open(sys.argv[2]) as jobs:
        for line in jobs:
            if line.strip():
                encode(torch, StreamWriter, line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

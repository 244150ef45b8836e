// The Python module `capstan`: a drop-in for torchaudio.io.StreamWriter (removed in torchaudio 2.9) on top of
// capstan::StreamWriter. Same class and argument names, defaults and array shapes; numpy arrays (or anything with
// __array__ / __dlpack__, torch tensors included) instead of torch tensors. See Docs/python.md.

#include "PyStreamWriter.h"

#include <capstan/media/FfmpegLog.h>
#include <capstan/media/StreamConfig.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using capstan::CodecConfig;
using capstan::python::PyStreamWriter;

namespace
{
std::string optionalText(const std::optional<int>& value)
{
    return value ? std::to_string(*value) : "None";
}

std::string describe(const CodecConfig& c)
{
    return "CodecConfig(bit_rate=" + std::to_string(c.bitRate) +
           ", compression_level=" + std::to_string(c.compressionLevel) + ", qscale=" + optionalText(c.qscale) +
           ", gop_size=" + std::to_string(c.gopSize) + ", max_b_frames=" + std::to_string(c.maxBFrames) + ")";
}

bool sameConfig(const CodecConfig& a, const CodecConfig& b)
{
    return a.bitRate == b.bitRate && a.compressionLevel == b.compressionLevel && a.qscale == b.qscale &&
           a.gopSize == b.gopSize && a.maxBFrames == b.maxBFrames;
}

constexpr const char* moduleDoc = R"doc(Capstan: encode audio and video chunks into any FFmpeg format and destination.

``capstan.StreamWriter`` has the API of ``torchaudio.io.StreamWriter`` (removed in torchaudio 2.9): replace
``from torchaudio.io import StreamWriter`` by ``from capstan import StreamWriter`` and pass numpy arrays (or
torch tensors: anything with ``__array__`` or ``__dlpack__``). Errors from FFmpeg and from capstan are
``capstan.Error`` (a ``RuntimeError``); bad arguments are ``ValueError`` / ``TypeError``.
)doc";

constexpr const char* writerDoc = R"doc(StreamWriter(dst, format=None, buffer_size=4096)

Encodes audio/video chunks and writes them to ``dst``.

dst: a file path (str or os.PathLike), a URL FFmpeg can write (rtmp://, udp://, srt://, file:, pipe:) or a
    file-like object with ``write(bytes)``; its ``seek`` is used when it has one and ``seekable()`` is true, so
    containers that rewrite their header (mp4, wav) work with ``io.BytesIO``.
format: the muxer ("mp4", "mp3", "wav", "flv", ...). Default: guessed from the path (or the file object's
    ``name``); a file-like object without a name needs it.
buffer_size: bytes buffered before each call to a file-like object's ``write``.
)doc";

constexpr const char* addAudioDoc = R"doc(Adds an audio stream (before open()); returns its index.

sample_rate, num_channels: of the chunks you will write.
format: the dtype of those chunks: "u8" uint8, "s16" int16, "s32" int32, "s64" int64, "flt" float32 (default),
    "dbl" float64. Chunks are (time, channels) arrays, i.e. interleaved; planar names are refused.
encoder: FFmpeg encoder name ("libmp3lame", "aac", "flac", "libopus"...); default: the container's.
encoder_option: dict of encoder private options, e.g. {"vbr": "on"}. An option the encoder does not know is an error.
encoder_format: sample format fed to the encoder (e.g. "s16p"); default: the input's if the encoder takes it.
encoder_sample_rate, encoder_num_channels: resample / remix (libswresample) before encoding.
codec_config: a capstan.CodecConfig (bit rate, compression level, qscale, GOP, B-frames).
filter_desc: a libavfilter description applied before encoding, e.g. "volume=0.5".
)doc";

constexpr const char* addVideoDoc = R"doc(Adds a video stream (before open()); returns its index.

frame_rate: frames per second, exact: 30, 29.97 (= 30000/1001), fractions.Fraction(30000, 1001) or "30000/1001".
width, height: of the frames you will write.
format: the layout of those frames, uint8 NCHW like torchaudio: "rgb24" (default) / "bgr24" / "yuv444p" as
    (time, 3, height, width), "rgba" / "bgra" / "rgb0" as (time, 4, height, width), "gray8" as
    (time, 1, height, width) or (time, height, width); "yuv420p" / "nv12" as their raw planes,
    (time, height * 3 // 2, width).
encoder, encoder_option, encoder_format ("yuv420p", "yuv422p"...), codec_config, filter_desc: as for audio.
encoder_frame_rate: change the frame rate (fps filter); encoder_width, encoder_height: scale (libswscale).
hw_accel: only None; capstan encodes from CPU memory.
)doc";

constexpr const char* writeAudioDoc = R"doc(Writes audio samples to stream ``i``.

chunk: (time, channels) array whose dtype matches the stream's format (float32 for "flt"). A C-contiguous chunk
    is encoded from its own memory; others are copied once. Any length, as often as needed: the output is the
    same however the samples are split.
pts: the chunk's start in seconds, rounded down to a whole sample (as torchaudio). Later than the end of what
    was written: the gap is filled with silence. Earlier: an error. Default: right after the previous chunk.
)doc";

constexpr const char* writeVideoDoc = R"doc(Writes video frames to stream ``i``.

chunk: uint8 frames in the stream's layout (see add_video_stream), e.g. (time, 3, height, width) for rgb24.
    NCHW is transposed to the packed pixels FFmpeg takes; that is free (no copy) when the array is a transposed
    view of (time, height, width, 3) data, such as ``hwc.transpose(0, 3, 1, 2)`` or ``frame.permute(2, 0, 1)``.
pts: the first frame's time in seconds, rounded down to a whole frame (as torchaudio); the others follow at the
    frame rate. A sequence of one time per frame is accepted too. Times must increase.
)doc";
} // namespace

PYBIND11_MODULE(capstan, m)
{
    m.doc() = moduleDoc;
    m.attr("__version__") = CAPSTAN_VERSION;
    py::register_exception<capstan::Error>(m, "Error", PyExc_RuntimeError);

    // FFmpeg's errors are part of capstan.Error's message; its chatter (x264's statistics...) is off by default.
    capstan::FfmpegLog::install();
    capstan::FfmpegLog::setLevel("quiet");
    m.def("set_ffmpeg_log_level", &capstan::FfmpegLog::setLevel,
          "Sets FFmpeg's log level (printed to stderr): quiet (the default here), panic, fatal, error, warning, "
          "info, verbose, debug.",
          py::arg("level"));

    py::class_<CodecConfig>(m, "CodecConfig",
                            "Common encoder settings, as torchaudio's CodecConfig. -1 (or None) keeps the encoder's "
                            "default.\n\nbit_rate: bits per second. compression_level: e.g. FLAC 0..12. qscale: fixed "
                            "quality (libmp3lame 0 best .. 9). gop_size: frames between key frames. max_b_frames: "
                            "consecutive B-frames.")
        .def(py::init(
                 [](int64_t bitRate, int compressionLevel, std::optional<int> qscale, int gopSize, int maxBFrames) {
                     return CodecConfig{bitRate, compressionLevel, qscale, gopSize, maxBFrames};
                 }),
             py::arg("bit_rate") = -1, py::arg("compression_level") = -1, py::arg("qscale") = py::none(),
             py::arg("gop_size") = -1, py::arg("max_b_frames") = -1)
        .def_readwrite("bit_rate", &CodecConfig::bitRate)
        .def_readwrite("compression_level", &CodecConfig::compressionLevel)
        .def_readwrite("qscale", &CodecConfig::qscale)
        .def_readwrite("gop_size", &CodecConfig::gopSize)
        .def_readwrite("max_b_frames", &CodecConfig::maxBFrames)
        .def("__repr__", &describe)
        .def("__eq__", [](const CodecConfig& a, py::object b)
             { return py::isinstance<CodecConfig>(b) && sameConfig(a, b.cast<const CodecConfig&>()); });

    py::class_<PyStreamWriter>(m, "StreamWriter", writerDoc)
        .def(py::init<py::object, std::optional<std::string>, int>(), py::arg("dst"), py::arg("format") = py::none(),
             py::arg("buffer_size") = 4096)
        .def("add_audio_stream", &PyStreamWriter::addAudioStream, addAudioDoc, py::arg("sample_rate"),
             py::arg("num_channels"), py::arg("format") = "flt", py::kw_only(), py::arg("encoder") = py::none(),
             py::arg("encoder_option") = py::none(), py::arg("encoder_format") = py::none(),
             py::arg("encoder_sample_rate") = py::none(), py::arg("encoder_num_channels") = py::none(),
             py::arg("codec_config") = py::none(), py::arg("filter_desc") = py::none())
        .def("add_video_stream", &PyStreamWriter::addVideoStream, addVideoDoc, py::arg("frame_rate"), py::arg("width"),
             py::arg("height"), py::arg("format") = "rgb24", py::kw_only(), py::arg("encoder") = py::none(),
             py::arg("encoder_option") = py::none(), py::arg("encoder_format") = py::none(),
             py::arg("encoder_frame_rate") = py::none(), py::arg("encoder_width") = py::none(),
             py::arg("encoder_height") = py::none(), py::arg("codec_config") = py::none(),
             py::arg("filter_desc") = py::none(), py::arg("hw_accel") = py::none())
        .def("set_metadata", &PyStreamWriter::setMetadata, "Container metadata (title, artist...), before open().",
             py::arg("metadata"))
        .def(
            "open",
            [](py::object self, py::object option)
            {
                self.cast<PyStreamWriter&>().open(option);
                return self;
            },
            "Opens the destination and writes the header; returns the writer, so `with s.open():` closes it at the "
            "end of the block. `option`: dict of protocol/muxer options (e.g. {\"movflags\": \"+faststart\"}). "
            "Opening an open writer does nothing.",
            py::arg("option") = py::none())
        .def("close", &PyStreamWriter::close,
             "Drains the encoders, writes the trailer and closes the destination. Does nothing if not open.")
        .def("flush", &PyStreamWriter::flush,
             "Pushes buffered bytes to the destination. Unlike torchaudio's, it does not end the streams (that "
             "would change the output depending on when it is called): writing goes on; close() drains.")
        .def("write_audio_chunk", &PyStreamWriter::writeAudioChunk, writeAudioDoc, py::arg("i"), py::arg("chunk"),
             py::arg("pts") = py::none())
        .def("write_video_chunk", &PyStreamWriter::writeVideoChunk, writeVideoDoc, py::arg("i"), py::arg("chunk"),
             py::arg("pts") = py::none())
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__",
             [](PyStreamWriter& self, py::object type, py::object, py::object)
             {
                 self.exitContext(!type.is_none());
                 return false;
             })
        .def_property_readonly("is_open", &PyStreamWriter::isOpen)
        .def_property_readonly("num_streams", &PyStreamWriter::numStreams)
        .def_property_readonly("_chunks_copied", &PyStreamWriter::chunksCopied)
        .def("__repr__", &PyStreamWriter::describe);
}

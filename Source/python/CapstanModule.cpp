// The Python module `capstan`: a drop-in for torchaudio.io.StreamWriter (removed in torchaudio 2.9) on top of
// capstan::StreamWriter. Same class and argument names, defaults and array shapes; numpy arrays (or anything with
// __array__ / __dlpack__, torch tensors included) instead of torch tensors. See Docs/python.md.

#include "PyArguments.h"
#include "PyStreamWriter.h"

#include <capstan/media/Encoder.h>
#include <capstan/media/FfmpegLog.h>
#include <capstan/media/Limits.h>
#include <capstan/media/StreamConfig.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using capstan::CodecConfig;
using capstan::python::PyArguments;
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

/** The module's exception types; the module keeps them alive. */
PyObject* errorType = nullptr;
PyObject* argumentTypeErrorType = nullptr;
PyObject* argumentValueErrorType = nullptr;
PyObject* rangeErrorType = nullptr;
PyObject* destinationErrorType = nullptr;

PyObject* addException(py::module_& m, const char* name, const char* doc, const py::tuple& bases)
{
    PyObject* type = PyErr_NewExceptionWithDoc((std::string("capstan.") + name).c_str(), doc, bases.ptr(), nullptr);
    if (!type)
        throw py::error_already_set();
    m.add_object(name, py::handle(type));
    return type;
}

/** capstan's messages may quote a path that is not UTF-8: never let that turn into a UnicodeDecodeError. */
void raise(PyObject* type, const char* message)
{
    PyErr_SetString(type, PyArguments::printable(message).c_str());
}

/** -1 keeps the encoder's default; the rest is checked as the library checks any stream (Limits.h), per encoder
    when the stream is added. */
int64_t codecSetting(py::handle value, const char* name, int64_t low, int64_t high)
{
    const std::string accepted =
        std::to_string(low) + " .. " + std::to_string(high) + ", or -1 for the encoder's default";
    const int64_t v = PyArguments::integer(value, name, -1, high, accepted);
    if (v != -1 && v < low)
        throw capstan::RangeError(std::string(name) + " " + std::to_string(v) + " is out of range: accepted " +
                                  accepted);
    return v;
}

CodecConfig makeCodecConfig(py::handle bitRate, py::handle compressionLevel, py::handle qscale, py::handle gopSize,
                            py::handle maxBFrames)
{
    namespace limits = capstan::limits;
    CodecConfig config;
    config.bitRate = codecSetting(bitRate, "bit_rate", limits::minBitRate, limits::maxVideoBitRate);
    config.compressionLevel =
        int(codecSetting(compressionLevel, "compression_level", 0, limits::maxGenericCompressionLevel));
    if (!qscale.is_none())
        config.qscale = int(PyArguments::integer(qscale, "qscale", -1, limits::maxGenericQscale,
                                                 "-1 .. " + std::to_string(limits::maxGenericQscale) +
                                                     " (the encoder's own range is checked when the stream is "
                                                     "added), or None for the encoder's default"));
    config.gopSize = int(codecSetting(gopSize, "gop_size", 0, limits::maxGopSize));
    config.maxBFrames = int(codecSetting(maxBFrames, "max_b_frames", 0, limits::maxBFrames));
    capstan::Encoder::checkConfig(config, nullptr, AVMEDIA_TYPE_UNKNOWN);
    return config;
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
``capstan.Error`` (a ``RuntimeError``); bad arguments are ``ValueError`` / ``TypeError``. A number out of its
range is ``capstan.OutOfRangeError``, both a ``ValueError`` and a ``capstan.Error``; its message names the range.
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

PYBIND11_MODULE(_capstan, m)
{
    m.doc() = moduleDoc;
    m.attr("__version__") = CAPSTAN_VERSION;
    // capstan.Error is a RuntimeError, as torchaudio's errors were. Bad arguments get the idiomatic Python type
    // too (TypeError, ValueError) while staying capstan.Error, so `except RuntimeError` code written for
    // torchaudio keeps working. OutOfRangeError is an ArgumentValueError whose message names the range.
    errorType = PyErr_NewExceptionWithDoc("capstan.Error", "A failure reported by capstan or FFmpeg.",
                                          PyExc_RuntimeError, nullptr);
    m.add_object("Error", py::handle(errorType));
    const py::handle error(errorType);
    argumentTypeErrorType =
        addException(m, "ArgumentTypeError", "An argument of the wrong type, e.g. a float64 chunk on an 'flt' stream.",
                     py::make_tuple(error, py::handle(PyExc_TypeError)));
    argumentValueErrorType = addException(
        m, "ArgumentValueError", "An argument of the right type but a wrong value, e.g. a chunk of the wrong shape.",
        py::make_tuple(error, py::handle(PyExc_ValueError)));
    rangeErrorType =
        addException(m, "OutOfRangeError", "A number outside its accepted range; the message names the range.",
                     py::make_tuple(py::handle(argumentValueErrorType)));
    destinationErrorType = addException(
        m, "DestinationError",
        "dst is neither a path, a URL nor a file-like object (a ValueError, as in torchaudio, and a TypeError).",
        py::make_tuple(py::handle(PyExc_TypeError), py::handle(PyExc_ValueError)));
    py::register_exception_translator(
        [](std::exception_ptr thrown)
        {
            try
            {
                if (thrown)
                    std::rethrow_exception(thrown);
            }
            catch (const capstan::RangeError& e)
            {
                raise(rangeErrorType, e.what());
            }
            catch (const capstan::Error& e)
            {
                raise(errorType, e.what());
            }
            catch (const capstan::python::ArgumentTypeError& e)
            {
                raise(argumentTypeErrorType, e.what());
            }
            catch (const capstan::python::ArgumentValueError& e)
            {
                raise(argumentValueErrorType, e.what());
            }
            catch (const capstan::python::DestinationError& e)
            {
                raise(destinationErrorType, e.what());
            }
        });

    // FFmpeg's errors are part of capstan.Error's message; its chatter (x264's statistics...) is off by default.
    capstan::FfmpegLog::install();
    capstan::FfmpegLog::setLevel("quiet");
    m.def("set_ffmpeg_log_level", &capstan::FfmpegLog::setLevel,
          "Sets FFmpeg's log level (printed to stderr): quiet (the default here), panic, fatal, error, warning, "
          "info, verbose, debug.",
          py::arg("level"));

    py::class_<CodecConfig>(m, "CodecConfig",
                            "Common encoder settings, as torchaudio's CodecConfig. -1 (or None) keeps the encoder's "
                            "default; any other value out of its range raises capstan.OutOfRangeError.\n\n"
                            "bit_rate: bits per second, 1000 .. 10_000_000 for audio, .. 1_000_000_000 for video. "
                            "compression_level: e.g. flac 0..12, libopus 0..10. qscale: fixed quality, e.g. "
                            "libmp3lame 0 (best) .. 9, libvorbis -1 .. 10, mpeg4 1 .. 31. gop_size: frames between "
                            "key frames, 0 .. 100000. max_b_frames: consecutive B-frames, 0 .. 16. The encoder's own "
                            "ranges are checked when the stream is added.")
        .def(py::init(&makeCodecConfig), py::arg("bit_rate") = -1, py::arg("compression_level") = -1,
             py::arg("qscale") = py::none(), py::arg("gop_size") = -1, py::arg("max_b_frames") = -1)
        .def_property(
            "bit_rate", [](const CodecConfig& c) { return c.bitRate; },
            [](CodecConfig& c, py::handle v)
            { c.bitRate = makeCodecConfig(v, py::int_(-1), py::none(), py::int_(-1), py::int_(-1)).bitRate; })
        .def_property(
            "compression_level", [](const CodecConfig& c) { return c.compressionLevel; },
            [](CodecConfig& c, py::handle v) {
                c.compressionLevel =
                    makeCodecConfig(py::int_(-1), v, py::none(), py::int_(-1), py::int_(-1)).compressionLevel;
            })
        .def_property(
            "qscale", [](const CodecConfig& c) { return c.qscale; },
            [](CodecConfig& c, py::handle v)
            { c.qscale = makeCodecConfig(py::int_(-1), py::int_(-1), v, py::int_(-1), py::int_(-1)).qscale; })
        .def_property(
            "gop_size", [](const CodecConfig& c) { return c.gopSize; },
            [](CodecConfig& c, py::handle v)
            { c.gopSize = makeCodecConfig(py::int_(-1), py::int_(-1), py::none(), v, py::int_(-1)).gopSize; })
        .def_property(
            "max_b_frames", [](const CodecConfig& c) { return c.maxBFrames; },
            [](CodecConfig& c, py::handle v)
            { c.maxBFrames = makeCodecConfig(py::int_(-1), py::int_(-1), py::none(), py::int_(-1), v).maxBFrames; })
        .def("__repr__", &describe)
        .def("__eq__", [](const CodecConfig& a, py::object b)
             { return py::isinstance<CodecConfig>(b) && sameConfig(a, b.cast<const CodecConfig&>()); });

    py::class_<PyStreamWriter>(m, "StreamWriter", writerDoc)
        .def(py::init<py::object, std::optional<std::string>, py::object>(), py::arg("dst"),
             py::arg("format") = py::none(), py::arg("buffer_size") = 4096)
        .def("add_audio_stream", &PyStreamWriter::addAudioStream, addAudioDoc, py::arg("sample_rate"),
             py::arg("num_channels"), py::arg("format") = "flt", py::arg("encoder") = py::none(),
             py::arg("encoder_option") = py::none(), py::arg("encoder_format") = py::none(), py::kw_only(),
             py::arg("encoder_sample_rate") = py::none(), py::arg("encoder_num_channels") = py::none(),
             py::arg("codec_config") = py::none(), py::arg("filter_desc") = py::none())
        .def("add_video_stream", &PyStreamWriter::addVideoStream, addVideoDoc, py::arg("frame_rate"), py::arg("width"),
             py::arg("height"), py::arg("format") = "rgb24", py::arg("encoder") = py::none(),
             py::arg("encoder_option") = py::none(), py::arg("encoder_format") = py::none(),
             py::arg("hw_accel") = py::none(), py::kw_only(), py::arg("encoder_frame_rate") = py::none(),
             py::arg("encoder_width") = py::none(), py::arg("encoder_height") = py::none(),
             py::arg("codec_config") = py::none(), py::arg("filter_desc") = py::none())
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
        .def("sample_repairs", &PyStreamWriter::sampleRepairs,
             "What was repaired in audio stream `i` so far: NaN and +-Inf written as silence, magnitudes beyond "
             "+60 dBFS clipped (float PCM keeps them). A dict: non_finite_samples, clipped_samples, interval_count "
             "and intervals, a list of (first frame, frames) at the stream's sample rate. No sample value aborts "
             "the process or ends a stream.",
             py::arg("i"))
        .def_property_readonly("is_open", &PyStreamWriter::isOpen)
        .def_property_readonly("num_streams", &PyStreamWriter::numStreams)
        .def_property_readonly("_chunks_copied", &PyStreamWriter::chunksCopied)
        .def("__repr__", &PyStreamWriter::describe);
    // torchaudio 2.1 .. 2.8 (torio) called the class StreamingMediaEncoder.
    m.attr("StreamingMediaEncoder") = m.attr("StreamWriter");
}

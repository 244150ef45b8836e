#include "PyStreamWriter.h"

#include "ChunkArrays.h"
#include "PyArguments.h"

#include <capstan/media/Encoder.h>
#include <capstan/media/Limits.h>

#include <pybind11/stl.h>

#include <climits>
#include <cmath>
#include <functional>

extern "C"
{
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
}

namespace py = pybind11;

namespace capstan::python
{
namespace
{
std::string typeName(py::handle object)
{
    return py::str(py::type::of(object).attr("__name__")).cast<std::string>();
}

/** FFmpeg option values are text; Python callers naturally write numbers and booleans too. */
std::string optionText(py::handle value, const std::string& what, const std::string& key)
{
    if (py::isinstance<py::str>(value))
        return value.cast<std::string>();
    if (py::isinstance<py::bool_>(value))
        return value.cast<bool>() ? "1" : "0";
    if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value))
        return py::str(value).cast<std::string>();
    throw ArgumentTypeError(what + "['" + key + "'] must be a str (or a number), got " + typeName(value));
}

/** A dict (any mapping) of str -> str, in its own order; None is empty. */
std::vector<std::pair<std::string, std::string>> toPairs(py::handle mapping, const std::string& what)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    if (mapping.is_none())
        return pairs;
    if (!py::hasattr(mapping, "items"))
        throw ArgumentTypeError(what + " must be a dict of str to str, got " + typeName(mapping));
    for (const auto item : mapping.attr("items")())
    {
        const auto pair = item.cast<py::tuple>();
        if (!py::isinstance<py::str>(pair[0]))
            throw ArgumentTypeError(what + " keys must be str, got " + typeName(pair[0]));
        const auto key = pair[0].cast<std::string>();
        pairs.emplace_back(key, optionText(pair[1], what, key));
    }
    return pairs;
}

/** 30, 29.97, Fraction(30000, 1001) or "30000/1001" as an exact ratio (29.97 means NTSC's 30000/1001). */
Rational toRational(py::handle rate, const std::string& what)
{
    // Numbers are checked against the frame-rate range first: 1e12 fps is out of range, not "1/0".
    const bool isNumber =
        py::isinstance<py::float_>(rate) || (py::hasattr(rate, "numerator") && py::hasattr(rate, "denominator"));
    if (isNumber && !py::isinstance<py::bool_>(rate))
    {
        const double value = rate.cast<double>();
        const double low = limits::minFrameRate.toDouble();
        if (std::isfinite(value) && value > 0 && (value < low || value > limits::maxFrameRate))
            throw RangeError(what + " " + py::str(rate).cast<std::string>() + " is out of range: accepted " +
                             std::to_string(limits::minFrameRate.num) + "/" + std::to_string(limits::minFrameRate.den) +
                             " (one frame an hour) .. " + std::to_string(limits::maxFrameRate) + " fps");
    }
    try
    {
        if (py::isinstance<py::str>(rate))
            return parseRational(rate.cast<std::string>());
        if (py::isinstance<py::float_>(rate))
            return parseRational(py::repr(rate).cast<std::string>());
        if (isNumber) // int, fractions.Fraction
        {
            const py::int_ num = rate.attr("numerator");
            const py::int_ den = rate.attr("denominator");
            if (num <= py::int_(0) || den <= py::int_(0))
                throw Error(what + " must be positive, got " + py::str(rate).cast<std::string>());
            if (num > py::int_(INT32_MAX) || den > py::int_(INT32_MAX))
                throw RangeError(what + " " + py::str(rate).cast<std::string>() +
                                 " is out of range: numerator and denominator must each be 1 .. 2147483647");
            return {num.cast<int>(), den.cast<int>()};
        }
    }
    catch (const RangeError& error)
    {
        throw RangeError(what + ": " + error.what());
    }
    catch (const Error& error)
    {
        throw ArgumentValueError(what + ": " + error.what());
    }
    throw ArgumentTypeError(what +
                            " must be a number (30, 29.97), a fractions.Fraction or a str such as '30000/1001', "
                            "got " +
                            typeName(rate));
}

/** torchaudio's pts rule: seconds become a whole number of samples (or frames), rounded down; values a hair below
    a boundary (1/3 s at 30 fps is 9.999999999999998 frames) snap to it. Returns the time of that unit again.
    Anything that is not a finite, non-negative number is passed on for capstan to reject with its message. */
double toUnitTime(double seconds, double unitsPerSecond)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return seconds;
    const double units = seconds * unitsPerSecond;
    const double nearest = std::round(units);
    const double whole = std::abs(units - nearest) < 1e-6 ? nearest : std::floor(units);
    return whole / unitsPerSecond;
}

SampleFormat parseInputSampleFormat(const std::string& name)
{
    static const char* const accepted = "u8 (uint8), s16 (int16), s32 (int32), s64 (int64), flt (float32), "
                                        "dbl (float64)";
    SampleFormat format;
    try
    {
        format = parseSampleFormat(name);
    }
    catch (const Error&)
    {
        throw ArgumentValueError("unknown sample format '" + name + "'; accepted: " + accepted);
    }
    // As torchaudio: chunks are (time, channels) arrays, which is the interleaved layout.
    if (isPlanar(format))
        throw ArgumentValueError("sample format '" + name +
                                 "' is planar, but chunks are (time, channels) arrays: use '" +
                                 std::string(toString(toInterleaved(format))) +
                                 "' (to encode planar samples, pass "
                                 "encoder_format='" +
                                 name + "'); accepted: " + accepted);
    return format;
}

PixelFormat parseInputPixelFormat(const std::string& name)
{
    try
    {
        return parsePixelFormat(name);
    }
    catch (const Error& error)
    {
        throw ArgumentValueError(error.what());
    }
}

/** The encoder torchaudio would use: `name`, or the container's default (for wav that is pcm_s16le whatever the
    input, where capstan::StreamWriter alone would store the input's format without loss). Null when there is none:
    adding the stream then reports it in capstan's words. */
const AVCodec* torchaudioEncoder(const std::optional<std::string>& name, const std::string& muxer,
                                 const std::string& destination, AVMediaType type)
{
    const AVOutputFormat* format = av_guess_format(muxer.c_str(), nullptr, nullptr);
    if (!format)
        return nullptr;
    try
    {
        return Encoder::find(name.value_or(""), type, format, destination);
    }
    catch (const Error&)
    {
        return nullptr;
    }
}

/** Sample rates and channel counts: what fits the library's int; the encoder's own limits are checked when the
    stream is added. */
int audioCount(py::handle value, const char* name, const char* unit, bool noneAllowed)
{
    const std::string accepted = "1 .. " + std::to_string(INT_MAX) + " " + unit +
                                 " (the encoder's own limits are checked when the stream is added)" +
                                 (noneAllowed ? ", or None for the input's" : "");
    return int(noneAllowed ? PyArguments::optionalInteger(value, name, 1, INT_MAX, accepted, 0)
                           : PyArguments::integer(value, name, 1, INT_MAX, accepted));
}

int videoDimension(py::handle value, const char* name, bool noneAllowed)
{
    const std::string accepted = "1 .. " + std::to_string(limits::maxVideoDimension) + " pixels" +
                                 (noneAllowed ? ", or None for the input's" : "");
    return int(noneAllowed ? PyArguments::optionalInteger(value, name, 1, limits::maxVideoDimension, accepted, 0)
                           : PyArguments::integer(value, name, 1, limits::maxVideoDimension, accepted));
}
} // namespace

PyStreamWriter::PyStreamWriter(py::object dst, std::optional<std::string> format, py::object bufferSizeObject)
{
    const auto os = py::module_::import("os");
    const std::string muxer = format.value_or("");
    const int bufferSize =
        int(PyArguments::integer(bufferSizeObject, "buffer_size", 1, limits::maxSinkBufferSize,
                                 "1 .. " + std::to_string(limits::maxSinkBufferSize) + " bytes (64 MiB)"));
    if (py::isinstance<py::str>(dst) || py::isinstance<py::bytes>(dst) || py::isinstance(dst, os.attr("PathLike")))
    {
        // The OS's bytes, as open() uses them: a file name that is not UTF-8 works too.
        destination = PyArguments::pathBytes(dst);
        displayName = PyArguments::printable(destination);
        writer = std::make_unique<StreamWriter>(destination, muxer);
        return;
    }
    if (!py::hasattr(dst, "write"))
        throw DestinationError("dst must be a path, a URL, or a file-like object with a write() method; got " +
                               typeName(dst));

    sink = std::make_unique<PythonFileSink>(dst);
    std::string sinkMuxer = muxer;
    const std::string name = sink->fileName();
    // A file opened with open() knows its name: guess the container from it as FFmpeg would for a path.
    if (sinkMuxer.empty() && !name.empty())
        if (const AVOutputFormat* guessed = av_guess_format(nullptr, name.c_str(), nullptr))
            sinkMuxer = guessed->name;
    destination = name.empty() ? "<" + typeName(dst) + ">" : name;
    displayName = PyArguments::printable(destination);
    writer = std::make_unique<StreamWriter>(*sink, sinkMuxer, bufferSize);
}

PyStreamWriter::~PyStreamWriter()
{
    const py::error_scope keepPythonError; // a destructor must not disturb an exception being raised
    if (state == State::open)
    {
        // As Python's own files do: say that a writer was left open (ignored by default, shown with -W default).
        if (PyErr_WarnEx(PyExc_ResourceWarning,
                         "capstan.StreamWriter was not closed; closing it now without reporting errors (call close() "
                         "or use `with s.open():`)",
                         1) < 0)
            PyErr_WriteUnraisable(nullptr);
        try
        {
            py::gil_scoped_release release;
            const std::lock_guard lock(mutex);
            writer->close();
        }
        catch (...)
        {
        }
    }
    writer.reset();
    if (sink)
        sink->takePendingError();
}

void PyStreamWriter::call(const std::function<void()>& fn)
{
    // A Python exception from the file object is what the caller should see; capstan's context becomes a note.
    const auto raisePending = [this](const std::string& note)
    {
        if (auto pending = sink ? sink->takePendingError() : std::nullopt)
        {
            const py::object value = pending->value();
            if (py::hasattr(value, "add_note"))
                value.attr("add_note")("capstan.StreamWriter: " + note);
            throw std::move(*pending);
        }
    };
    try
    {
        py::gil_scoped_release release;
        const std::lock_guard lock(mutex);
        fn();
    }
    catch (const Error& error)
    {
        raisePending(error.what()); // back with the GIL here
        throw;
    }
    // FFmpeg keeps a failed write in its I/O context and may go on: never let that pass silently.
    raisePending("the file object failed while FFmpeg was writing to it; the output is incomplete");
}

int PyStreamWriter::addAudioStream(py::object sampleRateObject, py::object numChannelsObject, const std::string& format,
                                   const std::optional<std::string>& encoder, py::object encoderOption,
                                   const std::optional<std::string>& encoderFormat, py::object encoderSampleRate,
                                   py::object encoderNumChannels, const std::optional<CodecConfig>& codecConfig,
                                   const std::optional<std::string>& filterDesc)
{
    if (state != State::configuring)
        throw Error("add_audio_stream() must be called before open()");
    const int sampleRate = audioCount(sampleRateObject, "sample_rate", "samples per second", false);
    const int numChannels = audioCount(numChannelsObject, "num_channels", "channels", false);
    AudioStreamConfig config;
    config.sampleRate = sampleRate;
    config.numChannels = numChannels;
    config.format = parseInputSampleFormat(format);
    config.encoder = encoder.value_or("");
    config.encoderFormat = encoderFormat.value_or("");
    // torchaudio's choice when encoder_format is not given: the first sample format the encoder lists (s16 for
    // flac and libopus, where capstan::StreamWriter alone keeps float input as 24-bit or float). An explicit
    // encoder_format without an encoder keeps capstan's choice of encoder (pcm_f32le for 'flt' in wav).
    if (!encoderFormat)
        if (const AVCodec* codec = torchaudioEncoder(encoder, writer->formatName(), destination, AVMEDIA_TYPE_AUDIO))
        {
            config.encoder = codec->name;
            if (codec->sample_fmts)
                config.encoderFormat = av_get_sample_fmt_name(codec->sample_fmts[0]);
        }
    config.encoderSampleRate = audioCount(encoderSampleRate, "encoder_sample_rate", "samples per second", true);
    config.encoderNumChannels = audioCount(encoderNumChannels, "encoder_num_channels", "channels", true);
    config.encoderOptions = toPairs(encoderOption, "encoder_option");
    config.codecConfig = codecConfig.value_or(CodecConfig{});
    config.filterDesc = filterDesc.value_or("");

    int index = -1;
    call([&] { index = writer->addAudioStream(config); });
    Stream stream;
    stream.isAudio = true;
    stream.sampleFormat = config.format;
    stream.sampleRate = sampleRate;
    stream.numChannels = numChannels;
    streams.push_back(stream);
    return index;
}

int PyStreamWriter::addVideoStream(py::object frameRate, py::object widthObject, py::object heightObject,
                                   const std::string& format, const std::optional<std::string>& encoder,
                                   py::object encoderOption, const std::optional<std::string>& encoderFormat,
                                   py::object hwAccel, py::object encoderFrameRate, py::object encoderWidth,
                                   py::object encoderHeight, const std::optional<CodecConfig>& codecConfig,
                                   const std::optional<std::string>& filterDesc)
{
    if (!hwAccel.is_none())
    {
        const std::string message =
            "hardware acceleration is not supported: capstan encodes frames from CPU memory (got hw_accel=" +
            py::repr(hwAccel).cast<std::string>() +
            "); pass hw_accel=None and CPU arrays (a hardware encoder can still be chosen with encoder=...)";
        PyErr_SetString(PyExc_NotImplementedError, message.c_str());
        throw py::error_already_set();
    }
    if (state != State::configuring)
        throw Error("add_video_stream() must be called before open()");
    const int width = videoDimension(widthObject, "width", false);
    const int height = videoDimension(heightObject, "height", false);
    VideoStreamConfig config;
    config.frameRate = toRational(frameRate, "frame_rate");
    config.width = width;
    config.height = height;
    config.format = parseInputPixelFormat(format);
    config.encoder = encoder.value_or("");
    config.encoderFormat = encoderFormat.value_or("");
    // As for audio: torchaudio fed the encoder the first pixel format it lists, and left the aspect ratio unset.
    if (!encoderFormat)
        if (const AVCodec* codec = torchaudioEncoder(encoder, writer->formatName(), destination, AVMEDIA_TYPE_VIDEO))
            if (codec->pix_fmts)
                config.encoderFormat = av_get_pix_fmt_name(codec->pix_fmts[0]);
    config.squarePixels = false;
    if (!encoderFrameRate.is_none())
        config.encoderFrameRate = toRational(encoderFrameRate, "encoder_frame_rate");
    config.encoderWidth = videoDimension(encoderWidth, "encoder_width", true);
    config.encoderHeight = videoDimension(encoderHeight, "encoder_height", true);
    config.encoderOptions = toPairs(encoderOption, "encoder_option");
    config.codecConfig = codecConfig.value_or(CodecConfig{});
    config.filterDesc = filterDesc.value_or("");

    int index = -1;
    call([&] { index = writer->addVideoStream(config); });
    Stream stream;
    stream.isAudio = false;
    stream.pixelFormat = config.format;
    stream.frameRate = config.frameRate;
    stream.width = width;
    stream.height = height;
    streams.push_back(stream);
    return index;
}

void PyStreamWriter::setMetadata(py::object metadata)
{
    if (state != State::configuring)
        throw Error("set_metadata() must be called before open()");
    // torchaudio keeps only the last dict (its test_metadata_overwrite checks that); it is applied at open().
    metadataPairs = toPairs(metadata, "metadata");
}

void PyStreamWriter::open(py::object option)
{
    if (state == State::open) // torchaudio: opening an open writer is a no-op
        return;
    const Options options = toPairs(option, "option");
    call(
        [&]
        {
            if (state == State::configuring)
                writer->setMetadata(metadataPairs);
            writer->open(options);
        });
    state = State::open;
}

void PyStreamWriter::close()
{
    if (state != State::open) // torchaudio: closing a writer that is not open is a no-op
        return;
    state = State::closed;
    call([&] { writer->close(); });
}

void PyStreamWriter::flush()
{
    call([&] { writer->flush(); });
}

void PyStreamWriter::exitContext(bool bodyRaised)
{
    if (!bodyRaised)
    {
        close();
        return;
    }
    try
    {
        close(); // still finalizes what was written, so the file plays up to the failure
    }
    catch (...)
    {
        // The exception from the `with` body is the one to see.
    }
}

const PyStreamWriter::Stream& PyStreamWriter::writableStream(py::handle index, bool audio, const char* method,
                                                             int& stream) const
{
    if (state == State::configuring)
        throw Error(std::string(method) + ": cannot write before open(): add the streams, call open() (or use "
                                          "`with s.open():`), then write chunks");
    if (state == State::closed)
        throw Error(std::string(method) + ": cannot write after close(); create a new StreamWriter to write again");
    stream = int(PyArguments::integer(
        index, std::string(method) + ": stream index", 0, static_cast<int64_t>(streams.size()) - 1,
        "0 .. " + std::to_string(streams.size() - 1) + "; this writer has " + std::to_string(streams.size()) +
            " stream(s), numbered from 0 in the order they were added"));
    const Stream& s = streams[static_cast<size_t>(stream)];
    if (s.isAudio != audio)
        throw ArgumentValueError(
            std::string(method) + ": stream " + std::to_string(stream) + " is " +
            (s.isAudio ? "an audio stream; use write_audio_chunk()" : "a video stream; use write_video_chunk()"));
    return s;
}

void PyStreamWriter::writeAudioChunk(py::object index, py::handle chunk, py::object ptsObject)
{
    int stream = 0;
    const Stream& s = writableStream(index, true, "write_audio_chunk", stream);
    const ChunkArray samples =
        audioChunk(chunk, s.sampleFormat, s.numChannels, "write_audio_chunk: stream " + std::to_string(stream));
    copies += samples.copied ? 1 : 0;
    std::optional<double> pts = PyArguments::seconds(ptsObject, "write_audio_chunk: pts");
    if (pts)
        pts = toUnitTime(*pts, s.sampleRate);

    const void* plane = samples.array.data();
    const AudioData data{s.sampleFormat, &plane, 1, samples.length};
    call([&] { writer->writeAudioChunk(stream, data, pts); });
}

void PyStreamWriter::writeVideoChunk(py::object index, py::handle chunk, py::object pts)
{
    int stream = 0;
    const Stream& s = writableStream(index, false, "write_video_chunk", stream);
    const ChunkArray frames =
        videoChunk(chunk, s.pixelFormat, s.width, s.height, "write_video_chunk: stream " + std::to_string(stream));
    copies += frames.copied ? 1 : 0;
    const std::span<const uint8_t> bytes(static_cast<const uint8_t*>(frames.array.data()),
                                         static_cast<size_t>(frames.array.nbytes()));
    const double framesPerSecond = s.frameRate.toDouble();

    if (pts.is_none())
    {
        call([&] { writer->writeVideoChunk(stream, bytes, std::nullopt); });
        return;
    }
    std::optional<double> first;
    try
    {
        // An int too big for a double is out of range, not "one pts per frame".
        first = PyIndex_Check(pts.ptr()) ? PyArguments::seconds(pts, "write_video_chunk: pts")
                                         : pts.cast<double>(); // anything with __float__
        first = toUnitTime(*first, framesPerSecond);
    }
    catch (const py::cast_error&)
    {
    }
    if (first)
    {
        call([&] { writer->writeVideoChunk(stream, bytes, first); });
        return;
    }

    // An extension: one pts per frame (a list or 1-D array), as capstan::StreamWriter takes it.
    const auto wrongPts = []
    { return ArgumentTypeError("write_video_chunk: pts must be None, a number of seconds, or one number per frame"); };
    std::vector<double> framePts;
    try
    {
        for (const auto value : pts)
            framePts.push_back(toUnitTime(value.cast<double>(), framesPerSecond));
    }
    catch (const py::error_already_set&)
    {
        throw wrongPts();
    }
    catch (const py::cast_error&)
    {
        throw wrongPts();
    }
    call([&] { writer->writeVideoChunk(stream, bytes, framePts); });
}

std::string PyStreamWriter::describe() const
{
    const char* states[] = {"configuring", "open", "closed"};
    return "<capstan.StreamWriter dst='" + displayName + "' format='" + writer->formatName() +
           "' streams=" + std::to_string(streams.size()) + " " + states[static_cast<int>(state)] + ">";
}

pybind11::dict PyStreamWriter::sampleRepairs(int index) const
{
    if (index < 0 || index >= numStreams() || !streams[size_t(index)].isAudio)
        throw Error("sample_repairs(" + std::to_string(index) + "): not an audio stream of this writer (it has " +
                    std::to_string(numStreams()) + " stream(s), numbered from 0)");
    pybind11::dict result;
    const SampleRepairs& r = writer->sampleRepairs(index);
    pybind11::list intervals;
    for (const auto& interval : r.intervals)
        intervals.append(pybind11::make_tuple(interval.position, interval.numFrames));
    result["non_finite_samples"] = r.nonFiniteSamples;
    result["clipped_samples"] = r.clippedSamples;
    result["interval_count"] = r.intervalCount;
    result["intervals"] = intervals;
    return result;
}

} // namespace capstan::python

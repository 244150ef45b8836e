// fuzz_parameters: bytes -> the whole parameter surface of StreamWriter (stream configs, encoders and their options,
// codec settings, filter graphs, rates, sizes, pts values, call order) -> add streams, open, write a little, close.
// Only capstan::Error may come out; a crash, another exception, runaway memory (-rss_limit_mb) or time (-timeout)
// is a finding. Lists start with ordinary values so that short inputs describe working cases.

#include "FuzzInput.h"
#include "FuzzSupport.h"

#include <capstan/media/MemorySink.h>
#include <capstan/media/StreamWriter.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace
{
using namespace capstan;
using capstan::fuzz::FuzzInput;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr int intMax = std::numeric_limits<int>::max();
/** CAPSTAN_FUZZ_VERBOSE=1 prints each case as it is built, to turn a reproducer file into a report. */
const bool verbose = std::getenv("CAPSTAN_FUZZ_VERBOSE") != nullptr;

const std::vector<std::string> muxers = {"matroska", "wav",    "flac", "ogg",  "mp3",   "adts", "mp4",          "mov",
                                         "nut",      "mpegts", "webm", "aiff", "au",    "w64",  "opus",         "avi",
                                         "flv",      "ipod",   "null", "",     "bogus", "rtp",  "matroska,webm"};
// Out of scope: output devices (they would play on this machine) and muxers that write further files by name.
const std::vector<std::string> excludedMuxers = {"alsa",       "pulse",
                                                 "sdl",        "sdl2",
                                                 "xv",         "fbdev",
                                                 "oss",        "opengl",
                                                 "v4l2",       "caca",
                                                 "hls",        "segment",
                                                 "ssegment",   "stream_segment",
                                                 "tee",        "image2",
                                                 "dash",       "fifo",
                                                 "fifo_test",  "smoothstreaming",
                                                 "webm_chunk", "webm_dash_manifest"};
const std::vector<int> sampleRates = {
    48000, 44100, 8000,   96000,  192000,     0,      -1,
    1,     7,     384000, 768000, 2000000000, intMax, std::numeric_limits<int>::min()};
const std::vector<int> channelCounts = {2, 1, 6, 8, 0, -1, 3, 9, 16, 64, 255, 1024, intMax};
const std::vector<std::string> layouts = {"",        "stereo", "mono",       "5.1",           "7.1",
                                          "quad",    "FL+FR",  "2 channels", "hexadecagonal", "22.2",
                                          "downmix", "bogus",  "FL+FL",      "0x3",           "0x0"};
const std::vector<SampleFormat> sampleFormats = {SampleFormat::flt, SampleFormat::s16,  SampleFormat::fltp,
                                                 SampleFormat::s32, SampleFormat::dbl,  SampleFormat::u8,
                                                 SampleFormat::s64, SampleFormat::s16p, SampleFormat::dblp,
                                                 SampleFormat::u8p, SampleFormat::s32p, SampleFormat::s64p};
const std::vector<std::string> audioEncoders = {"",          "flac",      "pcm_s16le", "libmp3lame", "aac",   "libopus",
                                                "libvorbis", "alac",      "pcm_f32le", "pcm_s24le",  "mp2",   "ac3",
                                                "wavpack",   "pcm_mulaw", "libx264",   "ffv1",       "bogus", "pcm_u8"};
const std::vector<std::string> sampleFormatNames = {"",   "s16", "flt",  "fltp", "s32",   "dbl",
                                                    "u8", "s64", "s16p", "dblp", "bogus", "yuv420p"};
const std::vector<std::pair<std::string, std::string>> audioOptions = {
    {"compression_level", "5"}, {"vbr", "on"},          {"application", "lowdelay"}, {"frame_duration", "2.5"},
    {"joint_stereo", "1"},      {"lpc_type", "none"},   {"reservoir", "0"},          {"bogus", "1"},
    {"vbr", "nonsense"},        {"cutoff", "-1"},       {"compression_level", "99"}, {"aac_coder", "fast"},
    {"frame_duration", "1e9"},  {"ch_mode", "mid_side"}};
const std::vector<std::string> audioFilters = {"",
                                               "volume=0.5",
                                               "anull",
                                               "aresample=22050",
                                               "atempo=2",
                                               "asetnsamples=7",
                                               "apad=pad_len=100",
                                               "atrim=0:0.01",
                                               "volume=1e39",
                                               "aformat=sample_fmts=s16",
                                               "pan=mono|c0=FL",
                                               "hflip",
                                               "bogus=1",
                                               "anull,anull",
                                               "asplit[a][b]",
                                               "aecho=0.8:0.9:1000:0.3",
                                               ";;",
                                               "amix=inputs=2",
                                               "volume=nan",
                                               "aresample=1"};
const std::vector<int64_t> bitRates = {-1, 128000, 0, 1, 8000, 320000, -5, 1000000000000, INT64_MAX};
const std::vector<int> smallInts = {-1, 0, 5, 1, 12, 100, -100, intMax};
const std::vector<std::optional<int>> qscales = {std::nullopt, 2, 0, 9, -1, 100, intMax};

const std::vector<Rational> frameRates = {{25, 1},       {30000, 1001}, {1, 1},          {0, 1},      {1, 0},
                                          {-1, 1},       {60, 1},       {1000000000, 1}, {intMax, 1}, {1, intMax},
                                          {24000, 1001}, {5, 2},        {intMax, intMax}};
const std::vector<int> sizes = {32, 16, 64, 2, 1, 3, 0, -1, 17, 1920, 4097, 65536, 100000, intMax};
const std::vector<PixelFormat> pixelFormats = {PixelFormat::rgb24, PixelFormat::yuv420p, PixelFormat::gray8,
                                               PixelFormat::bgr24, PixelFormat::rgba,    PixelFormat::bgra,
                                               PixelFormat::rgb0,  PixelFormat::yuv444p, PixelFormat::nv12};
const std::vector<std::string> videoEncoders = {"",       "mpeg4", "ffv1", "libx264", "png",     "rawvideo", "mjpeg",
                                                "libvpx", "gif",   "flac", "bogus",   "libx265", "h264",     "dnxhd"};
const std::vector<std::string> pixelFormatNames = {"",         "yuv420p", "rgb24", "gray", "yuv444p", "nv12",
                                                   "yuvj420p", "pal8",    "bogus", "s16",  "p010le",  "monob"};
const std::vector<std::pair<std::string, std::string>> videoOptions = {{"preset", "ultrafast"},
                                                                       {"crf", "51"},
                                                                       {"tune", "zerolatency"},
                                                                       {"preset", "nonsense"},
                                                                       {"crf", "-5"},
                                                                       {"g", "1"},
                                                                       {"bogus", "1"},
                                                                       {"slices", "1000"},
                                                                       {"x264-params", "bogus=1"},
                                                                       {"qp", "0"}};
const std::vector<std::string> videoFilters = {"",
                                               "hflip",
                                               "scale=8:8",
                                               "fps=1",
                                               "transpose",
                                               "format=gray",
                                               "volume=1",
                                               "bogus",
                                               "split[a][b]",
                                               "crop=1:1",
                                               "scale=0:0",
                                               "pad=4096:4096",
                                               "tpad=stop=2",
                                               "setpts=2*PTS",
                                               "scale=-1:-1",
                                               "trim=end_frame=1",
                                               "null,null"};
const std::vector<std::pair<std::string, std::string>> muxerOptions = {{"movflags", "+faststart"},
                                                                       {"movflags", "+frag_keyframe+empty_moov"},
                                                                       {"bogus", "1"},
                                                                       {"fflags", "+bitexact"},
                                                                       {"max_interleave_delta", "0"},
                                                                       {"write_xing", "0"},
                                                                       {"rf64", "auto"},
                                                                       {"timeout", "-1"},
                                                                       {"movflags", "nonsense"}};
const std::vector<std::optional<double>> ptsValues = {std::nullopt, 0.0, 0.02,         0.5, 1.0,  10.0,  -1.0,
                                                      -1e-9,        1e9, std::nan(""), inf, -inf, 1e300, 5e-324};

Options takeOptions(FuzzInput& input, const std::vector<std::pair<std::string, std::string>>& choices)
{
    Options options;
    for (auto count = input.takeInRange(0, 2); count > 0; --count)
        options.push_back(input.pick(choices));
    if (input.takeInRange(0, 15) == 0)
        options.push_back({input.takeString(16), input.takeString(16)}); // any text at all
    return options;
}

std::string takeName(FuzzInput& input, const std::vector<std::string>& choices)
{
    // Now and then free text instead of a known name: the error must still be a clear one.
    return input.takeInRange(0, 31) == 0 ? input.takeString(24) : input.pick(choices);
}

CodecConfig takeCodecConfig(FuzzInput& input)
{
    return {.bitRate = input.pick(bitRates),
            .compressionLevel = input.pick(smallInts),
            .qscale = input.pick(qscales),
            .gopSize = input.pick(smallInts),
            .maxBFrames = input.pick(smallInts)};
}

AudioStreamConfig takeAudioConfig(FuzzInput& input)
{
    AudioStreamConfig config;
    config.sampleRate = input.pick(sampleRates);
    config.numChannels = input.pick(channelCounts);
    config.channelLayout = takeName(input, layouts);
    config.format = input.pick(sampleFormats);
    config.encoder = takeName(input, audioEncoders);
    if (input.takeBool())
    {
        config.encoderFormat = takeName(input, sampleFormatNames);
        config.encoderSampleRate = input.pick(sampleRates);
        config.encoderNumChannels = input.pick(channelCounts);
        config.encoderOptions = takeOptions(input, audioOptions);
        config.codecConfig = takeCodecConfig(input);
        config.filterDesc = takeName(input, audioFilters);
        config.metadata = takeOptions(input, {{"title", "take"}, {"language", "eng"}, {"", ""}, {"title", ""}});
    }
    return config;
}

VideoStreamConfig takeVideoConfig(FuzzInput& input)
{
    VideoStreamConfig config;
    config.frameRate = input.pick(frameRates);
    config.width = input.pick(sizes);
    config.height = input.pick(sizes);
    config.format = input.pick(pixelFormats);
    config.encoder = takeName(input, videoEncoders);
    if (input.takeBool())
    {
        config.encoderFormat = takeName(input, pixelFormatNames);
        config.encoderFrameRate = input.pick(frameRates);
        config.encoderWidth = input.pick(sizes);
        config.encoderHeight = input.pick(sizes);
        config.encoderOptions = takeOptions(input, videoOptions);
        config.codecConfig = takeCodecConfig(input);
        config.filterDesc = takeName(input, videoFilters);
    }
    return config;
}

/** One stream as the harness added it, so that writes can be shaped to match it (or, now and then, not). */
struct AddedStream
{
    int index = -1; ///< what the writer returned
    bool isAudio = true;
    AudioStreamConfig audio;
    VideoStreamConfig video;
};

// What the harness itself allocates for one write; the writer's own memory is what the fuzzer watches.
constexpr int64_t maxWriteBytes = 8 << 20;

void writeAudio(StreamWriter& writer, FuzzInput& input, int stream, const AudioStreamConfig& config)
{
    const SampleFormat format = input.takeInRange(0, 7) == 0 ? input.pick(sampleFormats) : config.format;
    // Buffers always hold what the stream's channel count asks for (the caller's side of the contract), with room
    // for the widest sample type, so that a writer misreading the format still stays inside them.
    const int numChannels = std::clamp(config.numChannels, 1, 4096);
    const int numPlanes = isPlanar(format) ? numChannels : 1;
    const int64_t samplesPerFrame = isPlanar(format) ? 1 : numChannels;
    const int64_t wanted = config.numChannels > 4096 ? 0 : input.takeInRange(0, 4096);
    const int64_t numFrames = std::min(wanted, maxWriteBytes / (8 * int64_t(numChannels)));

    // A quiet ramp: the values are ordinary (fuzz_float_audio covers the extreme ones).
    std::vector<std::vector<uint8_t>> planes(size_t(numPlanes),
                                             std::vector<uint8_t>(size_t(numFrames * samplesPerFrame) * 8));
    for (auto& plane : planes)
        for (size_t i = 0; i < plane.size(); i += size_t(bytesPerSample(format)))
            if (format == SampleFormat::flt || format == SampleFormat::fltp)
                *reinterpret_cast<float*>(plane.data() + i) = float(i % 200) / 1000.0f;
    std::vector<const void*> pointers;
    for (const auto& plane : planes)
        pointers.push_back(plane.data());
    const auto pts = input.pick(ptsValues);
    if (verbose)
        std::fprintf(stderr, "write audio to stream %d: %lld frames of %s, pts %g\n", stream, (long long)numFrames,
                     std::string(toString(format)).c_str(), pts.value_or(-0.0));
    writer.writeAudioChunk(stream, AudioData{format, pointers.data(), numPlanes, numFrames}, pts);
}

void writeVideo(StreamWriter& writer, FuzzInput& input, int stream, const VideoStreamConfig& config)
{
    const int64_t frameBytes = config.width > 0 && config.height > 0 && config.width <= 8192 && config.height <= 8192
                                   ? bytesPerFrame(config.format, config.width, config.height)
                                   : 16;
    int64_t numFrames = input.takeInRange(0, 3);
    if (frameBytes * numFrames > maxWriteBytes)
        numFrames = 0;
    // Whole frames, or now and then a few bytes too many.
    std::vector<uint8_t> frames(size_t(frameBytes * numFrames + (input.takeInRange(0, 7) == 0 ? 1 : 0)), 0x80);
    if (input.takeBool())
    {
        std::vector<double> framePts;
        for (int64_t i = 0; i < numFrames; ++i)
            framePts.push_back(input.pick(ptsValues).value_or(double(i)));
        writer.writeVideoChunk(stream, frames, framePts);
    }
    else
    {
        writer.writeVideoChunk(stream, frames, input.pick(ptsValues));
    }
}

std::string describe(const Options& options)
{
    std::string text;
    for (const auto& [key, value] : options)
        text += (text.empty() ? "" : ",") + key + "=" + value;
    return "{" + text + "}";
}

void describe(const AudioStreamConfig& c)
{
    std::fprintf(stderr,
                 "audio: rate %d, channels %d, layout '%s', format %s, encoder '%s', encoderFormat '%s', "
                 "encoderRate %d, encoderChannels %d, options %s, bitRate %lld, compression %d, qscale %d, "
                 "filter '%s'\n",
                 c.sampleRate, c.numChannels, c.channelLayout.c_str(), std::string(toString(c.format)).c_str(),
                 c.encoder.c_str(), c.encoderFormat.c_str(), c.encoderSampleRate, c.encoderNumChannels,
                 describe(c.encoderOptions).c_str(), (long long)c.codecConfig.bitRate, c.codecConfig.compressionLevel,
                 c.codecConfig.qscale.value_or(-1), c.filterDesc.c_str());
}

void describe(const VideoStreamConfig& c)
{
    std::fprintf(stderr,
                 "video: rate %d/%d, %dx%d, format %s, encoder '%s', encoderFormat '%s', encoderRate %d/%d, "
                 "encoder size %dx%d, options %s, bitRate %lld, gop %d, bframes %d, qscale %d, filter '%s'\n",
                 c.frameRate.num, c.frameRate.den, c.width, c.height, std::string(toString(c.format)).c_str(),
                 c.encoder.c_str(), c.encoderFormat.c_str(), c.encoderFrameRate.num, c.encoderFrameRate.den,
                 c.encoderWidth, c.encoderHeight, describe(c.encoderOptions).c_str(), (long long)c.codecConfig.bitRate,
                 c.codecConfig.gopSize, c.codecConfig.maxBFrames, c.codecConfig.qscale.value_or(-1),
                 c.filterDesc.c_str());
}

void runCase(FuzzInput& input)
{
    const std::string muxer = takeName(input, muxers);
    if (verbose)
        std::fprintf(stderr, "muxer '%s'\n", muxer.c_str());
    if (std::find(excludedMuxers.begin(), excludedMuxers.end(), muxer) != excludedMuxers.end())
        return;
    MemorySink sink;
    StreamWriter writer(sink, muxer, int(input.pick(std::vector<int64_t>{4096, 1, 0, -1, 65536})));

    std::vector<AddedStream> streams;
    const auto numStreams = input.takeInRange(1, 3);
    for (int64_t i = 0; i < numStreams; ++i)
    {
        AddedStream added;
        added.isAudio = input.takeInRange(0, 3) != 0;
        try
        {
            if (added.isAudio)
            {
                added.audio = takeAudioConfig(input);
                if (verbose)
                    describe(added.audio);
                added.index = writer.addAudioStream(added.audio);
            }
            else
            {
                added.video = takeVideoConfig(input);
                if (verbose)
                    describe(added.video);
                added.index = writer.addVideoStream(added.video);
            }
            streams.push_back(added);
        }
        catch (const capstan::Error& error)
        {
            // A refused stream; the writer must still work with the others.
            if (verbose)
                std::fprintf(stderr, "refused: %s\n", error.what());
        }
    }
    if (input.takeInRange(0, 3) == 0)
        writer.setMetadata({{"title", input.takeString(32)}, {input.takeString(8), "x"}});
    if (input.takeInRange(0, 7) == 0)
        writer.setIoTimeout(input.pick(std::vector<double>{1.0, 0.0, -1.0, std::nan(""), inf}));

    try
    {
        const Options options = takeOptions(input, muxerOptions);
        if (verbose)
            std::fprintf(stderr, "open %s\n", describe(options).c_str());
        writer.open(options);
    }
    catch (const capstan::Error&)
    {
    }

    // A few calls in any order, including ones that are wrong at this point (after close, on a missing stream).
    for (auto count = input.takeInRange(1, 6); count > 0 && !input.isEmpty(); --count)
    {
        try
        {
            const auto op = input.takeInRange(0, 7);
            const AddedStream* target =
                streams.empty() ? nullptr : &streams[size_t(input.takeInRange(0, int64_t(streams.size()) - 1))];
            int index = target ? target->index : 0;
            if (input.takeInRange(0, 15) == 0)
            {
                // An index no stream has: the harness's buffers then fit a mono stream, which must not matter.
                target = nullptr;
                index = input.pick(std::vector<int>{-1, writer.numStreams(), intMax});
            }
            if (op <= 3 && target && target->isAudio)
                writeAudio(writer, input, index, target->audio);
            else if (op <= 3 && target)
                writeVideo(writer, input, index, target->video);
            else if (op <= 3)
                writeAudio(writer, input, index, AudioStreamConfig{.numChannels = 1});
            else if (op == 4)
                writer.flush();
            else if (op == 5)
                writer.addChapter(
                    {input.pick(ptsValues).value_or(0.0), input.pick(ptsValues).value_or(1.0), input.takeString(16)});
            else if (op == 6)
                (void)writer.streamInfo(index);
            else
                writer.close();
        }
        catch (const capstan::Error&)
        {
        }
    }
    try
    {
        writer.close();
    }
    catch (const capstan::Error&)
    {
    }
    (void)writer.bytesWritten();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    capstan::fuzz::silenceFfmpeg();

    FuzzInput input(data, size);
    try
    {
        runCase(input);
    }
    catch (const capstan::Error&)
    {
        // The one accepted way to fail (e.g. an unknown muxer in the constructor).
    }
    return 0;
}

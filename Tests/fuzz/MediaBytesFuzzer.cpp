// fuzz_media_bytes: arbitrary bytes as a media file -> MediaReader decodes audio and video -> StreamWriter encodes
// FLAC (+ FFV1 when there is video) into matroska in memory. Only capstan::Error may come out; every other
// exception, crash, sanitizer report or failed check is a finding.

#include "FuzzSupport.h"
#include "MemoryFile.h"

#include <capstan/media/MediaReader.h>
#include <capstan/media/MemorySink.h>
#include <capstan/media/StreamWriter.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace
{
using namespace capstan;
using capstan::fuzz::fuzzCheck;

// Bound the work per input: a few bytes can declare hours of audio or a huge picture.
constexpr int64_t maxAudioFrames = 1 << 17;
constexpr int audioChunkFrames = 4096;
constexpr int maxVideoFrames = 12;
constexpr int maxVideoSide = 256;

// Demuxers of the containers and streams people record to and read from. Those that open further files or URLs
// named inside the input (hls, concat, dash, image sequences...) are left out: the input alone is the case.
const Options readerOptions = {
    {"format_whitelist", "wav,w64,flac,ogg,mp3,aac,ac3,eac3,mov,matroska,avi,mpegts,mpeg,nut,aiff,au,caf,flv,asf,voc,"
                         "amr,wv,tta,dts,truehd,h264,hevc,m4v,mjpeg,ivf,yuv4mpegpipe,gif,apng,loas,mp4"},
    {"protocol_whitelist", "file"}};

int clampedEven(int value, int lowest, int highest)
{
    return std::clamp(value, lowest, highest) & ~1;
}

void transcode(const std::string& path)
{
    MediaReader reader(path, {}, readerOptions);
    const int audioIndex = reader.bestAudioStream();
    const int videoIndex = reader.bestVideoStream();
    if (audioIndex < 0 && videoIndex < 0)
        return;

    MemorySink sink;
    StreamWriter writer(sink, "matroska");
    int audioStream = -1;
    int videoStream = -1;

    if (audioIndex >= 0)
    {
        const auto& info = reader.streams()[size_t(audioIndex)];
        const AudioReadSpec spec{.format = SampleFormat::flt,
                                 .sampleRate =
                                     info.sampleRate >= 1000 && info.sampleRate <= 384000 ? info.sampleRate : 48000,
                                 .numChannels = info.numChannels >= 1 && info.numChannels <= 8 ? info.numChannels : 2};
        reader.selectAudio(audioIndex, spec);
        audioStream = writer.addAudioStream({.sampleRate = spec.sampleRate,
                                             .numChannels = spec.numChannels,
                                             .format = SampleFormat::flt,
                                             .encoder = "flac"});
    }
    if (videoIndex >= 0)
    {
        const auto& info = reader.streams()[size_t(videoIndex)];
        const VideoReadSpec spec{.format = PixelFormat::yuv420p,
                                 .width = clampedEven(info.width, 16, maxVideoSide),
                                 .height = clampedEven(info.height, 16, maxVideoSide)};
        const double fps = info.frameRate.toDouble();
        reader.selectVideo(videoIndex, spec);
        videoStream = writer.addVideoStream(
            {.frameRate = info.frameRate.isValid() && fps >= 1 && fps <= 120 ? info.frameRate : Rational{25, 1},
             .width = spec.width,
             .height = spec.height,
             .format = spec.format,
             .encoder = "ffv1"});
    }
    writer.open();

    AudioChunk chunk;
    VideoFrame frame;
    int64_t audioFrames = 0;
    int videoFrames = 0;
    bool audioActive = audioStream >= 0;
    bool videoActive = videoStream >= 0;
    while (audioActive || videoActive)
    {
        if (audioActive)
        {
            audioActive = reader.readAudio(audioChunkFrames, chunk) && audioFrames < maxAudioFrames;
            if (audioActive)
            {
                fuzzCheck(chunk.numFrames > 0 && chunk.numFrames <= audioChunkFrames, "readAudio chunk size");
                const auto planes = chunk.planePointers();
                writer.writeAudioChunk(audioStream,
                                       AudioData{chunk.format, planes.data(), int(planes.size()), chunk.numFrames});
                audioFrames += chunk.numFrames;
            }
        }
        if (videoActive)
        {
            videoActive = reader.readVideoFrame(frame) && videoFrames < maxVideoFrames;
            if (videoActive)
            {
                fuzzCheck(int64_t(frame.data.size()) == bytesPerFrame(frame.format, frame.width, frame.height),
                          "readVideoFrame returned a frame of the wrong size");
                writer.writeVideoChunk(videoStream, frame.data);
                ++videoFrames;
            }
        }
    }
    writer.close();
    fuzzCheck(!sink.bytes().empty(), "a closed matroska writer left no bytes");
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static capstan::fuzz::MemoryFile file;
    capstan::fuzz::silenceFfmpeg();

    file.assign({data, size});
    try
    {
        transcode(file.path());
    }
    catch (const capstan::Error&)
    {
        // The one accepted way to fail.
    }
    return 0;
}

#pragma once

#include <capstan/media/Formats.h>
#include <capstan/media/StreamConfig.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace capstan
{

/** When an output writes "<file>.drops.json" beside each file (never for URLs). */
enum class SidecarMode
{
    whenNeeded, ///< once something happened: a drop, a repair, a signal warning, an error (then kept up to date)
    always,     ///< from the moment the file opens
    never
};

/** One destination the Recorder writes to at the same time as the others (e.g. a FLAC master and an MP3 copy).
    Each output is its own StreamWriter on the encoder thread. */
struct OutputSpec
{
    std::string path;          ///< file path or URL; with splitting, segments are named "<stem>-001<ext>", ...
    std::string format;        ///< muxer name; default: guessed from the path's extension
    std::string encoder;       ///< audio encoder, e.g. "flac", "aac", "pcm_f32le"; default: the muxer's default
    std::string encoderFormat; ///< sample format fed to the encoder, e.g. "s16"; default: the writer's choice
    Options encoderOptions;    ///< private encoder options
    CodecConfig codecConfig;
    Options muxerOptions;   ///< extra options for the muxer and protocol (StreamWriter::open)
    bool withVideo = false; ///< also carries the Recorder's video stream (needs RecorderConfig::video)
    SidecarMode sidecar = SidecarMode::whenNeeded; ///< the "<file>.drops.json" beside each file
    /** MP4/MOV: record a fragmented file (playable after a crash) and remux it to an ordinary, seekable MP4 after
        a clean stop. Ignored for other formats. */
    bool crashSafe = true;

    // Network outputs (a URL such as rtmp://, srt://, udp://): each has its own writer thread fed through a bounded
    // queue, so a slow or dead server never holds up the encoder thread or the other outputs.
    double networkQueueSeconds = 4.0;      ///< audio the output's queue holds; beyond it audio is not sent (counted)
    double ioTimeoutSeconds = 5.0;         ///< a network call making no progress this long fails (then: reconnect)
    int reconnectAttempts = -1;            ///< attempts after each failure before giving up; -1 forever, 0 never
    double reconnectDelaySeconds = 1.0;    ///< wait before the first attempt, doubled after each failed one ...
    double reconnectMaxDelaySeconds = 8.0; ///< ... up to this
};

/** The optional video stream: frames come from a producer thread through their own bounded queue. */
struct VideoSpec
{
    bool enabled = false;
    int width = 0;
    int height = 0;
    Rational frameRate{30, 1};
    PixelFormat format = PixelFormat::rgb24;
    std::string encoder;       ///< e.g. "libx264", "mpeg4"; default: the muxer's default
    std::string encoderFormat; ///< e.g. "yuv420p"
    Options encoderOptions;
    CodecConfig codecConfig;
    int queueFrames = 8; ///< frames the bounded queue (and its preallocated pool) holds
};

/** The StreamWriter audio stream of an output: the Recorder's planar float timeline into this output's encoder. */
inline AudioStreamConfig audioStreamConfig(const OutputSpec& spec, int sampleRate, int numChannels)
{
    AudioStreamConfig config;
    config.sampleRate = sampleRate;
    config.numChannels = numChannels;
    config.format = SampleFormat::fltp;
    config.encoder = spec.encoder;
    config.encoderFormat = spec.encoderFormat;
    config.encoderOptions = spec.encoderOptions;
    config.codecConfig = spec.codecConfig;
    return config;
}

/** The StreamWriter video stream of an output that carries the Recorder's video. */
inline VideoStreamConfig videoStreamConfig(const VideoSpec& video)
{
    VideoStreamConfig config;
    config.frameRate = video.frameRate;
    config.width = video.width;
    config.height = video.height;
    config.format = video.format;
    config.encoder = video.encoder;
    config.encoderFormat = video.encoderFormat;
    config.encoderOptions = video.encoderOptions;
    config.codecConfig = video.codecConfig;
    return config;
}

struct RecorderConfig
{
    int sampleRate = 48000;
    int numChannels = 2;
    /** Frames per pool block. Callbacks of any size are packed into blocks; a block is handed to the encoder
        thread when full, so this bounds the hand-off latency (1024 frames = 21 ms at 48 kHz). */
    int blockFrames = 1024;
    double queueSeconds = 2.0;   ///< audio the pool (and queue) can hold while the encoder thread is behind
    double preRollSeconds = 0.0; ///< retroactive audio kept while armed, written at the head of the recording
    double splitSeconds = 0.0;   ///< start a new segment every N seconds of timeline (0: no split)
    int64_t splitBytes = 0;      ///< start a new segment once a segment reaches N bytes (0: no split)
    std::vector<OutputSpec> outputs;
    VideoSpec video;
    /** How long the encoder thread sleeps when both queues are empty. A bounded poll keeps the audio thread free
        of any wake-up syscall; 1 ms is far shorter than the queue (seconds), so it never oversleeps it. */
    std::chrono::microseconds pollInterval{1000};
    /** Flushes every output this often so that a killed process leaves a file playable up to about this point. */
    std::chrono::milliseconds flushInterval{250};
    /** Warns (stats, sidecars; the recording goes on) after this long of digital silence or of a constant value in
        what is written. 0: off. */
    double signalWarningSeconds = 5.0;
};

} // namespace capstan

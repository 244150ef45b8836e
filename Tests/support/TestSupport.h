#pragma once

// Shared helpers for Capstan's tests: per-test output folders, deterministic audio and video generators, and
// decoding/probing with the real FFmpeg command-line tools (`ffmpeg`, `ffprobe`), so that what StreamWriter writes
// is judged by an independent decoder rather than by our own code.

#include <capstan/media/MemorySink.h>
#include <capstan/media/StreamWriter.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace capstan::test
{

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------------------
// Files and folders

/** A fresh folder for the running test: <CAPSTAN_TEST_OUTPUT_DIR>/<test name>[/<subName>]. It is emptied when
    created and kept afterwards, so that a failing test's files can be inspected (and played). */
class TestDir
{
public:
    /** Named after the running Catch2 test case. */
    TestDir();
    /** Named after the running test case plus `subName` (for several folders in one test). */
    explicit TestDir(const std::string& subName);

    const fs::path& path() const { return dir; }
    /** A path inside the folder. */
    fs::path file(const std::string& name) const { return dir / name; }

private:
    fs::path dir;
};

/** The name of the running Catch2 test case, made safe for a file name. */
std::string currentTestFileName();

std::vector<uint8_t> readFileBytes(const fs::path& file);
/** "identical", or a short account of how two byte buffers differ (sizes, first differing offset). Compare with
    CHECK(compareBytes(a, b) == "identical"): a failure then prints one line instead of two whole files. */
std::string compareBytes(std::span<const uint8_t> actual, std::span<const uint8_t> expected);
void writeFileBytes(const fs::path& file, std::span<const uint8_t> bytes);
/** A whole file as text ("" when it cannot be read). */
std::string readFileText(const fs::path& file);

// ---------------------------------------------------------------------------------------------------------------
// Audio signals

enum class Waveform
{
    sine,  ///< channel c at frequency * (c + 1)
    chirp, ///< linear sweep from `frequency` to a quarter of the sample rate; channel c delayed by c ms
    noise  ///< uniform white noise, a different deterministic sequence per channel
};

struct SignalSpec
{
    Waveform waveform = Waveform::sine;
    int sampleRate = 48000;
    int numChannels = 2;
    int64_t numFrames = 48000;
    double frequency = 440.0;
    double amplitude = 0.5; ///< peak, relative to full scale (1.0)
    uint32_t seed = 1;      ///< noise only
};

/** A deterministic signal as interleaved doubles in [-1, 1]. */
std::vector<double> generateSignal(const SignalSpec& spec);

/** Samples held the way a caller of StreamWriter holds them: one SampleFormat, one plane (interleaved) or one
    plane per channel (planar). Integer formats are full scale (u8 offset by 128). */
class AudioBuffer
{
public:
    /** Silence. */
    AudioBuffer(SampleFormat format, int numChannels, int64_t numFrames);

    /** Quantises interleaved doubles (clipped to [-1, 1]) into `format`. */
    static AudioBuffer fromSignal(std::span<const double> interleaved, int numChannels, SampleFormat format);
    static AudioBuffer generate(const SignalSpec& spec, SampleFormat format);

    SampleFormat format() const { return sampleFormat; }
    int numChannels() const { return channels; }
    int64_t numFrames() const { return frames; }
    int numPlanes() const { return static_cast<int>(planes.size()); }

    uint8_t* planeData(int plane) { return planes[size_t(plane)].data(); }
    const uint8_t* planeData(int plane) const { return planes[size_t(plane)].data(); }

    template <typename T>
    T* plane(int index)
    {
        return reinterpret_cast<T*>(planeData(index));
    }
    template <typename T>
    const T* plane(int index) const
    {
        return reinterpret_cast<const T*>(planeData(index));
    }

    /** A view of frames [start, start + count) ready for StreamWriter::writeAudioChunk. It holds its own plane
        pointers, so it stays valid as long as the buffer does. */
    class Chunk
    {
    public:
        const AudioData& data() const
        {
            audioData.planes = pointers.data(); // refreshed here so that copies and moves stay valid
            return audioData;
        }
        operator const AudioData&() const { return data(); }

    private:
        friend class AudioBuffer;
        Chunk() = default;
        std::vector<const void*> pointers;
        mutable AudioData audioData;
    };

    Chunk chunk(int64_t start, int64_t count) const;
    Chunk all() const { return chunk(0, frames); }

    /** The same samples in the other layout (interleaved <-> planar), same element type. */
    AudioBuffer withLayout(bool planar) const;

    /** All samples interleaved as raw little-endian bytes: what `ffmpeg -f s16le` (s32le, f32le...) prints. */
    std::vector<uint8_t> interleavedBytes() const;

    /** One sample as a double in [-1, 1] (integers divided by their full scale). */
    double sample(int channel, int64_t frame) const;

private:
    SampleFormat sampleFormat;
    int channels;
    int64_t frames;
    std::vector<std::vector<uint8_t>> planes;
};

/** Writes `buffer` to an audio stream in chunks of `chunkFrames` samples (0 = everything in one call). With
    `ptsSampleRate`, every chunk is given its pts explicitly: first sample index / ptsSampleRate seconds. */
void writeAudioInChunks(StreamWriter& writer, int stream, const AudioBuffer& buffer, int64_t chunkFrames,
                        std::optional<int> ptsSampleRate = {});

/** Root mean square of samples. */
double rms(std::span<const float> samples);
/** Root mean square of one channel of interleaved samples. */
double rms(std::span<const float> interleaved, int numChannels, int channel);

// ---------------------------------------------------------------------------------------------------------------
// Video frames

/** `numFrames` tightly packed frames (StreamWriter's input layout) of a moving pattern: gradients that scroll, a
    box that travels across the picture, and a little deterministic noise, so that encoders have real work and
    every frame differs. Frame i is the same whatever `firstFrame` the sequence starts at. */
std::vector<uint8_t> generateVideoFrames(PixelFormat format, int width, int height, int numFrames, int firstFrame = 0);

/** Writes `frames` (tightly packed, `frameBytes` each) in chunks of `chunkFrames` (0 = all at once). */
void writeVideoInChunks(StreamWriter& writer, int stream, std::span<const uint8_t> frames, int64_t frameBytes,
                        int64_t chunkFrames);

// ---------------------------------------------------------------------------------------------------------------
// Subprocesses: the FFmpeg command-line tools

struct ProcessResult
{
    int exitCode = -1; ///< -1 when the process could not be started or was killed by a signal
    std::string out;
    std::string err;
};

/** Runs argv[0] (looked up in PATH) with the given arguments, no shell involved; captures stdout and stderr. */
ProcessResult runProcess(const std::vector<std::string>& argv);

/** True when both `ffmpeg` and `ffprobe` run. */
bool haveFfmpegTools();

/** Decodes the first audio stream of `file` with `ffmpeg` into raw samples of `rawFormat` ("s16le", "s32le",
    "f32le", "f64le", "u8"); `outputArgs` go before the output (e.g. {"-ac", "1"}). Throws std::runtime_error with
    ffmpeg's messages when decoding fails. */
std::vector<uint8_t> decodeAudioBytes(const fs::path& file, const std::string& rawFormat,
                                      const std::vector<std::string>& outputArgs = {});

/** decodeAudioBytes as samples: T is int16_t (s16le), int32_t (s32le), float (f32le) or double (f64le). */
template <typename T>
std::vector<T> decodeAudio(const fs::path& file, const std::vector<std::string>& outputArgs = {});

/** Decodes the first video stream of `file` into tightly packed raw frames of `pixelFormat` (FFmpeg's name). */
std::vector<uint8_t> decodeVideoBytes(const fs::path& file, const std::string& pixelFormat,
                                      const std::vector<std::string>& outputArgs = {});

/** key=value fields printed by ffprobe for one section. Tags appear as "TAG:key". */
class ProbeFields
{
public:
    ProbeFields() = default;
    explicit ProbeFields(std::map<std::string, std::string> fieldsIn) : fields(std::move(fieldsIn)) {}

    bool has(const std::string& key) const;
    /** The field's text; throws std::runtime_error listing the fields there are when it is missing. */
    std::string text(const std::string& key) const;
    double number(const std::string& key) const;
    int64_t integer(const std::string& key) const;
    const std::map<std::string, std::string>& all() const { return fields; }
    /** Everything on one line, for INFO/CAPTURE in failing tests. */
    std::string describe() const;

private:
    std::map<std::string, std::string> fields;
};

/** ffprobe's format section (format_name, duration, nb_streams, TAG:title...). */
ProbeFields probeFormat(const fs::path& file);

/** ffprobe's stream section for a stream specifier such as "a:0", "v:0" or "0" (codec_name, sample_rate,
    channels, pix_fmt, width, height, duration, nb_frames, TAG:language...). With `countFrames`, the file is
    decoded and nb_read_frames is filled in. */
ProbeFields probeStream(const fs::path& file, const std::string& streamSpecifier = "a:0", bool countFrames = false);

/** pts_time of every decoded frame of one stream, in presentation order as ffprobe prints them. */
std::vector<double> probeFramePts(const fs::path& file, const std::string& streamSpecifier = "v:0");

/** One field (e.g. "duration_ts", "size", "pts") of every packet of one stream, in file order, as ffprobe prints it. */
std::vector<std::string> probePacketField(const fs::path& file, const std::string& streamSpecifier,
                                          const std::string& field);

/** The container's chapters as ffprobe reads them back: start and end in seconds and the title. */
struct ProbedChapter
{
    double start = 0;
    double end = 0;
    std::string title;
};
std::vector<ProbedChapter> probeChapters(const fs::path& file);

/** A child process with stdout/stderr in files; killed (SIGTERM, then SIGKILL) and reaped when it goes away. Tests
    that send it signals (Ctrl-C, SIGTERM, SIGHUP) read how it ended from wait() and endedBySignal(). */
class ChildProcess
{
public:
    ChildProcess(const std::vector<std::string>& argv, const fs::path& outFile, const fs::path& errFile);
    ~ChildProcess() { terminate(); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool started() const { return pid > 0; }
    const std::string& startError() const { return spawnError; }

    /** The exit code (-1 when killed by a signal), or nothing if it is still running after `timeoutSeconds`. */
    std::optional<int> wait(double timeoutSeconds);
    /** The signal that ended it (0: it exited, or still runs). */
    int endedBySignal() const { return endSignal; }
    void signal(int number);
    /** SIGTERM, then SIGKILL after 3 s; reaped. */
    void terminate();

    std::string out() const { return readFileText(outPath); }
    std::string err() const { return readFileText(errPath); }

private:
    int pid = -1;
    int exitCode = -1;
    int endSignal = 0;
    std::string spawnError;
    fs::path outPath, errPath;
};

/** Runs the built `capstan` tool (CAPSTAN_CLI_PATH) with `args`. */
ProcessResult runCapstan(const std::vector<std::string>& args);

/** Runs the ffmpeg CLI quietly with `args` (e.g. to make an input file); REQUIREs success, shows stderr if not. */
void runFfmpeg(const std::vector<std::string>& args);

/** The first video stream's time base and every decoded frame's pts in it: exact, for i / fps checks in integers. */
struct VideoTiming
{
    int64_t timeBaseNum = 0, timeBaseDen = 1;
    std::vector<int64_t> pts;
};
VideoTiming probeVideoTiming(const fs::path& file);

/** Number of streams of each kind: {"audio": n, "video": m}. */
std::map<std::string, int> probeStreamCounts(const fs::path& file);

} // namespace capstan::test

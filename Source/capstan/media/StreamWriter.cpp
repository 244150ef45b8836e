#include "StreamWriter.h"

#include "AudioOutputStream.h"
#include "Chapters.h"
#include "Encoder.h"
#include "FfmpegLog.h"
#include "Limits.h"
#include "NetworkUrl.h"
#include "SinkIoContext.h"
#include "VideoOutputStream.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

extern "C"
{
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
}

namespace capstan
{
namespace
{
bool isMovFamily(const AVOutputFormat* format)
{
    for (const char* name : {"mp4", "mov", "ipod", "ismv", "3gp", "3g2", "psp", "f4v"})
        if (std::strcmp(format->name, name) == 0)
            return true;
    return false;
}

void initialiseFfmpeg()
{
    static std::once_flag once;
    std::call_once(once, [] { avdevice_register_all(); });
    FfmpegLog::install();
}

/** Network I/O waits at most this long for progress by default (AVIOInterruptCB), so that a dead server cannot
    hang open(), a write or close() forever. */
constexpr double defaultNetworkTimeoutSeconds = 10.0;

bool isOutputDevice(const AVOutputFormat* format)
{
    return format->priv_class != nullptr && AV_IS_OUTPUT_DEVICE(format->priv_class->category);
}

/** The deadline FFmpeg's blocking network calls poll through AVIOInterruptCB (about every 100 ms). Each public
    call re-arms it; interrupt() from any thread ends the wait at once. */
struct InterruptState
{
    std::atomic<bool> interrupted{false};
    std::atomic<bool> fired{false};           ///< the callback told FFmpeg to give up
    std::atomic<int64_t> deadline{INT64_MAX}; ///< steady_clock nanoseconds
    double timeoutSeconds = 0;                ///< 0: no deadline

    static int64_t now()
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    void arm()
    {
        deadline.store(timeoutSeconds > 0 ? now() + int64_t(timeoutSeconds * 1e9) : INT64_MAX,
                       std::memory_order_relaxed);
    }

    static int callback(void* opaque)
    {
        auto* self = static_cast<InterruptState*>(opaque);
        if (self->interrupted.load(std::memory_order_relaxed) || now() > self->deadline.load(std::memory_order_relaxed))
        {
            self->fired.store(true, std::memory_order_relaxed);
            return 1;
        }
        return 0;
    }

    /** Why FFmpeg gave up, when it was us: appended to the error message. */
    std::string reason() const
    {
        if (!fired.load(std::memory_order_relaxed))
            return {};
        if (interrupted.load(std::memory_order_relaxed))
            return " (interrupted: StreamWriter::interrupt() was called)";
        char text[96];
        std::snprintf(text, sizeof(text), " (no progress within the %.3g s I/O timeout; see setIoTimeout())",
                      timeoutSeconds);
        return text;
    }
};

std::string joinKeys(const AVDictionary* dict)
{
    std::string keys;
    for (const AVDictionaryEntry* e = nullptr; (e = av_dict_get(dict, "", e, AV_DICT_IGNORE_SUFFIX));)
        keys += (keys.empty() ? "'" : ", '") + std::string(e->key) + "'";
    return keys;
}

/** Capstan's sentence after a header the muxer refused because a codec cannot go into the container (FFmpeg only
    says "Could not find tag for codec ..."): which codec, and what the container takes instead. */
std::string containerMismatch(const AVFormatContext* context)
{
    for (unsigned i = 0; i < context->nb_streams; ++i)
    {
        const AVCodecParameters* par = context->streams[i]->codecpar;
        if (avformat_query_codec(context->oformat, par->codec_id, FF_COMPLIANCE_NORMAL) != 0)
            continue;
        const std::string muxer = context->oformat->name;
        const std::string takes = Encoder::codecsTakenBy(context->oformat, par->codec_type);
        return "; " + std::string(avcodec_get_name(par->codec_id)) + " cannot go into " + muxer +
               (takes.empty() ? "" : "; " + muxer + " takes " + takes) + " (choose one with `encoder`)";
    }
    return {};
}
} // namespace

class StreamWriter::Impl
{
public:
    Impl(const std::string& dest, const std::string& format) : destination(dest)
    {
        initialiseFfmpeg();

        if (dest.empty())
            throw Error("the destination is empty; give a file path, a URL, or \"-\" for standard output");
        url = dest == "-" ? "pipe:1" : dest;

        const AVOutputFormat* outputFormat = nullptr;
        if (!format.empty())
        {
            outputFormat = av_guess_format(format.c_str(), nullptr, nullptr);
            if (!outputFormat)
                throw Error("unknown muxer '" + format + "'; `capstan muxers` lists the muxers of this FFmpeg build");
        }
        else
        {
            if (dest == "-")
                throw Error("writing to standard output needs a format (e.g. \"wav\", \"mp3\", \"matroska\")");
            // A network scheme implies its muxer (rtmp: flv; srt, udp: mpegts); otherwise the name's extension.
            const std::string schemeMuxer = NetworkUrl::defaultMuxer(dest);
            outputFormat = schemeMuxer.empty() ? av_guess_format(nullptr, url.c_str(), nullptr)
                                               : av_guess_format(schemeMuxer.c_str(), nullptr, nullptr);
            if (!outputFormat)
                throw Error("cannot tell the container format of '" + dest +
                            "' from its name; pass a format (e.g. \"wav\", \"flac\", \"mp4\"; \"flv\" for rtmp://, "
                            "\"mpegts\" for srt:// and udp://, \"hls\" for a .m3u8 playlist)");
        }
        if (NetworkUrl::isNetwork(dest))
            interruptState.timeoutSeconds = defaultNetworkTimeoutSeconds;
        checkFfmpeg(avformat_alloc_output_context2(&context, outputFormat, nullptr, url.c_str()),
                    "cannot create a '" + std::string(outputFormat->name) + "' muxer");
        context->interrupt_callback = {&InterruptState::callback, &interruptState};
    }

    Impl(ByteSink& sink, const std::string& format, int bufferSize) : destination("custom sink")
    {
        initialiseFfmpeg();
        if (bufferSize < 1 || bufferSize > limits::maxSinkBufferSize)
            throw RangeError("buffer size " + std::to_string(bufferSize) + " bytes is out of range: accepted 1 .. " +
                             std::to_string(limits::maxSinkBufferSize) + " (64 MiB)");
        if (format.empty())
            throw Error("a custom sink needs a format (e.g. \"wav\", \"mp3\", \"matroska\"): there is no file name "
                        "to guess it from");
        const AVOutputFormat* outputFormat = av_guess_format(format.c_str(), nullptr, nullptr);
        if (!outputFormat)
            throw Error("unknown muxer '" + format + "'; `capstan muxers` lists the muxers of this FFmpeg build");
        if (outputFormat->flags & AVFMT_NOFILE)
            throw Error("the '" + format + "' muxer writes its own files or devices and cannot use a custom sink");
        sinkIo = std::make_unique<SinkIoContext>(sink, bufferSize);
        checkFfmpeg(avformat_alloc_output_context2(&context, outputFormat, nullptr, nullptr),
                    "cannot create a '" + format + "' muxer");
        context->pb = sinkIo->get();
        context->flags |= AVFMT_FLAG_CUSTOM_IO;
    }

    ~Impl()
    {
        if (state == State::open)
        {
            try
            {
                close();
            }
            catch (...)
            {
                // A destructor cannot report; close() explicitly to see errors.
            }
        }
        releaseStreams();
        if (context && !sinkIo)
            avio_closep(&context->pb);
        avformat_free_context(context);
    }

    void requireConfiguring(const char* what) const
    {
        if (state != State::configuring)
            throw Error(std::string(what) + " must be called before open()");
    }

    int addAudio(const AudioStreamConfig& config)
    {
        requireConfiguring("addAudioStream()");
        streams.push_back({std::make_unique<AudioOutputStream>(context, url, config), nullptr});
        return static_cast<int>(streams.size()) - 1;
    }

    int addVideo(const VideoStreamConfig& config)
    {
        requireConfiguring("addVideoStream()");
        streams.push_back({nullptr, std::make_unique<VideoOutputStream>(context, url, config)});
        return static_cast<int>(streams.size()) - 1;
    }

    void setMetadata(const Metadata& metadata)
    {
        requireConfiguring("setMetadata()");
        for (const auto& [key, value] : metadata)
            av_dict_set(&context->metadata, key.c_str(), value.c_str(), 0);
    }

    void open(const Options& options)
    {
        if (state == State::open)
            throw Error("open() was already called");
        if (state == State::closed)
            throw Error("the writer is closed; create a new StreamWriter to write again");
        if (streams.empty())
            throw Error("add at least one audio or video stream before open()");

        ffmpeg::Dictionary dict;
        bool userSetMovflags = false;
        for (const auto& [key, value] : options)
        {
            dict.set(key.c_str(), value.c_str());
            userSetMovflags = userSetMovflags || key == "movflags";
        }

        // SRT in live mode drops what is still unsent when the socket closes: linger so the stream's end arrives.
        if (NetworkUrl::scheme(destination) == "srt" && !av_dict_get(dict.get(), "linger", nullptr, 0))
            dict.set("linger", "2");
        // A WAV over 4 GiB (3 hours of stereo float at 48 kHz) becomes RF64 (EBU Tech 3306) at close, in space the
        // header reserves as a JUNK chunk; plain RIFF size fields would overflow and most readers stop at 4 GiB.
        if (std::string(context->oformat->name) == "wav" && !av_dict_get(dict.get(), "rf64", nullptr, 0))
            dict.set("rf64", "auto");
        const bool opensOwnFile = !sinkIo && !(context->oformat->flags & AVFMT_NOFILE);
        interruptState.arm();
        if (opensOwnFile)
        {
            const int result =
                avio_open2(&context->pb, url.c_str(), AVIO_FLAG_WRITE, &context->interrupt_callback, dict.address());
            if (result < 0)
            {
                std::string hint;
                if (result == AVERROR_PROTOCOL_NOT_FOUND)
                    hint = " (FFmpeg knows no protocol for this URL; use a file path or file:, pipe:, rtmp://, "
                           "udp://, srt://, tcp://...)";
                else if (NetworkUrl::isNetwork(destination))
                    hint = interruptState.reason() + " (is the server running and reachable?)";
                throw Error("cannot open '" + destination + "' for writing: " + describeFfmpegFailure(result) + hint,
                            result);
            }
            createdFile = avio_find_protocol_name(url.c_str()) == std::string("file");
        }

        // A destination that cannot seek cannot take an ordinary mp4 (its index is written last, at the front):
        // fall back to fragmented mp4, which is streamable.
        if (isMovFamily(context->oformat) && context->pb && !(context->pb->seekable & AVIO_SEEKABLE_NORMAL) &&
            !userSetMovflags)
            dict.set("movflags", "+frag_keyframe+empty_moov+default_base_moof");

        // Reproducible bytes: no random stream serials or UIDs (ogg, matroska). Options may override (fflags).
        context->flags |= AVFMT_FLAG_BITEXACT;

        const int result = avformat_write_header(context, dict.address());
        if (result < 0)
        {
            const std::string reason = describeFfmpegFailure(result) + interruptState.reason() + sinkErrorSuffix() +
                                       containerMismatch(context);
            abortOpen();
            if (isOutputDevice(context->oformat))
                throw Error("cannot open the '" + std::string(context->oformat->name) + "' output device '" +
                                destination + "': " + reason +
                                " (name a device this machine has, e.g. 'default' or 'null' for alsa)",
                            result);
            throw Error("cannot write the '" + std::string(context->oformat->name) + "' header to '" + destination +
                            "': " + reason,
                        result);
        }
        if (dict.count() > 0)
        {
            const std::string keys = joinKeys(dict.get());
            abortOpen();
            throw Error("unknown option " + keys + ": neither the '" + context->oformat->name +
                        "' muxer nor the output protocol knows it (`ffmpeg -h muxer=" + context->oformat->name +
                        "` lists the muxer's options)");
        }
        state = State::open;
    }

    /** Undoes a failed open: closes the file and removes it, so no half-written file is left behind. */
    void abortOpen()
    {
        if (!sinkIo)
            avio_closep(&context->pb);
        if (createdFile)
            std::remove(url.c_str());
        state = State::closed;
    }

    std::string sinkErrorSuffix() const
    {
        return sinkIo && !sinkIo->lastError().empty() ? " (the sink reported: " + sinkIo->lastError() + ")" : "";
    }

    struct Entry
    {
        std::unique_ptr<AudioOutputStream> audio;
        std::unique_ptr<VideoOutputStream> video;
    };

    Entry& writable(int stream, bool audio)
    {
        if (state == State::configuring)
            throw Error("cannot write before open(): add the streams, call open(), then write chunks");
        if (state == State::closed)
            throw Error("cannot write after close(); create a new StreamWriter to write again");
        Entry& entry = at(stream);
        if (audio && !entry.audio)
            throw Error("stream " + std::to_string(stream) + " is a video stream; use writeVideoChunk()");
        if (!audio && !entry.video)
            throw Error("stream " + std::to_string(stream) + " is an audio stream; use writeAudioChunk()");
        return entry;
    }

    Entry& at(int stream)
    {
        if (stream < 0 || stream >= static_cast<int>(streams.size()))
            throw Error("stream index " + std::to_string(stream) + " is out of range; this writer has " +
                        std::to_string(streams.size()) + " stream(s), numbered from 0");
        return streams[static_cast<size_t>(stream)];
    }

    /** Runs a write; a failure leaves the writer unusable for further writes but close() still finalizes. */
    template <typename Fn>
    void guarded(Fn&& fn)
    {
        interruptState.arm();
        try
        {
            fn();
        }
        catch (const Error& e)
        {
            const std::string suffix = sinkErrorSuffix() + interruptState.reason();
            // A failed write to a URL (a server gone or stalled) names the destination, like a failed open.
            const bool ioFailed = !sinkIo && (interruptState.fired.load(std::memory_order_relaxed) ||
                                              (context->pb != nullptr && context->pb->error < 0));
            const std::string prefix = ioFailed && std::string(e.what()).find(destination) == std::string::npos
                                           ? "cannot write to '" + destination + "': "
                                           : "";
            if (e.ffmpegErrorCode() != 0 && (!suffix.empty() || !prefix.empty()))
                throw Error(prefix + e.what() + suffix, e.ffmpegErrorCode());
            throw;
        }
    }

    void addChapter(const Chapter& chapter)
    {
        if (state == State::closed)
            throw Error("addChapter() must be called before close()");
        checkChapter(chapter);
        // Handed to the muxer just before the trailer: matroska ignores chapters added after a header that had some.
        chapters.push_back(chapter);
    }

    void flush()
    {
        if (state != State::open)
            throw Error("flush() needs an open writer");
        if (context->pb)
        {
            interruptState.arm();
            avio_flush(context->pb);
            if (context->pb->error < 0)
                throw Error("cannot write to '" + destination + "': " + ffmpegErrorText(context->pb->error) +
                                sinkErrorSuffix() + interruptState.reason(),
                            context->pb->error);
        }
    }

    void close()
    {
        if (state != State::open)
        {
            state = State::closed;
            return;
        }
        state = State::closed;
        interruptState.arm();
        std::exception_ptr firstError;
        const auto attempt = [&](auto&& fn)
        {
            try
            {
                guarded(fn);
            }
            catch (...)
            {
                if (!firstError)
                    firstError = std::current_exception();
            }
        };
        for (auto& entry : streams)
            attempt([&] { entry.audio ? entry.audio->finish() : entry.video->finish(); });
        attempt(
            [&]
            {
                for (const auto& chapter : chapters)
                    appendChapter(context, chapter);
            });
        // The trailer is written even after an encoder failure: it makes what was written playable.
        attempt([&] { checkFfmpeg(av_write_trailer(context), "cannot finish '" + destination + "'"); });
        if (context->pb)
        {
            avio_flush(context->pb);
            finalBytes = bytesWrittenNow();
            if (context->pb->error < 0 && !firstError)
                firstError = std::make_exception_ptr(Error("cannot write to '" + destination +
                                                           "': " + ffmpegErrorText(context->pb->error) +
                                                           sinkErrorSuffix() + interruptState.reason()));
            if (!sinkIo)
                avio_closep(&context->pb);
        }
        if (firstError)
            std::rethrow_exception(firstError);
    }

    void releaseStreams() { streams.clear(); }

    int64_t bytesWrittenNow() const
    {
        if (sinkIo)
            return sinkIo->bytesWritten();
        return context && context->pb ? context->pb->bytes_written : finalBytes;
    }

    enum class State
    {
        configuring,
        open,
        closed
    };

    std::string destination;
    std::string url;
    AVFormatContext* context = nullptr;
    std::unique_ptr<SinkIoContext> sinkIo;
    std::vector<Entry> streams;
    std::vector<Chapter> chapters;
    State state = State::configuring;
    InterruptState interruptState; ///< the address is FFmpeg's callback argument: Impl never moves
    bool createdFile = false;
    int64_t finalBytes = 0;
};

StreamWriter::StreamWriter(const std::string& destination, const std::string& format)
    : impl(std::make_unique<Impl>(destination, format))
{
}

StreamWriter::StreamWriter(ByteSink& sink, const std::string& format, int bufferSize)
    : impl(std::make_unique<Impl>(sink, format, bufferSize))
{
}

StreamWriter::~StreamWriter() = default;
StreamWriter::StreamWriter(StreamWriter&&) noexcept = default;
StreamWriter& StreamWriter::operator=(StreamWriter&&) noexcept = default;

int StreamWriter::addAudioStream(const AudioStreamConfig& config)
{
    return impl->addAudio(config);
}

int StreamWriter::addVideoStream(const VideoStreamConfig& config)
{
    return impl->addVideo(config);
}

void StreamWriter::setMetadata(const Metadata& metadata)
{
    impl->setMetadata(metadata);
}

void StreamWriter::open(const Options& options)
{
    impl->open(options);
}

bool StreamWriter::isOpen() const
{
    return impl && impl->state == Impl::State::open;
}

void StreamWriter::writeAudioChunk(int stream, const AudioData& data, std::optional<double> pts)
{
    auto& entry = impl->writable(stream, true);
    impl->guarded([&] { entry.audio->write(data, pts); });
}

void StreamWriter::writeVideoChunk(int stream, std::span<const uint8_t> frames, std::optional<double> pts)
{
    auto& entry = impl->writable(stream, false);
    impl->guarded([&] { entry.video->write(frames, pts); });
}

void StreamWriter::writeVideoChunk(int stream, std::span<const uint8_t> frames, std::span<const double> framePts)
{
    auto& entry = impl->writable(stream, false);
    impl->guarded([&] { entry.video->write(frames, framePts); });
}

void StreamWriter::addChapter(const Chapter& chapter)
{
    impl->addChapter(chapter);
}

void StreamWriter::flush()
{
    impl->flush();
}

void StreamWriter::close()
{
    impl->close();
}

int StreamWriter::numStreams() const
{
    return static_cast<int>(impl->streams.size());
}

StreamInfo StreamWriter::streamInfo(int stream) const
{
    const auto& entry = impl->at(stream);
    return entry.audio ? entry.audio->info() : entry.video->info();
}

const SampleRepairs& StreamWriter::sampleRepairs(int stream) const
{
    static const SampleRepairs none; // a video stream repairs nothing
    const auto& entry = impl->at(stream);
    return entry.audio ? entry.audio->repairs() : none;
}

int64_t StreamWriter::bytesWritten() const
{
    return impl->bytesWrittenNow();
}

void StreamWriter::setIoTimeout(double seconds)
{
    if (!(seconds >= 0.0) || !std::isfinite(seconds))
        throw Error("setIoTimeout: the timeout must be a finite number of seconds >= 0 (0: wait forever)");
    impl->interruptState.timeoutSeconds = seconds;
}

double StreamWriter::ioTimeout() const
{
    return impl->interruptState.timeoutSeconds;
}

void StreamWriter::interrupt() noexcept
{
    impl->interruptState.interrupted.store(true, std::memory_order_relaxed);
}

std::string StreamWriter::formatName() const
{
    return impl->context->oformat->name;
}

int64_t StreamWriter::framesOf(int stream, size_t numSamples) const
{
    const auto& entry = impl->at(stream);
    if (!entry.audio)
        throw Error("stream " + std::to_string(stream) + " is a video stream; use writeVideoChunk()");
    const auto channels = static_cast<size_t>(entry.audio->config().numChannels);
    if (numSamples % channels != 0)
        throw Error("interleaved chunk of " + std::to_string(numSamples) +
                    " samples is not a whole number of frames: " + "stream " + std::to_string(stream) + " has " +
                    std::to_string(channels) + " channels, so the length must be a multiple of " +
                    std::to_string(channels));
    return static_cast<int64_t>(numSamples / channels);
}

} // namespace capstan

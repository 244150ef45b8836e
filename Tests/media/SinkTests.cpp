// Custom destinations: sinks without seek, sinks that fail, MemorySink's own behaviour, and flush() as a pure
// I/O flush that never ends a stream.

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>

using namespace capstan;
using namespace capstan::test;

namespace
{

/** Collects bytes in order; cannot seek (a pipe or socket). */
class StreamingSink : public ByteSink
{
public:
    void write(std::span<const uint8_t> bytes) override { data.insert(data.end(), bytes.begin(), bytes.end()); }
    std::vector<uint8_t> data;
};

/** Accepts `limit` bytes, then fails as a full disk would. */
class FailingSink : public ByteSink
{
public:
    explicit FailingSink(size_t limitIn) : limit(limitIn) {}
    void write(std::span<const uint8_t> bytes) override
    {
        if (written + bytes.size() > limit)
            throw std::runtime_error("test sink: disk full");
        written += bytes.size();
    }
    size_t limit;
    size_t written = 0;
};

AudioStreamConfig stereo(int rate, SampleFormat format, std::string encoder)
{
    AudioStreamConfig config;
    config.sampleRate = rate;
    config.numChannels = 2;
    config.format = format;
    config.encoder = std::move(encoder);
    return config;
}

AudioBuffer sineSeconds(double seconds, int rate = 48000, SampleFormat format = SampleFormat::flt)
{
    SignalSpec spec;
    spec.sampleRate = rate;
    spec.numFrames = int64_t(seconds * rate);
    return AudioBuffer::generate(spec, format);
}

} // namespace

TEST_CASE("Sink: mp4 into a sink without seek is streamable and complete, or refused clearly", "[sink][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = sineSeconds(2.0);
    StreamingSink sink;
    bool refused = false;
    std::string refusal;
    try
    {
        StreamWriter writer(sink, "mp4");
        const int stream = writer.addAudioStream(stereo(48000, SampleFormat::flt, "aac"));
        writer.open();
        writeAudioInChunks(writer, stream, audio, 4800);
        writer.close();
    }
    catch (const Error& e)
    {
        refused = true;
        refusal = e.what();
    }

    // ByteSink.h documents the fragmented-mp4 fallback: that is what must happen.
    INFO("refused with: " << refusal);
    REQUIRE_FALSE(refused);
    const fs::path file = dir.file("streamed.mp4");
    writeFileBytes(file, sink.data);
    REQUIRE(sink.data.size() > 1000);
    const auto format = probeFormat(file);
    INFO(format.describe());
    CHECK(format.text("format_name").find("mp4") != std::string::npos);
    CHECK(format.number("duration") == Approx(2.0).margin(1024.0 / 48000));
    const auto decoded = decodeAudio<float>(file);
    CHECK(double(decoded.size() / 2) == Approx(96000).margin(2048));
    // Fragmented: a movie fragment box is present (a plain mp4 needs to seek back to write its moov).
    const std::string bytes(sink.data.begin(), sink.data.end());
    CHECK(bytes.find("moof") != std::string::npos);
}

TEST_CASE("Sink: wav into a sink without seek still decodes to the full length, or is refused clearly", "[sink][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = sineSeconds(1.0, 48000, SampleFormat::s16);
    StreamingSink sink;
    try
    {
        StreamWriter writer(sink, "wav");
        const int stream = writer.addAudioStream(stereo(48000, SampleFormat::s16, "pcm_s16le"));
        writer.open();
        writeAudioInChunks(writer, stream, audio, 1000);
        writer.close();
    }
    catch (const Error& e)
    {
        // A refusal is acceptable only if it says why.
        INFO(e.what());
        CHECK_THAT(e.what(), Catch::Contains("seek", Catch::CaseSensitive::No));
        return;
    }
    const fs::path file = dir.file("streamed.wav");
    writeFileBytes(file, sink.data);
    const auto decoded = decodeAudio<int16_t>(file);
    CHECK(decoded.size() == size_t(48000 * 2));
    CHECK(compareBytes(decodeAudioBytes(file, "s16le"), audio.interleavedBytes()) == "identical");
}

TEST_CASE("Sink: a sink that throws gives a capstan::Error, not a crash", "[sink][media]")
{
    const auto audio = sineSeconds(3.0, 48000, SampleFormat::s16);
    for (const size_t limit : {size_t(0), size_t(100), size_t(50000)})
    {
        INFO("sink fails after " << limit << " bytes");
        FailingSink sink(limit);
        std::string message;
        try
        {
            StreamWriter writer(sink, "flac", 1024);
            const int stream = writer.addAudioStream(stereo(48000, SampleFormat::s16, "flac"));
            writer.open();
            writeAudioInChunks(writer, stream, audio, 4800);
            writer.close();
        }
        catch (const Error& e)
        {
            message = e.what();
        }
        INFO("message: " << message);
        REQUIRE(!message.empty()); // thrown as capstan::Error (anything else escapes and fails the test)
        // The sink's own reason is passed on.
        CHECK_THAT(message, Catch::Contains("disk full"));
    }
}

TEST_CASE("Sink: a writer that failed on its sink can be destroyed and its errors seen once", "[sink][media]")
{
    FailingSink sink(5000);
    const auto audio = sineSeconds(1.0, 48000, SampleFormat::s16);
    auto writer = std::make_unique<StreamWriter>(sink, "wav", 512);
    const int stream = writer->addAudioStream(stereo(48000, SampleFormat::s16, "pcm_s16le"));
    writer->open();
    CHECK_THROWS_AS(writeAudioInChunks(*writer, stream, audio, 1000), Error);
    // Later calls keep reporting a clear error (or close cleanly); nothing crashes, and the destructor is safe.
    try
    {
        writer->close();
    }
    catch (const Error&)
    {
    }
    CHECK_NOTHROW(writer.reset());
}

TEST_CASE("Sink: MemorySink seeks and overwrites like a file", "[sink][media]")
{
    MemorySink sink;
    const std::string abcdef = "abcdef";
    sink.write(std::span(reinterpret_cast<const uint8_t*>(abcdef.data()), abcdef.size()));
    CHECK(sink.size() == 6);
    CHECK(sink.canSeek());

    CHECK(sink.seek(2, SEEK_SET) == 2);
    const std::string xy = "XY";
    sink.write(std::span(reinterpret_cast<const uint8_t*>(xy.data()), xy.size()));
    CHECK(std::string(sink.bytes().begin(), sink.bytes().end()) == "abXYef");
    CHECK(sink.size() == 6);

    CHECK(sink.seek(-1, SEEK_CUR) == 3);
    CHECK(sink.seek(0, SEEK_END) == 6);
    sink.write(std::span(reinterpret_cast<const uint8_t*>(xy.data()), xy.size()));
    CHECK(std::string(sink.bytes().begin(), sink.bytes().end()) == "abXYefXY");

    // Past the end: the gap reads as zeros, as in a sparse file.
    CHECK(sink.seek(10, SEEK_SET) == 10);
    sink.write(std::span(reinterpret_cast<const uint8_t*>(xy.data()), 1));
    REQUIRE(sink.size() == 11);
    CHECK(sink.bytes()[8] == 0);
    CHECK(sink.bytes()[9] == 0);
    CHECK(sink.bytes()[10] == 'X');

    CHECK_THROWS_AS(sink.seek(-1, SEEK_SET), Error);

    const auto released = sink.release();
    CHECK(released.size() == 11);
}

TEST_CASE("Sink: wav and mp4 written to a MemorySink equal the same written to a file", "[sink][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = sineSeconds(1.5);
    // Both muxers seek back at the end (RIFF sizes; mp4's moov and mdat size), so this exercises MemorySink::seek.
    for (const std::string format : {"wav", "mp4"})
    {
        const auto config = stereo(48000, SampleFormat::flt, format == "wav" ? "pcm_f32le" : "aac");
        const fs::path file = dir.file("file." + format);
        {
            StreamWriter writer(file.string());
            const int stream = writer.addAudioStream(config);
            writer.open();
            writeAudioInChunks(writer, stream, audio, 1000);
            writer.close();
        }
        MemorySink sink;
        {
            StreamWriter writer(sink, format);
            const int stream = writer.addAudioStream(config);
            writer.open();
            writeAudioInChunks(writer, stream, audio, 1000);
            writer.close();
        }
        INFO(format);
        CHECK(compareBytes(sink.bytes(), readFileBytes(file)) == "identical");
    }
}

TEST_CASE("Sink: flush() mid-stream pushes bytes out and keeps the stream going", "[sink][media]")
{
    REQUIRE(haveFfmpegTools());
    const TestDir dir;
    const auto audio = sineSeconds(3.0);
    struct Case
    {
        std::string extension;
        std::string encoder;
    };
    for (const Case& c :
         {Case{"flac", "flac"}, Case{"mp3", "libmp3lame"}, Case{"m4a", "aac"}, Case{"ogg", "libvorbis"}})
    {
        INFO(c.encoder);
        const auto config = stereo(48000, SampleFormat::flt, c.encoder);
        const fs::path plain = dir.file("plain." + c.extension);
        {
            StreamWriter writer(plain.string());
            const int stream = writer.addAudioStream(config);
            writer.open();
            writeAudioInChunks(writer, stream, audio, 4800);
            writer.close();
        }

        const fs::path flushed = dir.file("flushed." + c.extension);
        {
            StreamWriter writer(flushed.string());
            const int stream = writer.addAudioStream(config);
            writer.open();
            const int64_t half = audio.numFrames() / 2;
            for (int64_t start = 0; start < audio.numFrames(); start += 4800)
            {
                writer.writeAudioChunk(stream, audio.chunk(start, std::min<int64_t>(4800, audio.numFrames() - start)));
                if (start + 4800 == half)
                {
                    writer.flush();
                    // An I/O flush: what the writer handed over is on disk now (the file can be copied mid-take).
                    CHECK(writer.bytesWritten() > 0);
                    CHECK(int64_t(fs::file_size(flushed)) == writer.bytesWritten());
                    writer.flush(); // twice in a row is harmless
                }
            }
            writer.close();
        }
        CHECK(compareBytes(readFileBytes(flushed), readFileBytes(plain)) == "identical");
    }
}

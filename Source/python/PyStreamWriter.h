#pragma once

#include "PythonFileSink.h"

#include <capstan/media/StreamWriter.h>

#include <pybind11/pybind11.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace capstan::python
{

/** What the Python class `capstan.StreamWriter` does: torchaudio's StreamWriter semantics (names, defaults,
    open()/close() idempotence, array shapes) on top of capstan::StreamWriter.

    Every call into capstan::StreamWriter runs with the GIL released (encoding can take a while) and under a mutex
    (capstan::StreamWriter is used from one thread at a time; two Python threads might call in at once). */
class PyStreamWriter
{
public:
    PyStreamWriter(pybind11::object dst, std::optional<std::string> format, int bufferSize);
    ~PyStreamWriter();

    int addAudioStream(int sampleRate, int numChannels, const std::string& format,
                       const std::optional<std::string>& encoder, pybind11::object encoderOption,
                       const std::optional<std::string>& encoderFormat, std::optional<int> encoderSampleRate,
                       std::optional<int> encoderNumChannels, const std::optional<CodecConfig>& codecConfig,
                       const std::optional<std::string>& filterDesc);

    int addVideoStream(pybind11::object frameRate, int width, int height, const std::string& format,
                       const std::optional<std::string>& encoder, pybind11::object encoderOption,
                       const std::optional<std::string>& encoderFormat, pybind11::object encoderFrameRate,
                       std::optional<int> encoderWidth, std::optional<int> encoderHeight,
                       const std::optional<CodecConfig>& codecConfig, const std::optional<std::string>& filterDesc,
                       pybind11::object hwAccel);

    void setMetadata(pybind11::object metadata);
    void open(pybind11::object option);
    void close();
    void flush();
    void writeAudioChunk(int stream, pybind11::handle chunk, std::optional<double> pts);
    void writeVideoChunk(int stream, pybind11::handle chunk, pybind11::object pts);

    /** Closes on leaving a `with` block. After an exception in the block, close() errors are not raised over it. */
    void exitContext(bool bodyRaised);

    bool isOpen() const { return state == State::open; }
    int numStreams() const { return static_cast<int>(streams.size()); }
    /** How many chunks had to be copied to get capstan's memory layout (a diagnostic; 0 when all were shared). */
    int64_t chunksCopied() const { return copies; }
    std::string describe() const;

private:
    struct Stream
    {
        bool isAudio = true;
        SampleFormat sampleFormat = SampleFormat::flt;
        int sampleRate = 0;
        int numChannels = 0;
        PixelFormat pixelFormat = PixelFormat::rgb24;
        Rational frameRate;
        int width = 0;
        int height = 0;
    };

    enum class State
    {
        configuring,
        open,
        closed
    };

    /** Runs `fn` on the StreamWriter with the GIL released; a Python exception raised by the file object during it
        is raised again as itself (with capstan's context as a note) rather than as a plain capstan error. */
    void call(const std::function<void()>& fn);

    const Stream& writableStream(int stream, bool audio, const char* method) const;

    std::string destination;
    std::unique_ptr<PythonFileSink> sink; // declared before `writer`: it must outlive it
    std::unique_ptr<StreamWriter> writer;
    std::vector<Stream> streams;
    State state = State::configuring;
    int64_t copies = 0;
    std::mutex mutex;
};

} // namespace capstan::python

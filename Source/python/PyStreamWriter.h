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
    PyStreamWriter(pybind11::object dst, std::optional<std::string> format, pybind11::object bufferSize);
    ~PyStreamWriter();

    // Integers arrive as Python objects: a value too big for C++ gets a range error, not pybind's TypeError.
    int addAudioStream(pybind11::object sampleRate, pybind11::object numChannels, const std::string& format,
                       const std::optional<std::string>& encoder, pybind11::object encoderOption,
                       const std::optional<std::string>& encoderFormat, pybind11::object encoderSampleRate,
                       pybind11::object encoderNumChannels, const std::optional<CodecConfig>& codecConfig,
                       const std::optional<std::string>& filterDesc);

    int addVideoStream(pybind11::object frameRate, pybind11::object width, pybind11::object height,
                       const std::string& format, const std::optional<std::string>& encoder,
                       pybind11::object encoderOption, const std::optional<std::string>& encoderFormat,
                       pybind11::object hwAccel, pybind11::object encoderFrameRate, pybind11::object encoderWidth,
                       pybind11::object encoderHeight, const std::optional<CodecConfig>& codecConfig,
                       const std::optional<std::string>& filterDesc);

    void setMetadata(pybind11::object metadata);
    void open(pybind11::object option);
    void close();
    void flush();
    void writeAudioChunk(pybind11::object stream, pybind11::handle chunk, pybind11::object pts);
    void writeVideoChunk(pybind11::object stream, pybind11::handle chunk, pybind11::object pts);

    /** Closes on leaving a `with` block. After an exception in the block, close() errors are not raised over it. */
    void exitContext(bool bodyRaised);

    bool isOpen() const { return state == State::open; }
    int numStreams() const { return static_cast<int>(streams.size()); }
    /** What was repaired in audio stream `i` so far (NaN/Inf written as silence, magnitudes beyond +60 dBFS
        clipped), as a dict; positions in frames of the stream's input rate. */
    pybind11::dict sampleRepairs(int index) const;
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

    /** The stream `index` names, checked: open, in range, of the right kind. */
    const Stream& writableStream(pybind11::handle index, bool audio, const char* method, int& stream) const;

    std::string destination;              ///< bytes, as the OS takes them
    std::string displayName;              ///< the destination as valid UTF-8, for messages and repr
    std::unique_ptr<PythonFileSink> sink; // declared before `writer`: it must outlive it
    std::unique_ptr<StreamWriter> writer;
    std::vector<Stream> streams;
    Metadata metadataPairs; ///< set_metadata's last dict, given to the writer at open()
    State state = State::configuring;
    int64_t copies = 0;
    std::mutex mutex;
};

} // namespace capstan::python

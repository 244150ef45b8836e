#pragma once

#include "FfmpegHandles.h"
#include "Formats.h"

#include <string>
#include <vector>

namespace capstan
{

/** MediaReader's audio path after the decoder: converts decoded frames to one sample format, rate and channel count
    with libswresample and buffers them in an AVAudioFifo, from which chunks of any size are read.

    The output side is fixed by the first frame (or by what was asked for); when the input's format, rate or
    channels change mid-stream, the old converter is drained and a new one takes over. */
class AudioReadConverter
{
public:
    /** `format`: the output sample format; `sampleRate`, `numChannels`: 0 keeps the first frame's. `source`
        names the input in error messages. */
    AudioReadConverter(std::string source, SampleFormat format, int sampleRate, int numChannels);
    ~AudioReadConverter();

    AudioReadConverter(const AudioReadConverter&) = delete;
    AudioReadConverter& operator=(const AudioReadConverter&) = delete;

    /** Converts one decoded frame into the FIFO. */
    void push(const AVFrame* frame);
    /** Pushes what the resampler still holds (at the end of the stream). */
    void drain();

    /** Samples per channel ready to read. */
    int64_t available() const;
    /** Moves `numFrames` (at most available()) into `planes` (one per channel when planar, else one). */
    void read(void** planes, int numFrames);

    /** Known once the first frame was pushed. */
    int outputRate() const { return outRate; }
    int outputChannels() const { return outLayout.nb_channels; }

private:
    void setUp(const AVFrame* frame);
    void resample(const uint8_t** in, int inFrames);

    std::string source;
    SampleFormat format;
    int requestedRate;
    int requestedChannels;
    ffmpeg::SwrPtr swr;
    ffmpeg::AudioFifoPtr fifo;
    AVChannelLayout inLayout{};
    AVChannelLayout outLayout{};
    int inRate = 0;
    int outRate = 0;
    int inFormat = -1;
    bool passThrough = false;
    std::vector<std::vector<uint8_t>> scratch;
};

} // namespace capstan

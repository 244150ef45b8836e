#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace capstan
{

class Recorder;

/** Audio input from a real device through JUCE (ALSA first, then JACK), feeding a Recorder.

    The JUCE side is a thin juce::AudioIODeviceCallback whose only work on the audio thread is
    Recorder::pushAudio() (plus a frame budget, so a recording stops at an exact length); it is the device's own
    callback, so no JUCE lock sits between the driver and the recorder either. The header is JUCE-free.

    The device is opened in the constructor, so its actual sample rate, block size and channel count are known
    before the Recorder is configured: Capstan records at the rate the device runs at (a device that cannot run at
    the requested rate is not an error; the caller reports the difference). */
class DeviceInput
{
public:
    struct Request
    {
        std::string name; ///< empty: the first input that opens (ALSA's default first, then JACK)
        int sampleRate = 48000;
        int numChannels = 2;
        int blockFrames = 512;
    };

    /** Opens the input; throws capstan::Error naming what was looked for and which inputs exist. */
    explicit DeviceInput(const Request& request);
    ~DeviceInput();
    DeviceInput(const DeviceInput&) = delete;
    DeviceInput& operator=(const DeviceInput&) = delete;

    std::string typeName() const; ///< "ALSA", "JACK"
    std::string deviceName() const;
    int sampleRate() const;  ///< what the device actually runs at
    int blockFrames() const; ///< its current buffer size
    int numChannels() const; ///< active input channels

    /** Starts the callbacks into `recorder` (armed or recording). After `maxFrames` frames (negative: no limit) the
        callback stops pushing. */
    void start(Recorder& recorder, int64_t maxFrames = -1);

    /** Frames handed to the recorder so far (any thread). */
    int64_t framesDelivered() const noexcept;

    /** True once the device reported an error or stopped by itself; the message says why (control thread). */
    bool hasFailed() const noexcept;
    std::string failure() const;

    /** Stops the callbacks and closes the device; safe to call twice. */
    void stop();

    /** One line per device type: its input devices, or why it has none. */
    static std::string describeInputs();

private:
    struct Impl;
    std::unique_ptr<Impl> impl;
};

} // namespace capstan

#include "DeviceInput.h"
#include "DeviceList.h"
#include "JackMessages.h"

#include <capstan/media/Error.h>
#include <capstan/realtime/Recorder.h>

#include <juce_audio_devices/juce_audio_devices.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <limits>
#include <vector>

namespace juce
{
// JUCE's own step of its message loop (juce_linux_Messaging.cpp); the public loop needs JUCE_MODAL_LOOPS_PERMITTED.
bool dispatchNextMessageOnSystemQueue(bool returnIfNoPendingMessages);
} // namespace juce

namespace capstan
{

namespace
{
/** The thin adapter: the device's callback. On the audio thread it zeroes the outputs (none are opened, but a
    device type may still pass some) and calls Recorder::pushAudio — nothing that allocates, locks or logs. The
    frame budget and counter are relaxed atomics with a single writer (the audio thread). */
class RecorderCallback final : public juce::AudioIODeviceCallback
{
public:
    Recorder* recorder = nullptr;
    std::atomic<int64_t> framesLeft{std::numeric_limits<int64_t>::max()};
    std::atomic<int64_t> delivered{0};
    std::atomic<bool> failed{false};

    void audioDeviceIOCallbackWithContext(const float* const* inputs, int numInputs, float* const* outputs,
                                          int numOutputs, int numFrames,
                                          const juce::AudioIODeviceCallbackContext&) override
    {
        for (int i = 0; i < numOutputs; ++i)
            if (outputs[i] != nullptr)
                juce::FloatVectorOperations::clear(outputs[i], numFrames);
        const int64_t left = framesLeft.load(std::memory_order_relaxed);
        const int frames = int(std::min<int64_t>(numFrames, left));
        if (frames <= 0 || recorder == nullptr)
            return;
        recorder->pushAudio(inputs, numInputs, frames);
        framesLeft.store(left - frames, std::memory_order_relaxed);
        delivered.store(delivered.load(std::memory_order_relaxed) + frames, std::memory_order_relaxed);
    }

    void audioDeviceAboutToStart(juce::AudioIODevice*) override {}
    void audioDeviceStopped() override {}

    // Only a flag here (this may run on the audio thread): the control thread asks the device for its message.
    void audioDeviceError(const juce::String&) override { failed.store(true, std::memory_order_release); }
};

/** ALSA's `null` PCM accepts any rate and is not paced (hours of "input" in seconds): never a default input. */
bool isUnpaced(const juce::String& name)
{
    return name == "null" || name.containsIgnoreCase("Discard all samples");
}

juce::String quotedList(const juce::StringArray& names)
{
    juce::StringArray quoted;
    for (const auto& name : names)
        quoted.add("'" + name + "'");
    return quoted.joinIntoString(", ");
}

/** ALSA first (the jack PCM reaches a JACK server through it, too), then JACK, then anything else JUCE offers. */
std::vector<juce::AudioIODeviceType*> scannedTypes(juce::AudioDeviceManager& manager)
{
    std::vector<juce::AudioIODeviceType*> ordered;
    auto& types = manager.getAvailableDeviceTypes();
    for (const char* preferred : {"ALSA", "JACK"})
        for (auto* type : types)
            if (type->getTypeName() == preferred)
                ordered.push_back(type);
    for (auto* type : types)
        if (std::find(ordered.begin(), ordered.end(), type) == ordered.end())
            ordered.push_back(type);
    for (auto* type : ordered)
        type->scanForDevices();
    return ordered;
}

std::string describe(const std::vector<juce::AudioIODeviceType*>& types)
{
    juce::StringArray parts;
    for (auto* type : types)
    {
        const auto names = type->getDeviceNames(true);
        if (!names.isEmpty())
            parts.add(type->getTypeName() + " offers " + quotedList(names));
        else if (type->getTypeName() == "JACK")
            parts.add("JACK offers none (no JACK server running)");
        else
            parts.add(type->getTypeName() + " offers none");
    }
    if (parts.isEmpty())
        return "this build has no audio device types";
    return parts.joinIntoString("; ").toStdString();
}

} // namespace

struct DeviceInput::Impl
{
    juce::ScopedJuceInitialiser_GUI juceInit; // a MessageManager for JUCE's device classes; no display involved
    juce::AudioDeviceManager manager;
    std::unique_ptr<juce::AudioIODevice> device;
    juce::String typeName;
    RecorderCallback callback;
    bool started = false;

    juce::String tryOpen(juce::AudioIODeviceType& type, const juce::String& name, const Request& request)
    {
        std::unique_ptr<juce::AudioIODevice> candidate(type.createDevice({}, name));
        if (candidate == nullptr)
            return "cannot be created";
        juce::BigInteger inputs;
        inputs.setRange(0, request.numChannels, true);
        const auto error = candidate->open(inputs, {}, request.sampleRate, request.blockFrames);
        if (error.isNotEmpty())
        {
            juce::StringArray rates;
            for (const double rate : candidate->getAvailableSampleRates())
                rates.add(juce::String(int(rate)));
            return error.trim() + (rates.isEmpty() ? "" : " (rates: " + rates.joinIntoString(", ") + " Hz)");
        }
        // JUCE's JACK device counts a channel active once its port is connected, and learns that through a message
        // posted to the message thread. jackd connects before jack_connect returns; PipeWire's JACK library a
        // moment later. There is no running message loop here: deliver those messages until every channel asked for
        // is active, for up to a second.
        const int expected = std::min(request.numChannels, candidate->getInputChannelNames().size());
        const auto active = [&] { return candidate->getActiveInputChannels().countNumberOfSetBits(); };
        for (int waited = 0; active() < expected && waited < 1000; waited += 10)
        {
            while (juce::dispatchNextMessageOnSystemQueue(true))
                ;
            if (active() < expected)
                juce::Thread::sleep(10);
        }
        if (candidate->getActiveInputChannels().countNumberOfSetBits() == 0)
            return "opened with no input channel";
        device = std::move(candidate);
        typeName = type.getTypeName();
        return {};
    }
};

DeviceInput::DeviceInput(const Request& request) : impl(std::make_unique<Impl>())
{
    quietenJack();
    const auto types = scannedTypes(impl->manager);
    const juce::String wanted(request.name);

    // Candidates in order: a named device matches exactly, else case-insensitively in part; no name: each type's
    // default input, then its other inputs, except unpaced ones.
    std::vector<std::pair<juce::AudioIODeviceType*, juce::String>> candidates;
    for (const bool exact : {true, false})
    {
        for (auto* type : types)
        {
            const auto names = type->getDeviceNames(true);
            if (wanted.isEmpty())
            {
                if (!exact)
                    break;
                // ALSA's plugins (resamplers, upmix...) only convert another device: never picked unasked.
                const bool alsa = type->getTypeName() == "ALSA";
                const auto usable = [&](const juce::String& name)
                {
                    return !isUnpaced(name) &&
                           !(alsa && DeviceList::alsaKind(DeviceList::alsaNameOf(name.toStdString())) ==
                                         DeviceList::Kind::plugin);
                };
                const int defaultIndex = type->getDefaultDeviceIndex(true);
                if (juce::isPositiveAndBelow(defaultIndex, names.size()) && usable(names[defaultIndex]))
                    candidates.emplace_back(type, names[defaultIndex]);
                for (int i = 0; i < names.size(); ++i)
                    if (i != defaultIndex && usable(names[i]))
                        candidates.emplace_back(type, names[i]);
            }
            else
            {
                for (const auto& name : names)
                    if (exact ? name == wanted : name.containsIgnoreCase(wanted))
                        candidates.emplace_back(type, name);
            }
        }
        if (!candidates.empty())
            break;
    }

    if (candidates.empty())
        throw Error((wanted.isEmpty() ? std::string("no audio input device: ")
                                      : "no audio input device named '" + request.name + "': ") +
                    describe(types));

    // Failures grouped by message, so that nine ALSA plugins failing alike make one short clause.
    std::vector<std::pair<juce::String, juce::StringArray>> failures;
    for (const auto& [type, name] : candidates)
    {
        const auto error = impl->tryOpen(*type, name, request);
        if (error.isEmpty())
            return;
        auto group = std::find_if(failures.begin(), failures.end(), [&](auto& f) { return f.first == error; });
        if (group == failures.end())
            group = failures.insert(failures.end(), {error, {}});
        group->second.add(type->getTypeName() + " '" + name + "'");
    }
    juce::StringArray clauses;
    for (const auto& [error, devices] : failures)
        clauses.add(devices.joinIntoString(", ") + ": " + error);
    const bool jackRunning =
        std::any_of(types.begin(), types.end(),
                    [](auto* type) { return type->getTypeName() == "JACK" && !type->getDeviceNames(true).isEmpty(); });
    throw Error("no audio input device opens (" + clauses.joinIntoString("; ").toStdString() + ")" +
                (jackRunning ? std::string() : "; JACK offers none (no JACK server running)"));
}

DeviceInput::~DeviceInput()
{
    stop();
}

std::string DeviceInput::typeName() const
{
    return impl->typeName.toStdString();
}

std::string DeviceInput::deviceName() const
{
    return impl->device ? impl->device->getName().toStdString() : std::string();
}

int DeviceInput::sampleRate() const
{
    return impl->device ? int(impl->device->getCurrentSampleRate() + 0.5) : 0;
}

int DeviceInput::blockFrames() const
{
    return impl->device ? impl->device->getCurrentBufferSizeSamples() : 0;
}

int DeviceInput::numChannels() const
{
    return impl->device ? impl->device->getActiveInputChannels().countNumberOfSetBits() : 0;
}

void DeviceInput::start(Recorder& recorder, int64_t maxFrames)
{
    if (impl->device == nullptr || impl->started)
        throw Error("DeviceInput::start: the device is not open or already started");
    impl->callback.recorder = &recorder;
    impl->callback.framesLeft.store(maxFrames < 0 ? std::numeric_limits<int64_t>::max() : maxFrames);
    impl->started = true;
    impl->device->start(&impl->callback); // publishes the fields above to the audio thread
    if (!impl->device->isPlaying())
    {
        impl->callback.failed.store(true);
        throw Error("audio input " + typeName() + " '" + deviceName() + "' did not start: " + failure());
    }
}

int64_t DeviceInput::framesDelivered() const noexcept
{
    return impl->callback.delivered.load(std::memory_order_relaxed);
}

bool DeviceInput::hasFailed() const noexcept
{
    return impl->callback.failed.load(std::memory_order_acquire);
}

std::string DeviceInput::failure() const
{
    const auto error = impl->device ? impl->device->getLastError().trim() : juce::String();
    return error.isEmpty() ? std::string("the device reported an error") : error.toStdString();
}

void DeviceInput::stop()
{
    if (impl->device == nullptr)
        return;
    if (impl->started)
        impl->device->stop(); // returns once no callback is running
    impl->device->close();
    impl->device.reset();
    impl->started = false;
}

std::string DeviceInput::describeInputs()
{
    quietenJack();
    juce::ScopedJuceInitialiser_GUI juceInit;
    juce::AudioDeviceManager manager;
    return describe(scannedTypes(manager));
}

} // namespace capstan

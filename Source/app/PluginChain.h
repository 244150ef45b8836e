#pragma once

#include <juce_audio_processors/juce_audio_processors.h>

#include <atomic>
#include <memory>
#include <vector>

namespace capstan::app
{

/** The insert chain between the input and the recorder.

    Threads: every change (add, remove, move, prepare) happens on the control (message) thread; process() runs on
    the audio thread. They share one juce::SpinLock that the audio thread only ever *tries*: while a change holds it
    (a few vector operations; instances are prepared before and destroyed after), the block passes through
    unprocessed and is counted (blocksPassedThrough()): the audio thread never waits. Bypass is an atomic flag per
    slot and needs no lock. */
class PluginChain
{
public:
    static constexpr int maxChannels = 16;

    PluginChain();
    ~PluginChain();

    /** Control thread: the stream the chain runs at; prepares every instance (again). */
    void prepare(double sampleRate, int maxBlockFrames, int numChannels);
    /** Control thread: releaseResources on every instance (the device stopped). */
    void release();

    /** Control thread: prepares `processor` for the current stream and inserts it at `index` (-1: at the end).
        Returns its index. */
    int insert(std::unique_ptr<juce::AudioProcessor> processor, const juce::PluginDescription& description,
               int index = -1);
    /** Control thread: takes the instance out of the chain (the caller destroys it, off the audio thread). */
    std::unique_ptr<juce::AudioProcessor> remove(int index);
    void move(int from, int to);
    void clear();

    void setBypassed(int index, bool bypassed);
    bool isBypassed(int index) const;
    int size() const;
    juce::AudioProcessor* processor(int index) const;
    juce::PluginDescription description(int index) const;

    /** Audio thread: runs the chain in place on planar `channels`. No allocation, no waiting. */
    void process(float* const* channels, int numChannels, int numFrames) noexcept;

    int64_t blocksPassedThrough() const noexcept { return passedThrough.load(std::memory_order_relaxed); }
    double sampleRate() const { return rate; }
    int maxBlockFrames() const { return blockFrames; }
    int numChannels() const { return channels; }

private:
    struct Slot
    {
        std::unique_ptr<juce::AudioProcessor> processor;
        juce::PluginDescription description;
        std::atomic<bool> bypassed{false};
        int workChannels = 0; ///< channels its processBlock gets: max(stream, its inputs, its outputs)
    };

    void prepareSlot(Slot& slot) const;

    mutable juce::SpinLock lock;
    std::vector<std::unique_ptr<Slot>> slots;
    juce::AudioBuffer<float> work;
    juce::MidiBuffer midi;
    double rate = 48000;
    int blockFrames = 512;
    int channels = 2;
    std::atomic<int64_t> passedThrough{0};
};

} // namespace capstan::app

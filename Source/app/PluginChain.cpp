#include "PluginChain.h"

namespace capstan::app
{

namespace
{
using Lock = juce::SpinLock::ScopedLockType;
}

PluginChain::PluginChain()
{
    slots.reserve(64);
    work.setSize(maxChannels, blockFrames);
    midi.ensureSize(2048);
}

PluginChain::~PluginChain()
{
    clear();
}

void PluginChain::prepareSlot(Slot& slot) const
{
    auto& p = *slot.processor;
    // Ask for a main bus as wide as the stream; a plugin that refuses keeps its own layout, and the chain feeds it
    // the stream's channels on its first ones (the rest silent).
    auto layout = p.getBusesLayout();
    if (!layout.inputBuses.isEmpty())
        layout.inputBuses.getReference(0) = juce::AudioChannelSet::canonicalChannelSet(channels);
    if (!layout.outputBuses.isEmpty())
        layout.outputBuses.getReference(0) = juce::AudioChannelSet::canonicalChannelSet(channels);
    if (p.checkBusesLayoutSupported(layout))
        p.setBusesLayout(layout);
    p.setRateAndBufferSizeDetails(rate, blockFrames);
    p.prepareToPlay(rate, blockFrames);
    slot.workChannels = juce::jmax(channels, p.getTotalNumInputChannels(), p.getTotalNumOutputChannels());
}

void PluginChain::prepare(double sampleRate, int maxBlockFrames, int numChannels)
{
    const Lock scoped(lock);
    rate = sampleRate;
    blockFrames = juce::jmax(1, maxBlockFrames);
    channels = juce::jlimit(1, maxChannels, numChannels);
    work.setSize(maxChannels, blockFrames, false, true, false);
    for (auto& slot : slots)
        prepareSlot(*slot);
}

void PluginChain::release()
{
    const Lock scoped(lock);
    for (auto& slot : slots)
        slot->processor->releaseResources();
}

int PluginChain::insert(std::unique_ptr<juce::AudioProcessor> processor, const juce::PluginDescription& description,
                        int index)
{
    jassert(processor != nullptr);
    auto slot = std::make_unique<Slot>();
    slot->processor = std::move(processor);
    slot->description = description;
    prepareSlot(*slot); // outside the lock: the audio thread keeps running the old chain meanwhile
    const Lock scoped(lock);
    if (!juce::isPositiveAndBelow(index, int(slots.size()) + 1))
        index = int(slots.size());
    slots.insert(slots.begin() + index, std::move(slot));
    return index;
}

std::unique_ptr<juce::AudioProcessor> PluginChain::remove(int index)
{
    std::unique_ptr<Slot> removed;
    {
        const Lock scoped(lock);
        if (!juce::isPositiveAndBelow(index, int(slots.size())))
            return {};
        removed = std::move(slots[size_t(index)]);
        slots.erase(slots.begin() + index);
    }
    removed->processor->releaseResources();
    return std::move(removed->processor);
}

void PluginChain::move(int from, int to)
{
    const Lock scoped(lock);
    const int n = int(slots.size());
    if (!juce::isPositiveAndBelow(from, n) || !juce::isPositiveAndBelow(to, n) || from == to)
        return;
    auto slot = std::move(slots[size_t(from)]);
    slots.erase(slots.begin() + from);
    slots.insert(slots.begin() + to, std::move(slot));
}

void PluginChain::clear()
{
    while (size() > 0)
        remove(size() - 1);
}

void PluginChain::setBypassed(int index, bool bypassed)
{
    const Lock scoped(lock);
    if (juce::isPositiveAndBelow(index, int(slots.size())))
        slots[size_t(index)]->bypassed.store(bypassed);
}

bool PluginChain::isBypassed(int index) const
{
    const Lock scoped(lock);
    return juce::isPositiveAndBelow(index, int(slots.size())) && slots[size_t(index)]->bypassed.load();
}

int PluginChain::size() const
{
    const Lock scoped(lock);
    return int(slots.size());
}

juce::AudioProcessor* PluginChain::processor(int index) const
{
    const Lock scoped(lock);
    return juce::isPositiveAndBelow(index, int(slots.size())) ? slots[size_t(index)]->processor.get() : nullptr;
}

juce::PluginDescription PluginChain::description(int index) const
{
    const Lock scoped(lock);
    return juce::isPositiveAndBelow(index, int(slots.size())) ? slots[size_t(index)]->description
                                                              : juce::PluginDescription();
}

void PluginChain::process(float* const* data, int numChannels, int numFrames) noexcept
{
    const juce::SpinLock::ScopedTryLockType scoped(lock);
    if (!scoped.isLocked())
    {
        passedThrough.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (numFrames > blockFrames || numChannels > work.getNumChannels())
    {
        passedThrough.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    for (auto& slot : slots)
    {
        auto& p = *slot->processor;
        if (slot->bypassed.load(std::memory_order_relaxed) || p.isSuspended() || slot->workChannels > maxChannels)
            continue;
        // A view on the preallocated work buffer (up to 32 channels: JUCE keeps the pointers inline, no allocation).
        juce::AudioBuffer<float> view(work.getArrayOfWritePointers(), slot->workChannels, numFrames);
        for (int c = 0; c < slot->workChannels; ++c)
        {
            if (c < numChannels)
                juce::FloatVectorOperations::copy(view.getWritePointer(c), data[c], numFrames);
            else
                juce::FloatVectorOperations::clear(view.getWritePointer(c), numFrames);
        }
        midi.clear();
        p.processBlock(view, midi);
        for (int c = 0; c < numChannels; ++c)
            juce::FloatVectorOperations::copy(data[c], view.getReadPointer(c), numFrames);
    }
}

} // namespace capstan::app

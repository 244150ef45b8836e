#pragma once

#include "AudioBlock.h"

#include <readerwriterqueue/readerwriterqueue.h>

#include <memory>
#include <vector>

namespace capstan
{

/** Planar float blocks allocated once, before recording. The audio thread takes free blocks, the encoder thread
    gives them back: the free list is a single-producer/single-consumer moodycamel queue that never allocates
    after construction. */
class BlockPool
{
public:
    BlockPool(int numBlocks, int numChannels, int blockFrames);

    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;

    /** Audio thread: a free block (emptied), or nullptr when every block is in use. Wait-free. */
    AudioBlock* acquire() noexcept;

    /** Encoder thread (or the control thread once the audio thread is quiet): returns a block. */
    void release(AudioBlock* block) noexcept;

    int numBlocks() const noexcept { return static_cast<int>(blocks.size()); }
    int numChannels() const noexcept { return channels; }
    int blockFrames() const noexcept { return frames; }
    /** Approximate number of free blocks (any thread). */
    int numFree() const noexcept { return static_cast<int>(freeBlocks.size_approx()); }

private:
    int channels;
    int frames;
    std::unique_ptr<float[]> storage;
    std::vector<AudioBlock> blocks;
    moodycamel::ReaderWriterQueue<AudioBlock*> freeBlocks;
};

} // namespace capstan

#include "BlockPool.h"

#include "TsanAnnotations.h"

#include <capstan/media/Error.h>

#include <cstring>

namespace capstan
{

BlockPool::BlockPool(int numBlocks, int numChannels, int blockFrames)
    : channels(numChannels), frames(blockFrames), freeBlocks(static_cast<size_t>(numBlocks > 0 ? numBlocks : 1))
{
    if (numBlocks <= 0 || numChannels <= 0 || blockFrames <= 0)
        throw Error("BlockPool: blocks, channels and frames per block must all be positive (got " +
                    std::to_string(numBlocks) + ", " + std::to_string(numChannels) + ", " +
                    std::to_string(blockFrames) + ")");

    const size_t floatsPerBlock = static_cast<size_t>(numChannels) * static_cast<size_t>(blockFrames);
    storage = std::make_unique<float[]>(floatsPerBlock * static_cast<size_t>(numBlocks));
    // Touch every page now so that the audio thread never takes a page fault on first use.
    std::memset(storage.get(), 0, floatsPerBlock * static_cast<size_t>(numBlocks) * sizeof(float));

    blocks.resize(static_cast<size_t>(numBlocks));
    for (size_t i = 0; i < blocks.size(); ++i)
    {
        blocks[i].data = storage.get() + i * floatsPerBlock;
        blocks[i].capacity = blockFrames;
        freeBlocks.try_enqueue(&blocks[i]);
    }
}

AudioBlock* BlockPool::acquire() noexcept
{
    AudioBlock* block = nullptr;
    if (!freeBlocks.try_dequeue(block))
        return nullptr;
    CAPSTAN_TSAN_ACQUIRE(block);
    block->numFrames = 0;
    return block;
}

void BlockPool::release(AudioBlock* block) noexcept
{
    CAPSTAN_TSAN_RELEASE(block);
    // Capacity equals the number of blocks, so this never fails and never allocates.
    freeBlocks.try_enqueue(block);
}

} // namespace capstan

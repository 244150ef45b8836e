#pragma once

// Traps what the audio thread must never do, on the calling thread only: heap allocation and release (operator
// new/delete and the malloc family, interposed in this executable) and blocking synchronisation
// (pthread_mutex_lock, pthread_cond_wait/timedwait, sem_post — the calls a std::mutex, std::condition_variable
// or a semaphore end up in). Counting is per thread through a thread_local flag, so the encoder thread may
// allocate freely while the pushing thread is watched.
//
// Under ThreadSanitizer the interposition is compiled out (TSan owns these symbols); isAvailable() says so.

#include <cstdint>

namespace capstan::test
{

struct TrapCounts
{
    int64_t allocations = 0; ///< new/malloc/calloc/realloc/aligned allocations
    int64_t frees = 0;       ///< delete/free
    int64_t locks = 0;       ///< mutex locks, condition waits, semaphore posts
};

class RealtimeTrap
{
public:
    /** Starts counting on this thread. */
    RealtimeTrap();
    /** Stops counting on this thread. */
    ~RealtimeTrap();

    /** What this thread did since construction. */
    TrapCounts counts() const;

    static bool isAvailable();

private:
    TrapCounts start;
};

} // namespace capstan::test

#pragma once

// moodycamel's queues synchronise with relaxed atomics plus standalone fences, which ThreadSanitizer does not
// model; these annotations tell it about the hand-off of each block so that real races still show.
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define CAPSTAN_TSAN_RELEASE(address) __tsan_release(const_cast<void*>(static_cast<const void*>(address)))
#define CAPSTAN_TSAN_ACQUIRE(address) __tsan_acquire(const_cast<void*>(static_cast<const void*>(address)))
#else
#define CAPSTAN_TSAN_RELEASE(address) ((void)0)
#define CAPSTAN_TSAN_ACQUIRE(address) ((void)0)
#endif

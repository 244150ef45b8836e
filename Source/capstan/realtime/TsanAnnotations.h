#pragma once

#include <type_traits>

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

namespace capstan
{
/** The element at the front of a moodycamel ReaderWriterQueue, or nullptr when it is empty (the consumer side).
    Reading the element is the queue's publication, made visible by its fences, which ThreadSanitizer does not model;
    Scripts/tsan.supp names this function so that the read inside it is not reported (what the element points to is
    annotated separately). Not inlined under TSan, so that the report's stack shows it. */
template <typename Queue>
#if defined(__SANITIZE_THREAD__)
[[gnu::noinline]]
#endif
auto queueFront(Queue& queue) -> std::remove_reference_t<decltype(*queue.peek())>
{
    auto* front = queue.peek();
    return front != nullptr ? *front : nullptr;
}
} // namespace capstan

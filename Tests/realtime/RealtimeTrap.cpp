#include "RealtimeTrap.h"

#include <atomic>
#include <cstddef>
#include <new>

#include <pthread.h>
#include <semaphore.h>

namespace
{
// Constant-initialised TLS in the executable: reading it never allocates (initial-exec model).
thread_local bool trapping = false;
thread_local int64_t allocations = 0;
thread_local int64_t frees = 0;
thread_local int64_t locks = 0;
} // namespace

namespace capstan::test
{

RealtimeTrap::RealtimeTrap()
{
    start = {allocations, frees, locks};
    trapping = true;
}

RealtimeTrap::~RealtimeTrap()
{
    trapping = false;
}

TrapCounts RealtimeTrap::counts() const
{
    return {allocations - start.allocations, frees - start.frees, locks - start.locks};
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
bool RealtimeTrap::isAvailable()
{
    return false;
}
} // namespace capstan::test
#else
bool RealtimeTrap::isAvailable()
{
    return true;
}
} // namespace capstan::test

// ---- interposition: these definitions in the executable take precedence over libc's ----

extern "C"
{
    void* __libc_malloc(size_t);
    void* __libc_calloc(size_t, size_t);
    void* __libc_realloc(void*, size_t);
    void* __libc_memalign(size_t, size_t);
    void __libc_free(void*);

    void* malloc(size_t size)
    {
        if (trapping)
            ++allocations;
        return __libc_malloc(size);
    }

    void free(void* pointer)
    {
        if (trapping && pointer != nullptr)
            ++frees;
        __libc_free(pointer);
    }

    void* calloc(size_t count, size_t size)
    {
        if (trapping)
            ++allocations;
        return __libc_calloc(count, size);
    }

    void* realloc(void* pointer, size_t size)
    {
        if (trapping)
            ++allocations;
        return __libc_realloc(pointer, size);
    }

    void* memalign(size_t alignment, size_t size)
    {
        if (trapping)
            ++allocations;
        return __libc_memalign(alignment, size);
    }

    void* aligned_alloc(size_t alignment, size_t size)
    {
        if (trapping)
            ++allocations;
        return __libc_memalign(alignment, size);
    }

    int posix_memalign(void** result, size_t alignment, size_t size)
    {
        if (trapping)
            ++allocations;
        void* pointer = __libc_memalign(alignment, size);
        if (pointer == nullptr)
            return 12; // ENOMEM
        *result = pointer;
        return 0;
    }

    // Condition waits and semaphore posts are counted and then forwarded to the versioned libc symbols.
    using CondWait = int (*)(pthread_cond_t*, pthread_mutex_t*);
    using CondTimedWait = int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*);
    using SemPost = int (*)(sem_t*);
    void* dlvsym(void*, const char*, const char*);
}

namespace
{
template <typename F>
F nextSymbol(const char* name, const char* version)
{
    // RTLD_NEXT is ((void*) -1l) in <dlfcn.h>; avoid the header's _GNU_SOURCE needs.
    return reinterpret_cast<F>(dlvsym(reinterpret_cast<void*>(-1l), name, version));
}
} // namespace

extern "C"
{
    int pthread_mutex_lock(pthread_mutex_t* mutex)
    {
        using MutexLock = int (*)(pthread_mutex_t*);
        // A plain atomic, not a function-local static: its guard must not take a lock itself.
        static std::atomic<MutexLock> real{nullptr};
        MutexLock lock = real.load(std::memory_order_acquire);
        if (lock == nullptr)
        {
            lock = nextSymbol<MutexLock>("pthread_mutex_lock", "GLIBC_2.2.5");
            real.store(lock, std::memory_order_release);
        }
        if (trapping)
            ++locks;
        return lock(mutex);
    }

    int pthread_cond_wait(pthread_cond_t* condition, pthread_mutex_t* mutex)
    {
        static const CondWait real = nextSymbol<CondWait>("pthread_cond_wait", "GLIBC_2.3.2");
        if (trapping)
            ++locks;
        return real(condition, mutex);
    }

    int pthread_cond_timedwait(pthread_cond_t* condition, pthread_mutex_t* mutex, const struct timespec* time)
    {
        static const CondTimedWait real = nextSymbol<CondTimedWait>("pthread_cond_timedwait", "GLIBC_2.3.2");
        if (trapping)
            ++locks;
        return real(condition, mutex, time);
    }

    int sem_post(sem_t* semaphore)
    {
        static const SemPost real = nextSymbol<SemPost>("sem_post", "GLIBC_2.34");
        if (trapping)
            ++locks;
        return real(semaphore);
    }
}

// operator new/delete: counted here explicitly (not only through malloc) so a libstdc++ that bypassed malloc
// would still be caught.
void* operator new(std::size_t size)
{
    if (trapping)
        ++allocations;
    if (void* p = __libc_malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size)
{
    return operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
    if (trapping)
        ++allocations;
    return __libc_malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept
{
    return operator new(size, tag);
}
void* operator new(std::size_t size, std::align_val_t alignment)
{
    if (trapping)
        ++allocations;
    if (void* p = __libc_memalign(static_cast<size_t>(alignment), size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment)
{
    return operator new(size, alignment);
}
void operator delete(void* p) noexcept
{
    if (trapping && p != nullptr)
        ++frees;
    __libc_free(p);
}
void operator delete[](void* p) noexcept
{
    operator delete(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    operator delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept
{
    operator delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept
{
    operator delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept
{
    operator delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept
{
    operator delete(p);
}
#endif

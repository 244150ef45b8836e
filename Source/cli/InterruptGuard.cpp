#include "InterruptGuard.h"

namespace capstan::cli
{

namespace
{
constexpr std::array<int, 3> handled = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> received{0};

extern "C" void onInterrupt(int number)
{
    // Only async-signal-safe calls here: lock-free atomics, signal() and raise().
    if (InterruptGuard::flag().exchange(true))
    {
        std::signal(number, SIG_DFL); // the second one aborts, as in ffmpeg
        std::raise(number);
        return;
    }
    received.store(number);
}
} // namespace

std::atomic<bool>& InterruptGuard::flag()
{
    static std::atomic<bool> interruptedFlag{false};
    static_assert(std::atomic<bool>::is_always_lock_free);
    return interruptedFlag;
}

std::string InterruptGuard::signalName()
{
    switch (received.load())
    {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return {};
    }
}

InterruptGuard::InterruptGuard()
{
    flag().store(false);
    received.store(0);
    struct sigaction action
    {
    };
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // reads and writes in progress go on; the command polls interrupted()
    for (size_t i = 0; i < handled.size(); ++i)
        sigaction(handled[i], &action, &previous[i]);
}

InterruptGuard::~InterruptGuard()
{
    for (size_t i = 0; i < handled.size(); ++i)
        sigaction(handled[i], &previous[i], nullptr);
}

void InterruptGuard::ignoreWriteSignals()
{
    std::signal(SIGXFSZ, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
}

} // namespace capstan::cli

#pragma once

#include <array>
#include <atomic>
#include <csignal>
#include <string>

namespace capstan::cli
{

/** While one is alive, SIGINT (Ctrl-C), SIGTERM and SIGHUP (a closed terminal or ssh session) ask the running
    command to finish cleanly: interrupted() turns true and the command finalizes its outputs, as ffmpeg does. A
    second signal ends the process at once (the signal's default action). The previous handlers come back when it
    goes away. */
class InterruptGuard
{
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    static bool interrupted() { return flag().load(); }
    /** The flag itself, for loops that poll it (CallbackDriver::run). */
    static std::atomic<bool>& flag();
    /** "SIGINT", "SIGTERM" or "SIGHUP": the first signal received; "" before one came. */
    static std::string signalName();

    /** Once per process: SIGXFSZ (file size limit) and SIGPIPE (a closed pipe or socket) become ordinary write
        errors of the output concerned, reported in words, instead of killing the process without one. */
    static void ignoreWriteSignals();

private:
    std::array<struct sigaction, 3> previous{}; ///< SIGINT, SIGTERM, SIGHUP
};

} // namespace capstan::cli

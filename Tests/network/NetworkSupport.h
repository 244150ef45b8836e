#pragma once

// Real servers for the network tests: a background process (nginx, an ffmpeg receiver), nginx with the RTMP module
// on a free loopback port, and small socket helpers. Everything a server writes stays in the test's folder.

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

/** Ends a test case with a warning when a server it needs cannot run here (the only accepted reason to skip). */
#define SKIP_UNLESS(condition, reason)                                                                                 \
    if (!(condition))                                                                                                  \
    {                                                                                                                  \
        WARN("skipped: " << reason);                                                                                   \
        SUCCEED();                                                                                                     \
        return;                                                                                                        \
    }

namespace capstan::test
{

/** A child process with stdout and stderr going to a log file; killed (SIGKILL) when destroyed if still running. */
class BackgroundProcess
{
public:
    BackgroundProcess() = default;
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    /** Starts argv (looked up in PATH); false with `error` set when it cannot be started. */
    bool start(const std::vector<std::string>& argv, const std::filesystem::path& logFile, std::string& error);
    bool running();
    void signal(int signalNumber);
    /** Waits up to `timeout` for the process to exit; its exit code, or -1 (signal / still running). */
    int wait(std::chrono::milliseconds timeout);
    /** SIGKILL and reap. */
    void kill();
    pid_t pid() const { return child; }

private:
    pid_t child = -1;
    int status = -1;
};

/** A loopback TCP port that was free a moment ago. */
int freeTcpPort();
/** A loopback UDP port that was free a moment ago. */
int freeUdpPort();
/** True once something listens on 127.0.0.1:port (TCP), polling up to `timeout`. */
bool waitForTcpListener(int port, std::chrono::milliseconds timeout);
/** True once a UDP socket is bound to `port` (read from /proc/net/udp), polling up to `timeout`. */
bool waitForUdpSocket(int port, std::chrono::milliseconds timeout);

/** A TCP listener that never accepts: connections complete in the kernel's backlog and then nothing answers,
    like a hung server. */
class BlackHoleServer
{
public:
    explicit BlackHoleServer(int port);
    ~BlackHoleServer();
    bool listening() const { return fd >= 0; }

private:
    int fd = -1;
};

/** nginx with the RTMP module, in the foreground (daemon off, one process), its config, pid, logs and recordings in
    `folder`. Application `live` takes publishing and playing; with `record`, each publish is recorded into
    folder/rec/<key>-<time>.flv. */
class NginxRtmpServer
{
public:
    NginxRtmpServer(const std::filesystem::path& folder, int port);
    ~NginxRtmpServer();

    /** Starts nginx and waits until it listens; false with the reason (stderr and error log) when it cannot. */
    bool start(std::string& reason);
    /** SIGKILL: the server vanishes mid-stream. */
    void kill();
    /** SIGQUIT: graceful stop, recordings closed. */
    void quit();

    int port() const { return serverPort; }
    std::string url(const std::string& key) const;
    std::filesystem::path recordFolder() const { return folder / "rec"; }
    /** Recorded files, oldest first. */
    std::vector<std::filesystem::path> recordings() const;
    std::string errorLog() const;

private:
    std::filesystem::path folder;
    int serverPort;
    BackgroundProcess process;
};

/** Sleeps until `deadline`. */
void sleepUntil(std::chrono::steady_clock::time_point deadline);

} // namespace capstan::test

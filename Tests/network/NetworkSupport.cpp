#include "NetworkSupport.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace capstan::test
{

namespace fs = std::filesystem;

BackgroundProcess::~BackgroundProcess()
{
    kill();
}

bool BackgroundProcess::start(const std::vector<std::string>& argv, const fs::path& logFile, std::string& error)
{
    kill();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int result = posix_spawnp(&child, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (result != 0)
    {
        child = -1;
        error = "cannot start " + argv[0] + ": " + std::strerror(result);
        return false;
    }
    status = -1;
    return true;
}

bool BackgroundProcess::running()
{
    if (child <= 0)
        return false;
    int s = 0;
    const pid_t r = waitpid(child, &s, WNOHANG);
    if (r == child)
    {
        status = s;
        child = -1;
        return false;
    }
    return true;
}

void BackgroundProcess::signal(int signalNumber)
{
    if (child > 0)
        ::kill(child, signalNumber);
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (child > 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void BackgroundProcess::kill()
{
    if (child <= 0)
        return;
    ::kill(child, SIGKILL);
    int s = 0;
    waitpid(child, &s, 0);
    status = s;
    child = -1;
}

namespace
{
int freePort(int type)
{
    const int fd = socket(AF_INET, type, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    int port = -1;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    close(fd);
    return port;
}
} // namespace

int freeTcpPort()
{
    return freePort(SOCK_STREAM);
}

int freeUdpPort()
{
    return freePort(SOCK_DGRAM);
}

bool waitForTcpListener(int port, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do
    {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(uint16_t(port));
        const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
        close(fd);
        if (connected)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

bool waitForUdpSocket(int port, std::chrono::milliseconds timeout)
{
    char hexPort[8];
    std::snprintf(hexPort, sizeof(hexPort), ":%04X", port);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do
    {
        std::ifstream table("/proc/net/udp");
        std::string line;
        std::getline(table, line); // header
        while (std::getline(table, line))
        {
            std::istringstream fields(line);
            std::string slot, local;
            fields >> slot >> local;
            if (local.size() > 5 && local.substr(local.size() - 5) == hexPort)
                return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

BlackHoleServer::BlackHoleServer(int port)
{
    fd = socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(uint16_t(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 16) != 0)
    {
        close(fd);
        fd = -1;
    }
}

BlackHoleServer::~BlackHoleServer()
{
    if (fd >= 0)
        close(fd);
}

NginxRtmpServer::NginxRtmpServer(const fs::path& folderIn, int port) : folder(fs::absolute(folderIn)), serverPort(port)
{
}

NginxRtmpServer::~NginxRtmpServer()
{
    kill();
}

bool NginxRtmpServer::start(std::string& reason)
{
    const char* module = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
    if (!fs::exists(module))
    {
        reason = std::string(module) + " is missing (Debian package libnginx-mod-rtmp)";
        return false;
    }
    fs::create_directories(folder / "rec");
    fs::create_directories(folder / "logs");
    const fs::path config = folder / "nginx.conf";
    {
        std::ofstream out(config);
        out << "daemon off;\nmaster_process off;\npid " << (folder / "nginx.pid").string() << ";\n"
            << "error_log " << (folder / "logs" / "error.log").string() << " info;\n"
            << "load_module " << module << ";\n"
            << "events { worker_connections 64; }\n"
            << "rtmp {\n  server {\n    listen 127.0.0.1:" << serverPort << ";\n"
            << "    application live {\n      live on;\n      record all;\n"
            << "      record_path " << (folder / "rec").string() << ";\n      record_unique on;\n    }\n  }\n}\n";
    }
    std::string error;
    // -p: prefix for relative paths; -e: the error log before the config is read (no /var/log is touched).
    // Debian puts nginx in /usr/sbin, which a non-root PATH may lack.
    const std::string nginx = fs::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
    if (!process.start(
            {nginx, "-p", folder.string() + "/", "-c", config.string(), "-e", (folder / "logs" / "error.log").string()},
            folder / "logs" / "stderr.log", error))
    {
        reason = error;
        return false;
    }
    if (waitForTcpListener(serverPort, std::chrono::seconds(5)))
        return true;
    process.kill();
    std::ifstream stderrLog(folder / "logs" / "stderr.log");
    reason = "nginx did not listen on 127.0.0.1:" + std::to_string(serverPort) + ": " +
             std::string(std::istreambuf_iterator<char>(stderrLog), {}) + errorLog();
    return false;
}

void NginxRtmpServer::kill()
{
    process.kill();
}

void NginxRtmpServer::quit()
{
    process.signal(SIGQUIT);
    if (process.wait(std::chrono::seconds(5)) < 0 && process.running())
        process.kill();
}

std::string NginxRtmpServer::url(const std::string& key) const
{
    return "rtmp://127.0.0.1:" + std::to_string(serverPort) + "/live/" + key;
}

std::vector<fs::path> NginxRtmpServer::recordings() const
{
    std::vector<fs::path> files;
    if (fs::exists(folder / "rec"))
        for (const auto& entry : fs::directory_iterator(folder / "rec"))
            if (entry.path().extension() == ".flv")
                files.push_back(entry.path());
    // record_unique names end in the publish time: sort by modification, then name.
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
    return files;
}

std::string NginxRtmpServer::errorLog() const
{
    std::ifstream log(folder / "logs" / "error.log");
    return std::string(std::istreambuf_iterator<char>(log), {});
}

void sleepUntil(std::chrono::steady_clock::time_point deadline)
{
    std::this_thread::sleep_until(deadline);
}

} // namespace capstan::test

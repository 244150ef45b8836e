// A main() for the fuzz targets in the ordinary (gcc, no libFuzzer) build: runs every file of the given corpus
// folders, then inputs made from a fixed seed (mutated corpus files and random bytes) until a time budget or a count
// is used up. Deterministic for a given seed, so a failure in CTest reproduces; the input that crashed, hung or
// aborted is saved as <target>-failing-input.bin in the working folder.
//
//   <target> [--corpus DIR]... [--seconds S] [--count N] [--seed N] [--max-length BYTES] [--timeout S] [FILE]...

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace
{
namespace fs = std::filesystem;

// The input being run, for the signal handler (plain globals: read in a handler, written only between inputs).
const uint8_t* currentData = nullptr;
size_t currentSize = 0;
char failurePath[512] = "fuzz-failing-input.bin";

void saveCurrentInput(int signal)
{
    // Only async-signal-safe calls here.
    const int fd = open(failurePath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0)
    {
        if (currentSize > 0 && write(fd, currentData, currentSize) < 0)
            currentSize = 0;
        close(fd);
    }
    const char* what = signal == SIGALRM ? "\nfuzz driver: an input ran over its time limit; saved to "
                                         : "\nfuzz driver: an input crashed; saved to ";
    (void)!write(STDERR_FILENO, what, strlen(what));
    (void)!write(STDERR_FILENO, failurePath, strlen(failurePath));
    (void)!write(STDERR_FILENO, "\n", 1);
    std::signal(signal == SIGALRM ? SIGABRT : signal, SIG_DFL);
    std::raise(signal == SIGALRM ? SIGABRT : signal);
}

std::vector<uint8_t> readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/** A few of the mutations every fuzzer makes: bit flips, byte runs, interesting values, cuts and repeats. */
std::vector<uint8_t> mutate(std::vector<uint8_t> bytes, std::mt19937_64& random, size_t maxLength)
{
    auto below = [&random](size_t n) { return n == 0 ? size_t(0) : size_t(random() % n); };
    static const uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x40};
    for (auto count = 1 + below(8); count > 0; --count)
    {
        switch (below(7))
        {
        case 0:
            if (!bytes.empty())
                bytes[below(bytes.size())] ^= uint8_t(1u << below(8));
            break;
        case 1:
            if (!bytes.empty())
                bytes[below(bytes.size())] = interesting[below(std::size(interesting))];
            break;
        case 2:
            if (!bytes.empty())
                bytes[below(bytes.size())] = uint8_t(random());
            break;
        case 3:
        {
            const auto at = below(bytes.size() + 1);
            std::vector<uint8_t> run(1 + below(16));
            for (auto& b : run)
                b = uint8_t(random());
            bytes.insert(bytes.begin() + ptrdiff_t(at), run.begin(), run.end());
            break;
        }
        case 4:
            if (!bytes.empty())
            {
                const auto at = below(bytes.size());
                const auto length = std::min(bytes.size() - at, 1 + below(64));
                bytes.erase(bytes.begin() + ptrdiff_t(at), bytes.begin() + ptrdiff_t(at + length));
            }
            break;
        case 5:
            bytes.resize(below(bytes.size() + 1));
            break;
        default:
            if (!bytes.empty())
            {
                const auto at = below(bytes.size());
                const auto length = std::min(bytes.size() - at, 1 + below(64));
                const std::vector<uint8_t> run(bytes.begin() + ptrdiff_t(at), bytes.begin() + ptrdiff_t(at + length));
                bytes.insert(bytes.begin() + ptrdiff_t(below(bytes.size() + 1)), run.begin(), run.end());
            }
            break;
        }
    }
    if (bytes.size() > maxLength)
        bytes.resize(maxLength);
    return bytes;
}

void runOne(const std::vector<uint8_t>& input, int timeoutSeconds)
{
    currentData = input.data();
    currentSize = input.size();
    alarm(unsigned(timeoutSeconds));
    LLVMFuzzerTestOneInput(input.data(), input.size());
    alarm(0);
}

[[noreturn]] void usage(const char* program)
{
    std::fprintf(stderr,
                 "usage: %s [--corpus DIR]... [--seconds S] [--count N] [--seed N] [--max-length BYTES] "
                 "[--timeout S] [FILE]...\n",
                 program);
    std::exit(2);
}
} // namespace

int main(int argc, char** argv)
{
    std::vector<fs::path> files;
    double seconds = 30;
    long long count = -1;
    unsigned long long seed = 1;
    size_t maxLength = 4096;
    int timeoutSeconds = 30;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--corpus" && hasValue)
        {
            const fs::path dir = argv[++i];
            if (fs::is_directory(dir))
                for (const auto& entry : fs::directory_iterator(dir))
                    if (entry.is_regular_file())
                        files.push_back(entry.path());
        }
        else if (arg == "--seconds" && hasValue)
            seconds = std::atof(argv[++i]);
        else if (arg == "--count" && hasValue)
            count = std::atoll(argv[++i]);
        else if (arg == "--seed" && hasValue)
            seed = std::strtoull(argv[++i], nullptr, 10);
        else if (arg == "--max-length" && hasValue)
            maxLength = size_t(std::atoll(argv[++i]));
        else if (arg == "--timeout" && hasValue)
            timeoutSeconds = std::atoi(argv[++i]);
        else if (!arg.starts_with("--"))
            files.emplace_back(arg);
        else
            usage(argv[0]);
    }
    std::sort(files.begin(), files.end()); // directory order is not stable; the run must be

    const std::string target = fs::path(argv[0]).filename().string();
    std::snprintf(failurePath, sizeof(failurePath), "%s-failing-input.bin", target.c_str());
    for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM})
        std::signal(signal, saveCurrentInput);
#if !defined(__SANITIZE_ADDRESS__)
    // Runaway memory is a finding, not a reason to take the machine down: cap the address space (libFuzzer's
    // -rss_limit_mb does this job in Scripts/fuzz.sh).
    const rlimit limit{rlim_t(4) << 30, rlim_t(4) << 30};
    setrlimit(RLIMIT_AS, &limit);
#endif

    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&started]
    { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };

    std::vector<std::vector<uint8_t>> corpus;
    for (const auto& file : files)
    {
        corpus.push_back(readFile(file));
        std::fprintf(stderr, "%s: %s (%zu bytes)\n", target.c_str(), file.string().c_str(), corpus.back().size());
        runOne(corpus.back(), timeoutSeconds);
    }

    std::mt19937_64 random(seed);
    long long generated = 0;
    while ((count < 0 || generated < count) && elapsed() < seconds)
    {
        std::vector<uint8_t> input;
        if (!corpus.empty() && random() % 4 != 0)
            input = mutate(corpus[random() % corpus.size()], random, maxLength);
        else
        {
            input.resize(size_t(random() % (maxLength + 1)));
            for (auto& b : input)
                b = uint8_t(random());
        }
        runOne(input, timeoutSeconds);
        ++generated;
    }
    std::printf("%s: %zu corpus files and %lld generated inputs (seed %llu) in %.1f s, no failure\n", target.c_str(),
                corpus.size(), generated, seed, elapsed());
    return 0;
}

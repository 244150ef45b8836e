#include "TakeNamer.h"

#include <capstan/media/Error.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace capstan
{

namespace
{
namespace fs = std::filesystem;

std::string replaceAll(std::string text, const std::string& token, const std::string& value)
{
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size()))
        text.replace(at, token.size(), value);
    return text;
}

/** Characters a file name cannot hold (on Linux, Windows or macOS, so projects move between them) become '_'. */
std::string sanitize(const std::string& name)
{
    std::string result;
    for (const char c : name)
    {
        const auto u = static_cast<unsigned char>(c);
        const bool bad = u < 32 || u == 127 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
                         c == '<' || c == '>' || c == '|';
        result += bad ? '_' : c;
    }
    // No leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them).
    const size_t first = result.find_first_not_of(". ");
    const size_t last = result.find_last_not_of(". ");
    result = first == std::string::npos ? std::string() : result.substr(first, last - first + 1);
    if (result.size() > 200)
        result.resize(200); // file systems stop at 255 bytes; the extension and "-NN" still fit
    return result.empty() ? std::string("take") : result;
}

std::string expandHome(const std::string& folder)
{
    if (folder == "~" || folder.rfind("~/", 0) == 0)
        if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0)
            return std::string(home) + folder.substr(1);
    return folder;
}

/** Creates every file of the take exclusively (O_EXCL), so that two namers (two plugin instances on tracks of the
    same name) never hand out the same name. False, with nothing left behind, when one of them exists. */
bool reserve(const std::vector<std::string>& paths)
{
    std::vector<std::string> created;
    for (const auto& path : paths)
    {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
        {
            const int error = errno;
            for (const auto& done : created)
                ::unlink(done.c_str());
            if (error == EEXIST)
                return false;
            throw Error("cannot create the take file '" + path + "': " + std::strerror(error));
        }
        ::close(fd);
        created.push_back(path);
    }
    return true;
}

/** Reserves `paths` unless one of them, or the "<file>.drops.json" the recorder writes beside it, exists. */
bool claimIfFree(const std::vector<std::string>& paths)
{
    std::error_code error;
    for (const auto& path : paths)
        if (fs::exists(path, error) || fs::exists(path + ".drops.json", error))
            return false;
    return reserve(paths);
}
} // namespace

std::vector<RecordingFormat> TakeNamer::formatsOf(const TakeSettings& settings)
{
    std::vector<RecordingFormat> formats{settings.format};
    for (const auto format : settings.extraFormats)
        if (std::find(formats.begin(), formats.end(), format) == formats.end())
            formats.push_back(format);
    return formats;
}

std::vector<std::string> TakeNamer::pathsFor(const TakeSettings& settings, const std::string& mainPath)
{
    const fs::path main(mainPath);
    const std::string stem = (main.parent_path() / main.stem()).string();
    std::vector<std::string> paths;
    std::vector<std::string> extensions;
    for (const auto format : formatsOf(settings))
    {
        const std::string extension = recordingFormatExtension(format);
        const bool repeated = std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
        paths.push_back(repeated ? stem + "-" + recordingFormatId(format) + extension : stem + extension);
        extensions.push_back(extension);
    }
    return paths;
}

std::string TakeNamer::nextPath(const TakeSettings& settings, const std::string& trackName,
                                std::chrono::system_clock::time_point now)
{
    const std::string folder = settings.folder.empty() ? defaultRecordFolder() : expandHome(settings.folder);
    std::error_code error;
    fs::create_directories(folder, error);
    if (error || !fs::is_directory(folder))
        throw Error("cannot create the recording folder '" + folder +
                    "': " + (error ? error.message() : std::string("a file of that name is in the way")));
    return findName(settings, folder, trackName, now, take, claimIfFree);
}

std::string TakeNamer::previewPath(const TakeSettings& settings, const std::string& trackName, int takesNamed,
                                   std::chrono::system_clock::time_point now)
{
    const std::string folder = settings.folder.empty() ? defaultRecordFolder() : expandHome(settings.folder);
    const auto isFree = [](const std::vector<std::string>& paths)
    {
        std::error_code error;
        for (const auto& path : paths)
            if (fs::exists(path, error) || fs::exists(path + ".drops.json", error))
                return false;
        return true;
    };
    int take = std::max(0, takesNamed);
    return findName(settings, folder, trackName, now, take, isFree);
}

std::string TakeNamer::findName(const TakeSettings& settings, const std::string& folder, const std::string& trackName,
                                std::chrono::system_clock::time_point now, int& take,
                                const std::function<bool(const std::vector<std::string>&)>& claim)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    char date[16], time[16];
    std::strftime(date, sizeof(date), "%Y-%m-%d", &local);
    std::strftime(time, sizeof(time), "%H%M%S", &local);

    const std::string pattern =
        settings.pattern.empty() ? std::string("%track%_%date%_%time%_take%take%") : settings.pattern;
    const bool numbered = pattern.find("%take%") != std::string::npos;
    std::string base = replaceAll(pattern, "%track%", trackName.empty() ? std::string("Capstan") : trackName);
    base = replaceAll(base, "%date%", date);
    base = replaceAll(base, "%time%", time);

    const std::string extension = recordingFormatExtension(settings.format);
    ++take;
    for (int suffix = 1; suffix < 100000; ++suffix)
    {
        std::string name;
        if (numbered)
        {
            char number[16];
            std::snprintf(number, sizeof(number), "%02d", take);
            name = replaceAll(base, "%take%", number);
        }
        else
            name = suffix == 1 ? base : base + "-" + std::to_string(suffix);
        name = sanitize(name);

        const std::vector<std::string> paths = pathsFor(settings, (fs::path(folder) / (name + extension)).string());
        if (claim(paths))
            return paths.front();
        if (numbered)
            ++take;
    }
    throw Error("no free take name in '" + folder + "' for the pattern '" + pattern + "'");
}

std::vector<std::string> TakeNamer::reserveNumbered(const std::vector<std::string>& paths,
                                                    const std::function<std::string(const std::string&)>& fileOf)
{
    for (int suffix = 1; suffix < 100000; ++suffix)
    {
        std::vector<std::string> names, files;
        for (const auto& path : paths)
        {
            const fs::path p(path);
            names.push_back(suffix == 1 ? path
                                        : (p.parent_path() /
                                           (p.stem().string() + "-" + std::to_string(suffix) + p.extension().string()))
                                              .string());
            files.push_back(fileOf(names.back()));
        }
        if (claimIfFree(files))
            return names;
    }
    throw Error("no free take name for '" + paths.front() + "' (tried up to -99999)");
}

} // namespace capstan

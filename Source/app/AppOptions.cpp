#include "AppOptions.h"

#include <capstan/capture/VideoSourceSpec.h>
#include <capstan/media/Error.h>
#include <capstan/session/TakeSettings.h>

#include <filesystem>

#include <cstdlib>
#include <sstream>

namespace capstan::app
{

namespace
{
std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, ',');)
        if (!part.empty())
            parts.push_back(part);
    return parts;
}

double parseSeconds(const std::string& flag, const std::string& value)
{
    try
    {
        size_t used = 0;
        const double seconds = std::stod(value, &used);
        if (used == value.size() && seconds >= 0)
            return seconds;
    }
    catch (const std::exception&)
    {
    }
    throw Error(flag + " takes a number of seconds (>= 0), not '" + value + "'");
}
} // namespace

AppOptions AppOptions::parse(const std::vector<std::string>& args)
{
    AppOptions options;
    for (size_t i = 0; i < args.size(); ++i)
    {
        const std::string& arg = args[i];
        auto value = [&]() -> std::string
        {
            if (i + 1 >= args.size())
                throw Error(arg + " needs a value (see --help)");
            return args[++i];
        };
        if (arg == "--record")
            options.recordPath = value();
        else if (arg == "--duration")
            options.durationSeconds = parseSeconds(arg, value());
        else if (arg == "--quit-when-done")
            options.quitWhenDone = true;
        else if (arg == "--audio-backend")
            options.audioBackend = value();
        else if (arg == "--device")
            options.device = value();
        else if (arg == "--format")
            for (const auto& id : splitList(value()))
                options.formats.push_back(id);
        else if (arg == "--video-source")
            options.videoSource = value();
        else if (arg == "--settings-dir")
            options.settingsDir = value();
        else if (arg == "--screenshot")
            options.screenshotPath = value();
        else if (arg == "--screenshot-delay")
            options.screenshotDelaySeconds = parseSeconds(arg, value());
        else if (arg == "--add-plugin")
            options.addPlugins.push_back(value());
        else if (arg == "--plugin-path")
            options.pluginPaths.push_back(value());
        else if (arg == "--scan")
            options.scan = true;
        else if (arg == "--pre-chain")
            options.preChain = true;
        else if (arg == "--monitor")
            options.monitor = true;
        else if (arg == "--show")
        {
            options.show = value();
            if (options.show != "about" && options.show != "audio-settings")
                throw Error("--show takes about or audio-settings, not '" + options.show + "'");
        }
        else if (arg == "--help" || arg == "-h")
            options.help = true;
        else if (arg == "--version")
            options.version = true;
        else if (!arg.empty() && arg[0] == '-')
            throw Error("unknown option '" + arg + "' (see --help)");
        // Anything else (a file the desktop passes when opening the app) is ignored.
    }
    return options;
}

std::string AppOptions::usage()
{
    return "Usage: capstan-app [options]\n"
           "  --record PATH          start recording at launch: a folder, or a file pattern (DIR/name.flac)\n"
           "  --duration S           stop the take after S seconds of audio\n"
           "  --quit-when-done       exit when the take is finished (exit code 1 if it failed)\n"
           "  --audio-backend NAME   dummy (a paced 440/880 Hz test signal, no sound card), alsa, jack\n"
           "  --device NAME          input device of that backend\n"
           "  --format IDS           wav16, wav24, wav32f, flac, mp3, aac, opus, mp4Video, mkvVideo; a list\n"
           "                         (flac,mp3) writes several files at once, the first is the main one\n"
           "  --video-source SPEC    the picture of the video formats, for this launch: spectrum (the visualizer),\n"
           "                         screen[:DISPLAY], camera[:DEVICE], lavfi:GRAPH, file:PATH, FORMAT:INPUT, URL\n"
           "  --settings-dir DIR     where settings and the plugin list live (default ~/.config/Capstan)\n"
           "  --screenshot FILE      save the main window as PNG (mid-take when recording, else after 1 s)\n"
           "  --screenshot-delay S   when to take it\n"
           "  --add-plugin ID        append a plugin to the chain: gain or gain:DB (built in, e.g. gain:+12),\n"
           "                         a known plugin's name, a .vst3 path or an LV2 bundle/URI\n"
           "  --plugin-path DIR      an extra folder for the plugin scan\n"
           "  --scan                 scan for plugins at launch\n"
           "  --pre-chain            also record the signal before the plugin chain, to a second file\n"
           "  --monitor              hear the input on the outputs (input monitoring; off by default)\n"
           "  --show WHAT            open a dialog at launch: about, audio-settings\n"
           "  --version              print the version and exit\n"
           "\n"
           "With --quit-when-done, each file's peak and its samples at full scale (as the meters counted them) are\n"
           "printed after the take.\n"
           "Keys in the window: Space records and stops, P pauses and resumes.\n";
}

void applyRecordOptions(const AppOptions& options, TakeSettings& settings)
{
    if (!options.formats.empty())
    {
        settings.format = parseRecordingFormat(options.formats.front());
        settings.extraFormats.clear();
        for (size_t i = 1; i < options.formats.size(); ++i)
            settings.extraFormats.push_back(parseRecordingFormat(options.formats[i]));
    }
    if (options.videoSource.has_value())
    {
        settings.videoSource = *options.videoSource == "spectrum" ? std::string() : *options.videoSource;
        if (!settings.videoSource.empty())
            VideoSourceSpec::parse(settings.videoSource); // a clear error now rather than at the first take
    }
    if (!options.recordPath.has_value())
        return;
    const std::filesystem::path path(*options.recordPath);
    const std::string extension = path.extension().string();
    if (!extension.empty() && !std::filesystem::is_directory(path))
    {
        for (auto format : allRecordingFormats())
        {
            if (recordingFormatExtension(format) != extension)
                continue;
            // Unless --format chose: the saved format when it has this extension, else the first that has it.
            if (options.formats.empty() && recordingFormatExtension(settings.format) != extension)
            {
                settings.format = format;
                settings.extraFormats.clear();
            }
            settings.folder = path.has_parent_path() ? path.parent_path().string() : std::string(".");
            settings.pattern = path.stem().string();
            return;
        }
    }
    settings.folder = path.string();
}

std::string resolveSettingsDir(const std::string& flag)
{
    if (!flag.empty())
        return flag;
    if (const char* env = std::getenv("CAPSTAN_SETTINGS_DIR"); env != nullptr && *env != '\0')
        return env;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0')
        return std::string(xdg) + "/Capstan";
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : ".") + "/.config/Capstan";
}

} // namespace capstan::app

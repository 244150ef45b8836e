#pragma once

#include <optional>
#include <string>
#include <vector>

namespace capstan
{
struct TakeSettings;
}

namespace capstan::app
{

/** The app's command-line flags, so that it can be scripted and tested. Unknown flags and bad values throw
    capstan::Error naming the flag and what it accepts. */
struct AppOptions
{
    std::optional<std::string> recordPath;  ///< --record: a folder, or a file pattern ("DIR/name.flac")
    double durationSeconds = 0;             ///< --duration: stop after this much audio (0: until stopped)
    bool quitWhenDone = false;              ///< --quit-when-done: exit once the take is finished
    std::string audioBackend;               ///< --audio-backend: "dummy", "alsa", "jack" or a JUCE type name
    std::string device;                     ///< --device: the input device's name within the backend
    std::vector<std::string> formats;       ///< --format: ids (first = main, rest = extra), e.g. flac,mp3
    std::optional<std::string> videoSource; ///< --video-source: the video formats' picture, "spectrum" or a spec
    std::string settingsDir;                ///< --settings-dir (or $CAPSTAN_SETTINGS_DIR)
    std::string screenshotPath;             ///< --screenshot: the main window as PNG (createComponentSnapshot)
    double screenshotDelaySeconds = -1;     ///< --screenshot-delay (default: mid-take when recording, else 1 s)
    std::vector<std::string> addPlugins;    ///< --add-plugin: "gain[:DB]" or a .vst3 path / LV2 URI, appended
    std::vector<std::string> pluginPaths;   ///< --plugin-path: extra folders the scan searches
    bool scan = false;                      ///< --scan: scan for plugins at startup
    bool preChain = false;                  ///< --pre-chain: also record the pre-chain signal to a second file
    bool monitor = false;                   ///< --monitor: input monitoring on, for this launch
    std::string show;                       ///< --show: "about" or "audio-settings", opened at launch
    bool help = false;
    bool version = false; ///< --version: print it and exit, touching nothing

    static AppOptions parse(const std::vector<std::string>& args);
    static std::string usage();
};

/** Applies --record PATH, --format and --video-source to `settings`: a PATH whose name ends in a format's extension
   (take.flac) sets the folder, the pattern (the name without extension, tokens allowed) and, without --format, the
   format; any other PATH is the folder. Throws capstan::Error for an unknown format id or a video source spec that does
   not parse. */
void applyRecordOptions(const AppOptions& options, capstan::TakeSettings& settings);

/** Where settings live: `flag` when given, else $CAPSTAN_SETTINGS_DIR, else $XDG_CONFIG_HOME/Capstan, else
    ~/.config/Capstan. */
std::string resolveSettingsDir(const std::string& flag);

} // namespace capstan::app

#include "TakeSettings.h"

#include <capstan/media/Error.h>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace capstan
{

namespace
{
struct FormatInfo
{
    RecordingFormat format;
    const char* id;
    const char* label;
    const char* extension;
};

// Menu order. The ids are saved in host projects and settings files: never change one.
constexpr FormatInfo formatTable[] = {
    {RecordingFormat::wav16, "wav16", "WAV 16-bit", ".wav"},
    {RecordingFormat::wav24, "wav24", "WAV 24-bit", ".wav"},
    {RecordingFormat::wav32f, "wav32f", "WAV 32-bit float", ".wav"},
    {RecordingFormat::flac, "flac", "FLAC", ".flac"},
    {RecordingFormat::mp3, "mp3", "MP3", ".mp3"},
    {RecordingFormat::aac, "aac", "AAC (M4A)", ".m4a"},
    {RecordingFormat::opus, "opus", "Opus", ".opus"},
    {RecordingFormat::mp4Video, "mp4Video", "MP4 video (AAC + H.264 spectrum)", ".mp4"},
    {RecordingFormat::mkvVideo, "mkvVideo", "MKV video (FLAC + H.264 spectrum)", ".mkv"},
};

const FormatInfo& info(RecordingFormat format)
{
    for (const auto& entry : formatTable)
        if (entry.format == format)
            return entry;
    throw Error("RecordingFormat " + std::to_string(int(format)) + " is unknown");
}

std::string environment(const char* name)
{
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}

std::string homeFolder()
{
    std::string home = environment("HOME");
    if (home.empty())
        if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_dir != nullptr)
            home = entry->pw_dir;
    return home;
}

/** XDG_MUSIC_DIR from user-dirs.dirs ("$HOME/Music" style, as xdg-user-dirs writes it); empty when not set. */
std::string xdgMusicFromUserDirs(const std::string& home)
{
    std::string configHome = environment("XDG_CONFIG_HOME");
    if (configHome.empty())
    {
        if (home.empty())
            return {};
        configHome = home + "/.config";
    }
    std::ifstream file(configHome + "/user-dirs.dirs");
    std::string line;
    while (std::getline(file, line))
    {
        const std::string key = "XDG_MUSIC_DIR=";
        if (line.rfind(key, 0) != 0)
            continue;
        std::string value = line.substr(key.size());
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (value.rfind("$HOME", 0) == 0)
            value = home + value.substr(5);
        // xdg-user-dirs sets a disabled directory to $HOME itself: not a music folder.
        if (value.empty() || value.front() != '/' || value == home || value == home + "/")
            return {};
        return value;
    }
    return {};
}
} // namespace

const std::vector<RecordingFormat>& allRecordingFormats()
{
    static const std::vector<RecordingFormat> formats = []
    {
        std::vector<RecordingFormat> result;
        for (const auto& entry : formatTable)
            result.push_back(entry.format);
        return result;
    }();
    return formats;
}

std::string recordingFormatLabel(RecordingFormat format)
{
    return info(format).label;
}

std::string recordingFormatExtension(RecordingFormat format)
{
    return info(format).extension;
}

std::string recordingFormatId(RecordingFormat format)
{
    return info(format).id;
}

RecordingFormat parseRecordingFormat(const std::string& id)
{
    std::string accepted;
    for (const auto& entry : formatTable)
    {
        if (id == entry.id)
            return entry.format;
        accepted += (accepted.empty() ? "" : ", ") + std::string(entry.id);
    }
    throw Error("recording format '" + id + "' is unknown (accepted: " + accepted + ")");
}

bool hasVideo(RecordingFormat format)
{
    return format == RecordingFormat::mp4Video || format == RecordingFormat::mkvVideo;
}

bool usesBitrate(RecordingFormat format)
{
    return format == RecordingFormat::mp3 || format == RecordingFormat::aac || format == RecordingFormat::opus ||
           format == RecordingFormat::mp4Video;
}

std::string defaultRecordFolder()
{
    if (std::string overridden = environment("CAPSTAN_RECORD_DIR"); !overridden.empty())
        return overridden;
    const std::string home = homeFolder();
    std::string music = environment("XDG_MUSIC_DIR");
    if (music.empty())
        music = xdgMusicFromUserDirs(home);
    if (!music.empty())
        return music + "/Capstan";
    return (home.empty() ? std::string(".") : home) + "/Music/Capstan";
}

OutputSpec makeOutputSpec(RecordingFormat format, int bitrateKbps, const std::string& path)
{
    if (bitrateKbps < 8 || bitrateKbps > 512)
        throw Error("bit rate " + std::to_string(bitrateKbps) + " kb/s is out of range (accepted: 8..512 kb/s)");
    OutputSpec spec;
    spec.path = path;
    spec.crashSafe = true; // fragmented MP4 remuxed at stop, short MKV clusters, short Ogg pages
    const int64_t bitRate = int64_t(bitrateKbps) * 1000;
    switch (format)
    {
    case RecordingFormat::wav16:
        spec.format = "wav";
        spec.encoder = "pcm_s16le";
        break;
    case RecordingFormat::wav24:
        spec.format = "wav";
        spec.encoder = "pcm_s24le";
        break;
    case RecordingFormat::wav32f:
        spec.format = "wav";
        spec.encoder = "pcm_f32le";
        break;
    case RecordingFormat::flac:
        spec.format = "flac";
        spec.encoder = "flac";
        spec.encoderFormat = "s32"; // 24-bit FLAC
        break;
    case RecordingFormat::mp3:
        spec.format = "mp3";
        spec.encoder = "libmp3lame";
        spec.codecConfig.bitRate = bitRate;
        break;
    case RecordingFormat::aac:
        spec.format = "ipod"; // .m4a
        spec.encoder = "aac";
        spec.codecConfig.bitRate = bitRate;
        break;
    case RecordingFormat::opus:
        spec.format = "opus";
        spec.encoder = "libopus"; // takes 48 kHz (and 8/12/16/24): other rates are resampled by the writer
        spec.codecConfig.bitRate = bitRate;
        break;
    case RecordingFormat::mp4Video:
        spec.format = "mp4";
        spec.encoder = "aac";
        spec.codecConfig.bitRate = bitRate;
        spec.withVideo = true;
        break;
    case RecordingFormat::mkvVideo:
        spec.format = "matroska";
        spec.encoder = "flac";
        spec.encoderFormat = "s32";
        spec.withVideo = true;
        break;
    default:
        throw Error("RecordingFormat " + std::to_string(int(format)) + " is unknown");
    }
    return spec;
}

VideoSpec makeVideoSpec(const TakeSettings& settings)
{
    const auto even = [](int v) { return v > 0 && v % 2 == 0; };
    if (!even(settings.videoWidth) || !even(settings.videoHeight) || settings.videoWidth > 7680 ||
        settings.videoHeight > 4320)
        throw Error("video size " + std::to_string(settings.videoWidth) + "x" + std::to_string(settings.videoHeight) +
                    " is invalid (accepted: even sides up to 7680x4320, e.g. 640x360)");
    if (!settings.videoFrameRate.isValid() || settings.videoFrameRate.toDouble() > 240.0)
        throw Error("video frame rate " + std::to_string(settings.videoFrameRate.num) + "/" +
                    std::to_string(settings.videoFrameRate.den) +
                    " is invalid (accepted: a positive ratio up to 240, e.g. 30/1 or 30000/1001)");
    VideoSpec video;
    video.enabled = true;
    video.width = settings.videoWidth;
    video.height = settings.videoHeight;
    video.frameRate = settings.videoFrameRate;
    video.format = PixelFormat::bgra; // what LiveSpectrumVideo draws
    video.encoder = "libx264";
    video.encoderFormat = "yuv420p";
    // No B-frames: frame 0 at pts 0 also in the fragmented (crash-safe) MP4, which has no edit list.
    video.encoderOptions = {{"preset", "veryfast"}, {"tune", "zerolatency"}};
    const int fps = int(settings.videoFrameRate.toDouble() + 0.999);
    video.queueFrames = fps < 8 ? 8 : (fps > 64 ? 64 : fps);
    return video;
}

} // namespace capstan

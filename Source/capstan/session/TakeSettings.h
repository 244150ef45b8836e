#pragma once

#include <capstan/media/StreamConfig.h>
#include <capstan/realtime/RecorderConfig.h>

#include <string>
#include <vector>

namespace capstan
{

/** The output formats a recording product offers (the plugin's and the app's format menus). */
enum class RecordingFormat
{
    wav16,
    wav24,
    wav32f,
    flac,
    mp3,
    aac,      ///< AAC in .m4a
    opus,     ///< Opus in .opus (48 kHz; other rates are resampled)
    mp4Video, ///< AAC + H.264 spectrum-visualizer video in .mp4
    mkvVideo  ///< FLAC + H.264 spectrum-visualizer video in .mkv
};

/** What a user chooses for their takes; plain data, saved with the host project or the app's settings. */
struct TakeSettings
{
    RecordingFormat format = RecordingFormat::wav24;
    std::vector<RecordingFormat> extraFormats; ///< written at the same time, same name with their own extension
    int bitrateKbps = 192;                     ///< mp3, aac, opus and the video formats' audio
    std::string folder;                        ///< empty: defaultRecordFolder()
    std::string pattern = "%track%_%date%_%time%_take%take%"; ///< tokens: %track% %date% %time% %take%
    double preRollSeconds = 0.0;
    int videoWidth = 640;
    int videoHeight = 360;
    Rational videoFrameRate{30, 1};
    // Added by the session layer (issue 17):
    /** The picture of the video formats: empty for the spectrum visualizer, else a VideoSourceSpec text ("screen",
        "camera:/dev/video0", "lavfi:testsrc2", "file:PATH", "FORMAT:INPUT", a URL). The app sets it; the plugin never
        does. */
    std::string videoSource;
    /** With a video source: record at videoWidth x videoHeight (scaled) instead of the source's own size. */
    bool videoSourceScaled = false;
};

/** Every RecordingFormat, in menu order, with its menu label ("WAV 24-bit", ...) and file extension (".wav"). */
const std::vector<RecordingFormat>& allRecordingFormats();
std::string recordingFormatLabel(RecordingFormat format);
std::string recordingFormatExtension(RecordingFormat format);
/** Stable identifier for saving ("wav24", "flac", ...) and back; parse throws capstan::Error listing the accepted
    names. */
std::string recordingFormatId(RecordingFormat format);
RecordingFormat parseRecordingFormat(const std::string& id);
bool hasVideo(RecordingFormat format);
/** Whether TakeSettings::bitrateKbps applies: the lossy formats (mp3, aac, opus, mp4Video's AAC). The GUIs grey the
    bit rate out otherwise. */
bool usesBitrate(RecordingFormat format);

/** The folder takes go to when TakeSettings::folder is empty: $CAPSTAN_RECORD_DIR when set, else the XDG music
    directory ($XDG_MUSIC_DIR or ~/.config/user-dirs.dirs) + "/Capstan", else ~/Music/Capstan. */
std::string defaultRecordFolder();

/** The Recorder output for one format written to `path` (encoder, sample format, bit rate, crash-safe options). */
OutputSpec makeOutputSpec(RecordingFormat format, int bitrateKbps, const std::string& path);

// Added by the session layer (not in the first contract):

/** The Recorder video stream of the video formats at the settings' size and frame rate: bgra in (what
    LiveSpectrumVideo draws), libx264 yuv420p out, no B-frames. Throws capstan::Error for an odd or empty size or a bad
    frame rate, naming what is accepted. */
VideoSpec makeVideoSpec(const TakeSettings& settings);

} // namespace capstan

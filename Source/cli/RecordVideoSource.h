#pragma once

#include "ArgumentParser.h"

#include <capstan/capture/VideoCapture.h>
#include <capstan/capture/VideoInput.h>
#include <capstan/realtime/CallbackDriver.h>
#include <capstan/realtime/RecorderConfig.h>

#include <memory>

namespace capstan::cli
{

/** `record --video-source SPEC` and its options (--video-size, --video-source-option, --fps-mode). */
void addVideoSourceOptions(ArgumentParser& parser);

/** The recording's video source, from the parsed options: opened (errors say what exists), and the recorder's video
    stream configured from what it delivers (its size and rate unless --video-size/--fps say otherwise). Empty when no
    --video-source was given. */
class RecordVideoSource
{
public:
    /** `pacing`: the audio's; a file or filter graph follows it (realtime: played as live; fast: timed by the audio
        clock), a screen, camera or stream needs realtime. */
    RecordVideoSource(const ParsedArguments& arguments, RecorderConfig& config, CallbackDriver::Pacing pacing);
    ~RecordVideoSource();

    explicit operator bool() const { return input != nullptr; }

    /** Prepares capturing into `recorder` (made from the configuration above), with the --visualize overlay. */
    void attach(Recorder& recorder);
    /** Starts the capture thread (after recorder.arm()). */
    void start();
    /** Where the --visualize overlay's frames go (null without one). After attach(). */
    PreviewFrame* overlay() const { return capture ? capture->overlay() : nullptr; }
    /** After the audio stopped, before recorder.stop(). */
    void stop();

    /** With no clock (--pace fast) the audio must not run far ahead of the picture: true while it should wait. */
    bool audioShouldWait(int64_t audioPosition, int sampleRate) const;

private:
    std::unique_ptr<VideoInput> input;
    std::unique_ptr<VideoCapture> capture;
    VideoCapture::Config captureConfig;
    int overlayWidth = 0, overlayHeight = 0; ///< --visualize WxH drawn over the picture
};

} // namespace capstan::cli

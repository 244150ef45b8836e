#pragma once

namespace capstan
{

/** Sees the audio a Recorder takes, on the audio thread (Recorder::setAudioTap): one call per pushAudio() while the
    recorder is armed or recording, with the same arguments, so the frames a tap has seen since arm() are the
    recorder's audio sample clock. tap() runs inside the audio callback: it must keep the audio-thread rules (no
    allocation, no lock, no syscall, no exception) and be short. */
class AudioTap
{
public:
    virtual ~AudioTap() = default;
    virtual void tap(const float* const* channels, int numChannels, int numFrames) noexcept = 0;
};

} // namespace capstan

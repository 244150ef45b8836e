#pragma once

#include <string>
#include <vector>

namespace capstan
{

/** The audio inputs JUCE finds (ALSA, then JACK), with what `capstan devices` shows about each: channels, rates,
    the type's default, and what an ALSA PCM really is (a card, a sound-server bridge, or a plugin that converts
    another device). The header is JUCE-free. */
class DeviceList
{
public:
    /** What an ALSA PCM is, from its ALSA name ("hw:0,0", "jack", "lavrate"...). */
    enum class Kind
    {
        hardware, ///< a sound card (hw:, front:, sysdefault:, dsnoop: ...)
        standard, ///< ALSA's "default" device
        bridge,   ///< a sound server seen through ALSA: jack, pulse, pipewire
        plugin,   ///< a converter around another device: resamplers, up/downmix, speex, oss emulation
        jack      ///< a JACK client (JUCE's JACK type)
    };
    static const char* name(Kind kind);

    struct Input
    {
        std::string type;     ///< "ALSA", "JACK"
        std::string name;     ///< what --source device:NAME matches
        std::string alsaName; ///< the ALSA PCM name when known ("jack", "hw:0,0"), else empty
        Kind kind = Kind::hardware;
        std::string note;       ///< e.g. "resampler", "reads JACK's system:capture ports"
        bool isDefault = false; ///< the type's default input
        int numChannels = 0;    ///< 0: not known (the device did not open)
        std::vector<int> sampleRates;
        std::string problem; ///< why it could not be queried, empty when it could
    };

    struct Type
    {
        std::string name;          ///< "ALSA", "JACK"
        std::vector<Input> inputs; ///< in JUCE's order
        std::string emptyReason;   ///< when there is no input, why (e.g. "no JACK server running")
    };

    /** Scans every device type; `probe` opens each input briefly for its channels and rates (ALSA's jack PCM takes
        about 2 s). */
    static std::vector<Type> scan(bool probe);

    /** The kind of an ALSA PCM name, and a short note (empty for plain devices). */
    static Kind alsaKind(const std::string& alsaName, std::string* note = nullptr);
    /** The ALSA PCM name behind one of JUCE's ALSA input names (JUCE shows descriptions), empty when unknown. */
    static std::string alsaNameOf(const std::string& juceName);
};

} // namespace capstan

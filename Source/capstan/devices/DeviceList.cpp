#include "DeviceList.h"
#include "JackMessages.h"

#include <juce_audio_devices/juce_audio_devices.h>

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cstdlib>

namespace capstan
{

namespace
{
bool startsWith(const std::string& text, const char* prefix)
{
    return text.rfind(prefix, 0) == 0;
}

std::string hint(const void* entry, const char* field)
{
    char* value = snd_device_name_get_hint(entry, field);
    std::string text = value != nullptr ? value : "";
    std::free(value);
    return text;
}
} // namespace

const char* DeviceList::name(Kind kind)
{
    switch (kind)
    {
    case Kind::hardware:
        return "card";
    case Kind::standard:
        return "default";
    case Kind::bridge:
        return "bridge";
    case Kind::plugin:
        return "plugin";
    case Kind::jack:
        return "client";
    }
    return "?";
}

DeviceList::Kind DeviceList::alsaKind(const std::string& id, std::string* note)
{
    auto say = [note](const char* text)
    {
        if (note != nullptr)
            *note = text;
    };
    say("");
    if (id.empty())
        return Kind::hardware; // not one of ALSA's hints: JUCE found it as a card
    if (id == "default")
        return Kind::standard;
    if (id == "jack")
    {
        say("ALSA plugin reading JACK's system:capture ports (digital silence on a dummy or unconnected server)");
        return Kind::bridge;
    }
    if (id == "pulse")
    {
        say("PulseAudio (or PipeWire's pulse server) through ALSA");
        return Kind::bridge;
    }
    if (id == "pipewire")
    {
        say("PipeWire through ALSA");
        return Kind::bridge;
    }
    for (const char* card : {"hw:", "sysdefault:", "front:", "dsnoop:", "surround", "iec958:", "hdmi:", "usbstream:"})
        if (startsWith(id, card))
            return Kind::hardware;
    // Everything else wraps another device (usually "default"): it adds a conversion, not an input.
    if (startsWith(id, "lavrate") || startsWith(id, "samplerate") || startsWith(id, "speexrate"))
        say("resampler around the default device");
    else if (id == "upmix")
        say("channel upmix around the default device");
    else if (id == "vdownmix")
        say("channel downmix around the default device");
    else if (id == "speex")
        say("Speex DSP (denoise, AGC) around the default device");
    else if (id == "oss")
        say("OSS emulation");
    else if (startsWith(id, "plug"))
        say("format converter");
    else
        say("ALSA plugin");
    return Kind::plugin;
}

std::string DeviceList::alsaNameOf(const std::string& juceName)
{
    // JUCE adds these two by name when ALSA's hints lack them.
    if (juceName == "Default ALSA Input")
        return "default";
    if (juceName == "Pulseaudio input")
        return "pulse";
    void** hints = nullptr;
    if (snd_device_name_hint(-1, "pcm", &hints) != 0)
        return {};
    std::string found;
    for (void** entry = hints; *entry != nullptr && found.empty(); ++entry)
    {
        // JUCE shows the description with its line breaks as "; ", or the name when there is none.
        std::string shown;
        for (const char c : hint(*entry, "DESC"))
            shown += c == '\n' ? std::string("; ") : std::string(1, c);
        const std::string id = hint(*entry, "NAME");
        if (shown == juceName || (shown.empty() && id == juceName))
            found = id;
    }
    snd_device_name_free_hint(hints);
    return found;
}

std::vector<DeviceList::Type> DeviceList::scan(bool probe)
{
    quietenJack();
    juce::ScopedJuceInitialiser_GUI juceInit; // JUCE's device classes need a MessageManager; no display involved
    juce::AudioDeviceManager manager;
    std::vector<Type> result;
    for (const char* wanted : {"ALSA", "JACK"})
        for (auto* type : manager.getAvailableDeviceTypes())
        {
            if (type->getTypeName() != wanted)
                continue;
            type->scanForDevices();
            Type listed{.name = wanted};
            const auto names = type->getDeviceNames(true);
            const int defaultIndex = type->getDefaultDeviceIndex(true);
            for (int i = 0; i < names.size(); ++i)
            {
                Input input{.type = wanted, .name = names[i].toStdString()};
                if (listed.name == "ALSA")
                {
                    input.alsaName = alsaNameOf(input.name);
                    input.kind = alsaKind(input.alsaName, &input.note);
                    input.isDefault = input.alsaName == "default";
                    if (input.alsaName == "null")
                        continue; // not paced: never an input
                }
                else
                {
                    input.kind = Kind::jack;
                    input.isDefault = i == defaultIndex;
                }
                if (probe)
                {
                    std::unique_ptr<juce::AudioIODevice> device(type->createDevice({}, names[i]));
                    if (device != nullptr)
                    {
                        input.numChannels = device->getInputChannelNames().size();
                        for (const double rate : device->getAvailableSampleRates())
                            input.sampleRates.push_back(int(rate + 0.5));
                    }
                    if (input.numChannels == 0)
                        input.problem = "does not open for capture";
                }
                listed.inputs.push_back(std::move(input));
            }
            if (listed.inputs.empty())
                listed.emptyReason = listed.name == "JACK" ? "no JACK server running" : "no input device";
            result.push_back(std::move(listed));
        }
    return result;
}

} // namespace capstan

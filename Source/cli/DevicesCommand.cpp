#include "DevicesCommand.h"

#include "ArgumentParser.h"
#include "CommandSupport.h"

#include <capstan/media/Error.h>
#if CAPSTAN_HAVE_DEVICES
#include <capstan/devices/DeviceList.h>
#endif

#include <algorithm>
#include <cstdio>
#include <string>

namespace capstan::cli
{

namespace
{
#if CAPSTAN_HAVE_DEVICES
std::string describeRates(const std::vector<int>& rates)
{
    if (rates.empty())
        return "-";
    if (rates.size() == 1)
        return std::to_string(rates.front()) + " Hz";
    const auto [low, high] = std::minmax_element(rates.begin(), rates.end());
    return std::to_string(*low) + "-" + std::to_string(*high) + " Hz";
}

void printType(const DeviceList::Type& type)
{
    if (type.inputs.empty())
    {
        std::printf("%s inputs: none (%s)\n", type.name.c_str(), type.emptyReason.c_str());
        return;
    }
    std::printf("%s inputs:\n", type.name.c_str());
    for (const auto& input : type.inputs)
    {
        const std::string channels = input.numChannels > 0 ? std::to_string(input.numChannels) + " ch" : "-";
        std::string notes = input.alsaName.empty() ? std::string() : "ALSA '" + input.alsaName + "'";
        if (!input.note.empty())
            notes += (notes.empty() ? "" : ", ") + input.note;
        if (!input.problem.empty())
            notes += (notes.empty() ? "" : "; ") + input.problem;
        std::printf("  %c %-7s %-5s %-13s '%s'%s\n", input.isDefault ? '*' : ' ', DeviceList::name(input.kind),
                    channels.c_str(), describeRates(input.sampleRates).c_str(), input.name.c_str(),
                    notes.empty() ? "" : ("  (" + notes + ")").c_str());
    }
}
#endif
} // namespace

int runDevicesCommand(const std::vector<std::string>& args)
{
    ArgumentParser parser("capstan devices",
                          "List the audio inputs JUCE finds through ALSA and JACK: their channels and sample rates, "
                          "which one is the default, and what each ALSA device is (a card, a bridge to a sound "
                          "server, or a plugin that converts another device).");
    parser.flag("no-probe", "do not open the inputs (faster; channels and rates are then not shown)")
        .epilog("Kinds: card (a sound card), default (ALSA's default device), bridge (JACK, PulseAudio or PipeWire "
                "through ALSA), plugin (a resampler, up/downmix or other converter around another device), client "
                "(a JACK client with output ports). * marks each type's default.\n"
                "Record one with: capstan record take.flac --source device:NAME (the name, or a part of it). Without "
                "--source, record uses the first input that opens: ALSA's default, cards and bridges, then JACK; "
                "plugins only by name.");
    addVerboseFlag(parser);
    const auto parsed = parseCommandLine(parser, args);
    if (!parsed)
        return 0; // --help was printed
#if CAPSTAN_HAVE_DEVICES
    for (const auto& type : DeviceList::scan(!parsed->has("no-probe")))
        printType(type);
    return 0;
#else
    throw Error("this build has no audio device support (capstan_devices, JUCE): record with --source "
                "tone|noise|file:PATH");
#endif
}

} // namespace capstan::cli

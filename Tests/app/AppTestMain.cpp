// Catch2's main wrapped in a JUCE session (a MessageManager for JUCE's device and plugin classes; no display needed
// for anything these tests open).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <juce_events/juce_events.h>

int main(int argc, char* argv[])
{
    const juce::ScopedJuceInitialiser_GUI juce;
    return Catch::Session().run(argc, argv);
}

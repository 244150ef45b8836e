// The plugin tests' own main: JUCE's message manager and GUI singletons must exist while plugins are created and
// hosted (pamplejuce's Catch2Main idea).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <juce_events/juce_events.h>

int main(int argc, char* argv[])
{
    const juce::ScopedJuceInitialiser_GUI juce;
    return Catch::Session().run(argc, argv);
}

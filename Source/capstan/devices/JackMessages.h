#pragma once

namespace capstan
{

/** Call before JUCE lists or opens devices. Listing JUCE's JACK device type (and ALSA's jack plugin) asks libjack for
    a server; without this, libjack tries to start one and prints several lines per attempt, where Capstan reports
    what it found in its own words. Sets JACK_NO_START_SERVER (unless already set) and silences libjack's error and
    info messages when libjack is installed. Safe to call more than once. */
void quietenJack();

} // namespace capstan

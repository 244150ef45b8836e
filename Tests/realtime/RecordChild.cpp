// A child process for the kill test: records a tone in real time into one output until it is killed.
// usage: capstan_realtime_record_child OUTPUT ENCODER [MAX_SECONDS]

#include <capstan/realtime/CallbackDriver.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::fprintf(stderr, "usage: %s OUTPUT ENCODER [MAX_SECONDS]\n", argv[0]);
        return 2;
    }
    try
    {
        const double maxSeconds = argc > 3 ? std::atof(argv[3]) : 60.0;
        capstan::RecorderConfig config;
        config.sampleRate = 48000;
        config.numChannels = 2;
        config.outputs.push_back({.path = argv[1], .encoder = argv[2]});
        capstan::Recorder recorder(config);
        capstan::TestSignal signal({.kind = capstan::TestSignal::Kind::tone});
        capstan::CallbackDriver driver(signal,
                                       {.blockFrames = 480, .pacing = capstan::CallbackDriver::Pacing::realtime});
        recorder.start();
        std::printf("recording\n");
        std::fflush(stdout);
        driver.run(recorder, int64_t(maxSeconds * config.sampleRate));
        recorder.stop();
        return recorder.errors().empty() ? 0 : 1;
    }
    catch (const std::exception& e)
    {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}

#include "EncodeCopy.h"

#include "CommandSupport.h"
#include "EncodeChoices.h"
#include "InterruptGuard.h"
#include "ProgressLine.h"
#include "StreamSelection.h"

#include <capstan/media/Remuxer.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace capstan::cli
{

bool wantsStreamCopy(const ParsedArguments& a)
{
    const bool audio = a.get("encoder") == "copy";
    const bool video = a.get("video-encoder") == "copy";
    if (!audio && !video)
        return false;
    // A copy is the packets as they are: nothing that changes samples or pictures can apply to it.
    const char* encodingOnly[] = {"encoder-format",
                                  "encoder-sample-rate",
                                  "encoder-channels",
                                  "bit-rate",
                                  "compression-level",
                                  "qscale",
                                  "option",
                                  "filter",
                                  "chunk-frames",
                                  "video-encoder-format",
                                  "video-frame-rate",
                                  "video-size",
                                  "video-bit-rate",
                                  "gop",
                                  "max-b-frames",
                                  "video-option",
                                  "video-filter"};
    for (const char* name : encodingOnly)
        if (a.has(name))
            throw UsageError(std::string("--") + name +
                             " changes what is encoded, but copy writes the packets as "
                             "they are: leave out --" +
                             name + " or name an encoder instead of copy");
    // One stream copied and the other re-encoded would need both paths in one muxer: not offered (yet).
    if ((audio && a.has("video-encoder") && !video) || (video && a.has("encoder") && !audio))
        throw UsageError("copy applies to every stream encode writes: use --encoder copy --video-encoder copy, or "
                         "leave the other stream out (--no-audio or --no-video)");
    return true;
}

int runStreamCopy(const ParsedArguments& a, const CopyRequest& r)
{
    Remuxer remuxer(r.input, r.inputFormat);
    const auto [muxerAudio, muxerVideo] = muxerTakes(r.output, r.format);
    const StreamSelection selection =
        selectStreams(a, remuxer.streams(), remuxer.bestAudioStream(), remuxer.bestVideoStream(),
                      muxerAudio && !a.has("no-audio"), muxerVideo && !a.has("no-video"), r.input);
    Remuxer::Request request{.output = r.output,
                             .format = r.format,
                             .start = r.start,
                             .end = r.end,
                             .formatOptions = r.formatOptions,
                             .metadata = r.metadata};
    for (const int index : {selection.audio, selection.video})
        if (index >= 0)
            request.streams.push_back(index);
    if (request.streams.empty())
        throw Error("nothing to copy: '" + r.input + "' has no stream that the output can take");
    remuxer.open(request);

    ProgressLine progress(a, cutLength(remuxer.duration(), r.start, r.end));
    // --realtime paces the copy by its packets' times, as ffmpeg -re -c copy does (a file to a live server).
    const bool realtime = a.has("realtime");
    const auto wallStart = std::chrono::steady_clock::now();
    while (!InterruptGuard::interrupted() && remuxer.copyNext())
    {
        progress.update(remuxer.position());
        if (realtime)
            std::this_thread::sleep_until(wallStart + std::chrono::microseconds(int64_t(remuxer.position() * 1e6)));
    }
    remuxer.close();
    progress.finish(remuxer.position());

    std::string copied;
    for (const int index : request.streams)
    {
        const MediaStreamInfo& info = remuxer.streams()[size_t(index)];
        copied += std::string(copied.empty() ? "" : ", ") + (info.isAudio() ? "audio " : "video ") + info.codec;
    }
    if (progress.isShown())
        std::fprintf(stderr, "capstan: wrote %s to %s (%.3f s): %s copied without re-encoding (%lld packets)\n",
                     formatBytes(remuxer.bytesWritten()).c_str(), r.output.c_str(), remuxer.position(), copied.c_str(),
                     (long long)remuxer.packetsCopied());
    if (remuxer.packetsCopied() == 0)
        std::fprintf(stderr, "capstan: warning: nothing was copied: --ss %.3f is at or past the end of '%s'\n", r.start,
                     r.input.c_str());
    if (InterruptGuard::interrupted())
    {
        std::fprintf(stderr, "capstan: interrupted by %s: '%s' was finished cleanly and holds the first %.3f s\n",
                     InterruptGuard::signalName().c_str(), r.output.c_str(), remuxer.position());
        return 1;
    }
    return 0;
}

} // namespace capstan::cli

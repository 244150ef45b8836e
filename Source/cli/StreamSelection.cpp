#include "StreamSelection.h"

#include <charconv>

namespace capstan::cli
{
namespace
{
using Kind = MediaStreamInfo::Kind;

std::vector<int> indexesOf(const std::vector<MediaStreamInfo>& streams, Kind kind)
{
    std::vector<int> indexes;
    for (const auto& s : streams)
        if (s.kind == kind)
            indexes.push_back(s.index);
    return indexes;
}

std::optional<int> parseIndex(std::string_view text)
{
    int value = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

std::string inventory(const std::vector<MediaStreamInfo>& streams, const std::string& input)
{
    std::string text = "'" + input + "' has";
    if (streams.empty())
        return text + " no streams";
    int audio = 0, video = 0;
    for (const auto& s : streams)
    {
        const int n = s.kind == Kind::audio ? audio++ : s.kind == Kind::video ? video++ : -1;
        text += (s.index == 0 ? " " : ", ") + std::to_string(s.index) + " (" +
                (n < 0 ? "other" : std::string(s.kind == Kind::audio ? "0:a:" : "0:v:") + std::to_string(n)) + " " +
                s.codec + ")";
    }
    return text;
}

/** The stream a --map SPEC names: "[0:]a[:N]", "[0:]v[:N]" or "[0:]N". */
int resolveMap(const std::string& spec, const std::vector<MediaStreamInfo>& streams, int bestAudio, int bestVideo,
               const std::string& input)
{
    std::string_view rest = spec;
    if (rest.starts_with("0:"))
        rest.remove_prefix(2);
    else if (rest.size() > 1 && rest[1] == ':' && rest[0] >= '1' && rest[0] <= '9')
        throw UsageError("--map " + spec + ": encode has one input, number 0");
    const auto fail = [&](const std::string& why) -> int
    { throw UsageError("--map " + spec + ": " + why + "; " + inventory(streams, input)); };
    if (auto index = parseIndex(rest))
    {
        if (*index >= int(streams.size()))
            return fail("there is no stream " + std::to_string(*index));
        return *index;
    }
    if (rest.empty() || (rest[0] != 'a' && rest[0] != 'v') || (rest.size() > 1 && rest[1] != ':'))
        throw UsageError("--map takes 0:a, 0:a:N, 0:v, 0:v:N or 0:N (stream number), got '" + spec + "'");
    const Kind kind = rest[0] == 'a' ? Kind::audio : Kind::video;
    const std::vector<int> ofKind = indexesOf(streams, kind);
    if (rest.size() == 1)
    {
        const int best = kind == Kind::audio ? bestAudio : bestVideo;
        return best >= 0 ? best
                         : fail(std::string("there is no ") + (kind == Kind::audio ? "audio" : "video") + " stream");
    }
    const auto n = parseIndex(rest.substr(2));
    if (!n)
        throw UsageError("--map takes 0:a, 0:a:N, 0:v, 0:v:N or 0:N (stream number), got '" + spec + "'");
    if (*n >= int(ofKind.size()))
        return fail("there is no " + std::string(kind == Kind::audio ? "audio" : "video") + " stream " +
                    std::to_string(*n));
    return ofKind[size_t(*n)];
}
} // namespace

ArgumentParser& addStreamSelectionOptions(ArgumentParser& parser)
{
    return parser
        .option("map", "SPEC",
                "take this input stream, as ffmpeg's -map: 0:a:N (N-th audio), 0:v:N (N-th video), 0:a, 0:v "
                "(the best one) or 0:N (stream N); only mapped streams are encoded",
                true)
        .number("audio-stream", "N", "encode the N-th audio stream (0 is the first; default: FFmpeg's pick)",
                {NumberKind::integer, 0, 1000})
        .number("video-stream", "N", "encode the N-th video stream (0 is the first; default: FFmpeg's pick)",
                {NumberKind::integer, 0, 1000});
}

StreamSelection selectStreams(const ParsedArguments& a, const std::vector<MediaStreamInfo>& streams, int bestAudio,
                              int bestVideo, bool takesAudio, bool takesVideo, const std::string& input)
{
    StreamSelection selection;
    const auto maps = a.getAll("map");
    if (!maps.empty())
    {
        if (a.has("audio-stream") || a.has("video-stream"))
            throw UsageError("--map already says which streams to take: leave out --audio-stream/--video-stream");
        for (const auto& spec : maps)
        {
            const int index = resolveMap(spec, streams, bestAudio, bestVideo, input);
            const Kind kind = streams[size_t(index)].kind;
            if (kind == Kind::other)
                throw UsageError("--map " + spec + ": stream " + std::to_string(index) + " (" +
                                 streams[size_t(index)].codec + ") is neither audio nor video");
            int& slot = kind == Kind::audio ? selection.audio : selection.video;
            if (slot >= 0 && slot != index)
                throw UsageError(std::string("--map: encode writes one ") + (kind == Kind::audio ? "audio" : "video") +
                                 " stream, but both stream " + std::to_string(slot) + " and stream " +
                                 std::to_string(index) + " are mapped");
            if (!(kind == Kind::audio ? takesAudio : takesVideo))
                throw UsageError("--map " + spec + " names " + (kind == Kind::audio ? "an audio" : "a video") +
                                 " stream, but " + (kind == Kind::audio ? "audio" : "video") + " is left out (--no-" +
                                 (kind == Kind::audio ? "audio" : "video") + ", or the output format cannot carry it)");
            slot = index;
        }
        return selection;
    }
    const auto pick = [&](const char* option, Kind kind, int best, bool wanted)
    {
        const auto n = a.getNumber(option);
        if (!n)
            return wanted ? best : -1;
        const std::vector<int> ofKind = indexesOf(streams, kind);
        if (*n >= double(ofKind.size()))
            throw UsageError("--" + std::string(option) + " " + std::to_string(int(*n)) + ": " +
                             inventory(streams, input) + " (" + std::to_string(ofKind.size()) + " " +
                             (kind == Kind::audio ? "audio" : "video") + ")");
        if (!wanted)
            throw UsageError("--" + std::string(option) + " chooses a stream that is left out (--no-" +
                             (kind == Kind::audio ? "audio" : "video") + ", or the output format cannot carry it)");
        return ofKind[size_t(*n)];
    };
    selection.audio = pick("audio-stream", Kind::audio, bestAudio, takesAudio);
    selection.video = pick("video-stream", Kind::video, bestVideo, takesVideo);
    return selection;
}

} // namespace capstan::cli

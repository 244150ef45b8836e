// The CLI as an adversarial user meets it: one row per hostile command line, file or folder. Each row gives the
// exit code, words its one-line error must (and must not) hold, and what must be on disk afterwards. A row's "@/"
// is its own fresh folder, which starts with in.wav (1 s stereo), empty.wav (0 bytes) and text.wav (text).

#include "support/TestSupport.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

using namespace capstan;
namespace fs = std::filesystem;

namespace
{
constexpr const char* keepText = "keep me\n"; // what a user's own file holds: it must come out unchanged
constexpr int64_t keepSize = 8;

struct FileCheck
{
    std::string name;
    bool exists = true;
    int64_t size = -1;    ///< exact size when >= 0
    int64_t minSize = -1; ///< at least this many bytes when >= 0
};

struct Row
{
    std::string name;
    std::vector<std::string> args; ///< after `capstan`; a row starting with "sh" runs a shell instead
    std::function<void(const fs::path&)> setup;
    int exitCode = 0;
    std::vector<std::string> errHas;
    std::vector<FileCheck> files;
    std::vector<std::string> errLacks;
};

using Setup = std::function<void(const fs::path&)>;

Setup keep(const std::string& name)
{
    return [name](const fs::path& dir) {
        test::writeFileBytes(dir / name, {reinterpret_cast<const uint8_t*>(keepText), size_t(keepSize)});
    };
}

Setup both(Setup a, Setup b)
{
    return [a, b](const fs::path& dir)
    {
        a(dir);
        b(dir);
    };
}

Setup symlinkTo(const std::string& name, const std::string& target)
{
    return [name, target](const fs::path& dir) { fs::create_symlink(target, dir / name); };
}

Setup folder(const std::string& name)
{
    return [name](const fs::path& dir) { fs::create_directories(dir / name); };
}

const fs::path& fixtures()
{
    static const fs::path dir = []
    {
        const fs::path d = fs::path(CAPSTAN_TEST_OUTPUT_DIR) / "fixtures";
        fs::create_directories(d);
        test::runFfmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=48000", "-ac", "2", "-c:a",
                         "pcm_s16le", (d / "in.wav").string()});
        test::writeFileBytes(d / "empty.wav", {});
        const std::string text = "this is not a media file\n";
        test::writeFileBytes(d / "text.wav", {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
        return d;
    }();
    return dir;
}

std::string expand(std::string arg, const fs::path& dir)
{
    for (size_t at = arg.find("@/"); at != std::string::npos; at = arg.find("@/", at))
        arg.replace(at, 2, dir.string() + "/");
    const std::string cli = "{capstan}";
    if (const auto at = arg.find(cli); at != std::string::npos)
        arg.replace(at, cli.size(), CAPSTAN_CLI_PATH);
    return arg;
}

const char* ulimitEncode = "ulimit -f 40; exec {capstan} encode @/in.wav @/out.wav";

std::vector<Row> rows()
{
    const std::string range = "in ";
    return {
        // The command line itself.
        {"no arguments prints the usage", {}, {}, 2, {"usage: capstan", "encode", "record"}},
        {"unknown command", {"frobnicate"}, {}, 2, {"unknown command 'frobnicate'"}},
        {"unknown option",
         {"encode", "@/in.wav", "@/o.flac", "--frobnicate"},
         {},
         2,
         {"'--frobnicate'"},
         {{"o.flac", false}}},
        {"unknown short option", {"encode", "@/in.wav", "@/o.flac", "-q"}, {}, 2, {"'-q'"}, {{"o.flac", false}}},
        {"missing OUTPUT", {"encode", "@/in.wav"}, {}, 2, {"needs OUTPUT"}},
        {"'-' without --format", {"encode", "@/in.wav", "-"}, {}, 2, {"needs --format"}},

        // Hostile inputs: nothing is created for them.
        {"missing input", {"encode", "@/missing.wav", "@/o.flac"}, {}, 1, {"missing.wav"}, {{"o.flac", false}}},
        {"empty input", {"encode", "@/empty.wav", "@/o.flac"}, {}, 1, {"empty.wav", "is empty"}, {{"o.flac", false}}},
        {"text input",
         {"encode", "@/text.wav", "@/o.flac"},
         {},
         1,
         {"text.wav", "looks like text"},
         {{"o.flac", false}}},
        {"truncated FLAC input: encoded as far as it goes, both durations said",
         {"sh", "-c",
          "ffmpeg -v error -y -i @/in.wav @/full.flac && head -c 16000 @/full.flac > @/cut.flac && "
          "exec {capstan} encode @/cut.flac @/o.wav"},
         {},
         0,
         {"warning: ", "truncated", "header says 1 s"},
         {{"o.wav", true, -1, 1000}}},
        {"FLAC cut inside its header: nothing to encode, said so",
         {"sh", "-c",
          "ffmpeg -v error -y -i @/in.wav @/full.flac && head -c 8000 @/full.flac > @/cut.flac && "
          "exec {capstan} encode @/cut.flac @/o.wav"},
         {},
         1,
         {"before its header is complete", "truncated"},
         {{"o.wav", false}}},
        {"output folder removed while encoding: a failure that says the output is lost",
         {"sh", "-c",
          "mkdir @/sub && ({capstan} encode @/in.wav @/sub/o.flac --realtime & "
          "until [ -e @/sub/o.flac ]; do sleep 0.05; done; sleep 0.3; rm -rf @/sub; wait $!)"},
         {},
         1,
         {"was removed", "is lost"},
         {{"sub", false}}},
        {"PCM into mp4: what mp4 takes",
         {"encode", "@/in.wav", "@/o.mp4", "--encoder", "pcm_s16le"},
         {},
         1,
         {"pcm_s16le cannot go into mp4", "aac"},
         {{"o.mp4", false}}},
        {"a video filter on audio",
         {"encode", "@/in.wav", "@/o.flac", "--filter", "hflip"},
         {},
         1,
         {"video filter"},
         {{"o.flac", false}}},
        {"folder as input", {"encode", "@/adir", "@/o.flac"}, folder("adir"), 1, {"adir"}, {{"o.flac", false}}},
        {"visualize: missing input",
         {"visualize", "@/missing.wav", "@/o.mp4"},
         {},
         1,
         {"missing.wav"},
         {{"o.mp4", false}}},
        {"visualize: text input", {"visualize", "@/text.wav", "@/o.mp4"}, {}, 1, {"text.wav"}, {{"o.mp4", false}}},

        // An output that is the input, by any path.
        {"output is the input",
         {"encode", "@/in.wav", "@/in.wav"},
         {},
         1,
         {"is the input", "choose another"},
         {{"in.wav", true, -1, 190000}}},
        {"output is the input with -y",
         {"encode", "@/in.wav", "@/in.wav", "-y"},
         {},
         1,
         {"is the input"},
         {{"in.wav", true, -1, 190000}}},
        {"output is a symlink to the input",
         {"encode", "@/in.wav", "@/link.wav"},
         symlinkTo("link.wav", "in.wav"),
         1,
         {"is the input"},
         {{"in.wav", true, -1, 190000}}},
        {"output is the input through ./a/..",
         {"encode", "@/in.wav", "@/a/../in.wav"},
         folder("a"),
         1,
         {"is the input"},
         {{"in.wav", true, -1, 190000}}},
        {"output is a hard link to the input",
         {"encode", "@/in.wav", "@/hard.wav"},
         [](const fs::path& dir) { fs::create_hard_link(dir / "in.wav", dir / "hard.wav"); },
         1,
         {"is the input"},
         {{"in.wav", true, -1, 190000}}},
        {"flac output is the input",
         {"encode", "@/in.flac", "@/in.flac", "-y"},
         [](const fs::path& dir) {
             test::runFfmpeg({"-i", (dir / "in.wav").string(), (dir / "in.flac").string()});
         },
         1,
         {"is the input"},
         {{"in.flac", true, -1, 1000}}},
        {"visualize: output is the input",
         {"visualize", "@/in.wav", "@/in.wav"},
         {},
         1,
         {"is the input"},
         {{"in.wav", true, -1, 190000}}},

        // Existing outputs: ffmpeg's -y and -n.
        {"existing output without -y",
         {"encode", "@/in.wav", "@/o.flac"},
         keep("o.flac"),
         1,
         {"already exists", "-y"},
         {{"o.flac", true, keepSize}}},
        {"existing output with -n",
         {"encode", "@/in.wav", "@/o.flac", "-n"},
         keep("o.flac"),
         1,
         {"already exists", "--no-overwrite"},
         {{"o.flac", true, keepSize}}},
        {"existing output with --no-overwrite",
         {"encode", "@/in.wav", "@/o.flac", "--no-overwrite"},
         keep("o.flac"),
         1,
         {"already exists"},
         {{"o.flac", true, keepSize}}},
        {"existing output with -y is replaced",
         {"encode", "@/in.wav", "@/o.flac", "-y"},
         keep("o.flac"),
         0,
         {},
         {{"o.flac", true, -1, 1000}}},
        {"existing output with --overwrite is replaced",
         {"encode", "@/in.wav", "@/o.flac", "--overwrite"},
         keep("o.flac"),
         0,
         {},
         {{"o.flac", true, -1, 1000}}},
        {"-y and -n together",
         {"encode", "@/in.wav", "@/o.flac", "-y", "-n"},
         keep("o.flac"),
         2,
         {"contradict"},
         {{"o.flac", true, keepSize}}},
        {"existing output and a bad option: untouched",
         {"encode", "@/in.wav", "@/o.flac", "-y", "--encoder", "nosuch"},
         keep("o.flac"),
         1,
         {"nosuch"},
         {{"o.flac", true, keepSize}}},
        {"visualize: existing output without -y",
         {"visualize", "@/in.wav", "@/o.mp4"},
         keep("o.mp4"),
         1,
         {"already exists", "-y"},
         {{"o.mp4", true, keepSize}}},
        {"visualize: existing output with -n",
         {"visualize", "@/in.wav", "@/o.mp4", "-n"},
         keep("o.mp4"),
         1,
         {"--no-overwrite"},
         {{"o.mp4", true, keepSize}}},
        {"visualize: existing output with -y",
         {"visualize", "@/in.wav", "@/o.mp4", "-y"},
         keep("o.mp4"),
         0,
         {},
         {{"o.mp4", true, -1, 1000}}},

        // Where the output would go.
        {"output is a folder", {"encode", "@/in.wav", "@/adir"}, folder("adir"), 1, {"is a folder"}},
        {"output folder does not exist",
         {"encode", "@/in.wav", "@/nodir/o.flac"},
         {},
         1,
         {"'", "nodir", "does not exist"},
         {{"nodir", false}}},
        {"hls folder does not exist",
         {"encode", "@/in.wav", "@/hls/index.m3u8"},
         {},
         1,
         {"hls", "does not exist"},
         {{"hls", false}}},
        {"output folder is a file", {"encode", "@/in.wav", "@/text.wav/o.flac"}, {}, 1, {"is not a folder"}},
        {"visualize: output folder does not exist",
         {"visualize", "@/in.wav", "@/nodir/o.mp4"},
         {},
         1,
         {"does not exist"}},

        // A failure after the output opened: the partial file is removed (or, if it was the user's, named).
        {"full disk: partial output removed",
         {"sh", "-c", ulimitEncode},
         {},
         1,
         {"File too large", "removed"},
         {{"out.wav", false}}},
        {"full disk with -y: the replaced file is named",
         {"sh", "-c", std::string(ulimitEncode) + " -y"},
         keep("out.wav"),
         1,
         {"File too large", "existed before"},
         {{"out.wav", true}}},

        // Numbers: checked before anything opens, refused with the range, never clamped.
        {"--encoder-sample-rate 2000000000",
         {"encode", "@/in.wav", "@/o.mp3", "--encoder-sample-rate", "2000000000"},
         {},
         2,
         {"--encoder-sample-rate", "1000..768000"},
         {{"o.mp3", false}}},
        {"--encoder-sample-rate 0",
         {"encode", "@/in.wav", "@/o.mp3", "--encoder-sample-rate", "0"},
         {},
         2,
         {"1000..768000"}},
        {"--encoder-sample-rate 44100.5",
         {"encode", "@/in.wav", "@/o.mp3", "--encoder-sample-rate", "44100.5"},
         {},
         2,
         {"an integer"}},
        {"--encoder-channels 65", {"encode", "@/in.wav", "@/o.flac", "--encoder-channels", "65"}, {}, 2, {"1..64"}},
        {"--encoder-channels -1", {"encode", "@/in.wav", "@/o.flac", "--encoder-channels", "-1"}, {}, 2, {"1..64"}},
        {"--bit-rate 1000000000000",
         {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "1000000000000"},
         {},
         2,
         {"--bit-rate", "1k..50M"},
         {{"o.mp3", false}}},
        {"--bit-rate nan", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "nan"}, {}, 2, {"'nan'"}},
        {"--bit-rate inf", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "inf"}, {}, 2, {"'inf'"}},
        {"--bit-rate 1e309", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "1e309"}, {}, 2, {"'1e309'"}},
        {"--bit-rate -5", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "-5"}, {}, 2, {"1k..50M"}},
        {"--bit-rate abc", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "abc"}, {}, 2, {"192k"}},
        {"--bit-rate 192.5", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "192.5"}, {}, 2, {"'192.5'"}},
        {"--bit-rate 12Q", {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "12Q"}, {}, 2, {"'12Q'"}},
        {"--bit-rate 192k",
         {"encode", "@/in.wav", "@/o.mp3", "--bit-rate", "192k"},
         {},
         0,
         {},
         {{"o.mp3", true, -1, 20000}}},
        {"--bit-rate 0.32M: a fraction with a suffix",
         {"encode", "@/in.wav", "@/o.m4a", "--bit-rate", "0.32M"},
         {},
         0,
         {},
         {{"o.m4a", true, -1, 1000}}},
        {"--qscale 100", {"encode", "@/in.wav", "@/o.mp3", "--qscale", "100"}, {}, 2, {"--qscale", "0..10"}},
        {"--qscale nan", {"encode", "@/in.wav", "@/o.mp3", "--qscale", "nan"}, {}, 2, {"0..10"}},
        {"--compression-level 13", {"encode", "@/in.wav", "@/o.flac", "--compression-level", "13"}, {}, 2, {"0..12"}},
        {"--chunk-frames 0", {"encode", "@/in.wav", "@/o.flac", "--chunk-frames", "0"}, {}, 2, {"--chunk-frames"}},
        {"--chunk-frames overflow",
         {"encode", "@/in.wav", "@/o.flac", "--chunk-frames", "99999999999999999999999"},
         {},
         2,
         {"--chunk-frames"}},
        {"--chunk-frames empty", {"encode", "@/in.wav", "@/o.flac", "--chunk-frames="}, {}, 2, {"--chunk-frames"}},
        {"--timeout 0", {"encode", "@/in.wav", "@/o.flac", "--timeout", "0"}, {}, 2, {"0.001..86400"}},
        {"--timeout inf", {"encode", "@/in.wav", "@/o.flac", "--timeout", "inf"}, {}, 2, {"0.001..86400"}},
        {"--video-bit-rate 5G", {"encode", "@/in.wav", "@/o.mp4", "--video-bit-rate", "5G"}, {}, 2, {"1k..2G"}},
        {"--gop -1", {"encode", "@/in.wav", "@/o.mp4", "--gop", "-1"}, {}, 2, {"0..100000"}},
        {"--max-b-frames 17", {"encode", "@/in.wav", "@/o.mp4", "--max-b-frames", "17"}, {}, 2, {"0..16"}},
        {"--video-frame-rate 1e12",
         {"encode", "@/in.wav", "@/o.mp4", "--video-frame-rate", "1e12"},
         {},
         2,
         {"--video-frame-rate"}},
        {"--video-size 0x0", {"encode", "@/in.wav", "@/o.mp4", "--video-size", "0x0"}, {}, 2, {"WxH"}},
        {"video option without video",
         {"encode", "@/in.wav", "@/o.mp4", "--gop", "10"},
         {},
         2,
         {"no video"},
         {{"o.mp4", false}}},
        {"visualize --fft 8", {"visualize", "@/in.wav", "@/o.mp4", "--fft", "8"}, {}, 2, {"--fft", "16..1048576"}},
        {"visualize --fft nan", {"visualize", "@/in.wav", "@/o.mp4", "--fft", "nan"}, {}, 2, {"--fft"}},
        {"visualize --max-frequency -1",
         {"visualize", "@/in.wav", "@/o.mp4", "--max-frequency", "-1"},
         {},
         2,
         {"0..384000"}},
        {"visualize --audio-bit-rate 1T",
         {"visualize", "@/in.wav", "@/o.mp4", "--audio-bit-rate", "1T"},
         {},
         2,
         {"--audio-bit-rate"}},
        {"visualize --fps 1000", {"visualize", "@/in.wav", "@/o.mp4", "--fps", "1000"}, {}, 2, {"up to 240"}},
        {"visualize --size 321x240", {"visualize", "@/in.wav", "@/o.mp4", "--size", "321x240"}, {}, 2, {"even"}},

        // Messages name the CLI's options.
        {"--no-audio --no-video",
         {"encode", "@/in.wav", "@/o.mkv", "--no-audio", "--no-video"},
         {},
         2,
         {"--no-audio", "--no-video", "both"},
         {{"o.mkv", false}}},
        {"6 channels into mp3 names --encoder-channels",
         {"encode", "@/in.wav", "@/o.mp3", "--encoder-channels", "6", "--encoder", "libmp3lame"},
         {},
         1,
         {"--encoder-channels"},
         {{"o.mp3", false}},
         {"encoderNumChannels"}},

        // record: takes are numbered, never overwritten.
        {"record: an existing take is numbered",
         {"record", "@/take.flac", "--source", "noise", "--duration", "0.5", "--pace", "fast"},
         keep("take.flac"),
         0,
         {"take-2.flac"},
         {{"take.flac", true, keepSize}, {"take-2.flac", true, -1, 1000}}},
        {"record: two existing takes",
         {"record", "@/take.flac", "--source", "noise", "--duration", "0.5", "--pace", "fast"},
         both(keep("take.flac"), keep("take-2.flac")),
         0,
         {"take-3.flac"},
         {{"take.flac", true, keepSize}, {"take-2.flac", true, keepSize}, {"take-3.flac", true, -1, 1000}}},
        {"record: a leftover sidecar counts as taken",
         {"record", "@/take.wav", "--source", "noise", "--duration", "0.5", "--pace", "fast"},
         keep("take.wav.drops.json"),
         0,
         {"take-2.wav"},
         {{"take.wav", false}, {"take-2.wav", true, -1, 1000}}},
        {"record: the whole take is numbered together",
         {"record", "@/take.flac", "@/take.wav", "--source", "noise", "--duration", "0.5", "--pace", "fast"},
         keep("take.wav"),
         0,
         {"take-2.wav"},
         {{"take.wav", true, keepSize}, {"take.flac", false}, {"take-2.flac", true}, {"take-2.wav", true}}},
        {"record: a split take is numbered by its first segment",
         {"record", "@/take.flac", "--source", "noise", "--duration", "1.5", "--pace", "fast", "--split-seconds", "1"},
         keep("take-001.flac"),
         0,
         {"take-2-001.flac"},
         {{"take-001.flac", true, keepSize}, {"take-2-001.flac", true}, {"take-2-002.flac", true}}},
        {"record: duplicate outputs",
         {"record", "@/a.mkv", "@/a.mkv", "--duration", "1", "--pace", "fast", "--source", "tone"},
         {},
         2,
         {"same file"},
         {{"a.mkv", false}}},
        {"record: duplicate outputs by another path",
         {"record", "@/a.flac", "@/sub/../a.flac", "--duration", "1", "--pace", "fast", "--source", "tone"},
         folder("sub"),
         2,
         {"same file"},
         {{"a.flac", false}}},
        {"record: duplicate outputs through a symlink",
         {"record", "@/a.flac", "@/b.flac", "--duration", "1", "--pace", "fast", "--source", "tone"},
         both(keep("a.flac"), symlinkTo("b.flac", "a.flac")),
         2,
         {"same file"},
         {{"a.flac", true, keepSize}}},
        {"record: output is the source file",
         {"record", "@/in.wav", "--source", "file:@/in.wav", "--pace", "fast"},
         {},
         1,
         {"is the input"},
         {{"in.wav", true, -1, 190000}}},
        {"record: a later output cannot open: nothing is left",
         {"record", "@/t.wav", "@/t.flac", "--channels", "64", "--duration", "1", "--pace", "fast", "--source", "tone"},
         {},
         1,
         {"t.flac", "max 8"},
         {{"t.wav", false}, {"t.wav.drops.json", false}, {"t.flac", false}}},
        {"record: 6 channels into mp3 gives advice record can follow",
         {"record", "@/t.mp3", "--channels", "6", "--duration", "1", "--pace", "fast", "--source", "tone"},
         {},
         1,
         {"--channels", ".wav"},
         {{"t.mp3", false}},
         {"encoderNumChannels", "--encoder-channels"}},
        {"record: output folder missing",
         {"record", "@/nodir/t.flac", "--duration", "1", "--pace", "fast", "--source", "tone"},
         {},
         1,
         {"does not exist"},
         {{"nodir", false}}},
        {"record: output is a folder",
         {"record", "@/adir", "--duration", "1", "--pace", "fast", "--source", "tone"},
         folder("adir"),
         1,
         {"is a folder"}},

        // record: numbers and sources.
        {"record --split-seconds 0.0001",
         {"record", "@/o.flac", "--split-seconds", "0.0001", "--duration", "1"},
         {},
         2,
         {"--split-seconds", "0 (off) or 1..1e+07"},
         {{"o.flac", false}, {"o-001.flac", false}}},
        {"record --split-bytes 1",
         {"record", "@/o.flac", "--split-bytes", "1", "--duration", "1"},
         {},
         2,
         {"--split-bytes", "65536"}},
        {"record --sample-rate 2e9", {"record", "@/o.flac", "--sample-rate", "2000000000"}, {}, 2, {"1000..768000"}},
        {"record --sample-rate nan", {"record", "@/o.flac", "--sample-rate", "nan"}, {}, 2, {"--sample-rate"}},
        {"record --channels 0", {"record", "@/o.flac", "--channels", "0"}, {}, 2, {"1..64"}},
        {"record --channels 65", {"record", "@/o.flac", "--channels", "65"}, {}, 2, {"1..64"}},
        {"record --duration -1", {"record", "@/o.flac", "--duration", "-1"}, {}, 2, {"--duration"}},
        {"record --duration nan", {"record", "@/o.flac", "--duration", "nan"}, {}, 2, {"--duration"}},
        {"record --duration 1e309", {"record", "@/o.flac", "--duration", "1e309"}, {}, 2, {"--duration"}},
        {"record --queue-seconds 0", {"record", "@/o.flac", "--queue-seconds", "0"}, {}, 2, {"0.01..600"}},
        {"record --pre-roll 601", {"record", "@/o.flac", "--pre-roll", "601"}, {}, 2, {"0..600"}},
        {"record --block-frames 0", {"record", "@/o.flac", "--block-frames", "0"}, {}, 2, {"1..65536"}},
        {"record --reconnect-attempts -2",
         {"record", "@/o.flac", "--reconnect-attempts", "-2"},
         {},
         2,
         {"-1..1000000"}},
        {"record --source file: missing",
         {"record", "@/o.flac", "--source", "file:@/missing.wav", "--pace", "fast"},
         {},
         1,
         {"--source file:", "missing.wav"},
         {{"o.flac", false}},
         {"TestSignal"}},
        {"record --source file: empty",
         {"record", "@/o.flac", "--source", "file:@/empty.wav", "--pace", "fast"},
         {},
         1,
         {"--source file:"},
         {{"o.flac", false}},
         {"TestSignal"}},
        {"record --source file: text",
         {"record", "@/o.flac", "--source", "file:@/text.wav", "--pace", "fast"},
         {},
         1,
         {"--source file:"},
         {{"o.flac", false}},
         {"TestSignal"}},
        {"record --source bogus",
         {"record", "@/o.flac", "--source", "bogus"},
         {},
         2,
         {"tone, noise"},
         {{"o.flac", false}}},
        {"record --pace fast without --duration",
         {"record", "@/o.flac", "--pace", "fast", "--source", "tone"},
         {},
         2,
         {"needs --duration"},
         {{"o.flac", false}}},
        {"record --pace fast with the default source (the input device)",
         {"record", "@/o.flac", "--pace", "fast", "--duration", "1"},
         {},
         2,
         {"--pace fast", "default source", "--source tone|noise|file:PATH"},
         {{"o.flac", false}}},
        {"record --sidecar bogus",
         {"record", "@/o.flac", "--sidecar", "sometimes", "--source", "tone", "--duration", "1"},
         {},
         2,
         {"--sidecar", "auto, always, never"},
         {{"o.flac", false}}},
        {"record --silence-warning 0.01",
         {"record", "@/o.flac", "--silence-warning", "0.01", "--source", "tone", "--duration", "1"},
         {},
         2,
         {"--silence-warning", "0 (off) or 0.1..86400"},
         {{"o.flac", false}}},
    };
}
} // namespace

TEST_CASE("adversarial CLI table: exit code, one clear line, and what is left on disk", "[adversarial][cli]")
{
    REQUIRE(test::haveFfmpegTools());
    const fs::path& shared = fixtures();
    const auto table = rows();
    CHECK(table.size() >= 80);
    int index = 0;
    for (const Row& row : table)
    {
        ++index;
        test::TestDir dir("row" + std::to_string(index));
        for (const char* name : {"in.wav", "empty.wav", "text.wav"})
            fs::copy_file(shared / name, dir.file(name));
        if (row.setup)
            row.setup(dir.path());

        std::vector<std::string> argv;
        const bool shell = !row.args.empty() && row.args.front() == "sh";
        if (!shell)
            argv.push_back(CAPSTAN_CLI_PATH);
        for (const auto& arg : row.args)
            argv.push_back(expand(arg, dir.path()));
        const auto result = test::runProcess(argv);

        INFO("row " << index << ": " << row.name);
        INFO("stderr: " << result.err);
        CHECK(result.exitCode == row.exitCode);
        for (const auto& word : row.errHas)
            CHECK_THAT(result.err, Catch::Contains(word));
        for (const auto& word : row.errLacks)
            CHECK_THAT(result.err, !Catch::Contains(word));
        if (row.exitCode == 1 || (row.exitCode == 2 && !row.args.empty()))
        {
            CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1); // exactly one line
            CHECK_THAT(result.err, Catch::StartsWith("capstan: error: "));
        }
        for (const auto& file : row.files)
        {
            INFO("file " << file.name);
            std::error_code error;
            const fs::path path = dir.file(file.name);
            CHECK(fs::exists(path, error) == file.exists);
            if (file.exists && fs::is_regular_file(path, error))
            {
                const auto size = int64_t(fs::file_size(path, error));
                if (file.size >= 0)
                    CHECK(size == file.size);
                if (file.minSize >= 0)
                    CHECK(size >= file.minSize);
                if (file.size == keepSize)
                    CHECK(test::readFileText(path) == keepText);
            }
        }
    }
}

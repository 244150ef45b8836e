// TakeSettings helpers and TakeNamer: format table, default folder precedence, tokens, sanitizing, never overwrite.

#include "support/TestSupport.h"

#include <capstan/media/Error.h>
#include <capstan/session/TakeNamer.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>

using namespace capstan;
using namespace capstan::test;

namespace
{
/** Sets (or unsets, with nullopt) an environment variable for the scope and restores it afterwards. */
class ScopedEnv
{
public:
    ScopedEnv(const char* nameIn, std::optional<std::string> value) : name(nameIn)
    {
        if (const char* old = std::getenv(name))
            previous = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv()
    {
        if (previous)
            ::setenv(name, previous->c_str(), 1);
        else
            ::unsetenv(name);
    }

private:
    const char* name;
    std::optional<std::string> previous;
};

void touch(const fs::path& file)
{
    std::ofstream(file) << "x";
}

std::chrono::system_clock::time_point localTime(int year, int month, int day, int hour, int minute, int second)
{
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    tm.tm_isdst = -1;
    return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}
} // namespace

TEST_CASE("Recording formats: menu order, labels, extensions and ids round trip", "[session]")
{
    const auto& formats = allRecordingFormats();
    REQUIRE(formats.size() == 9);
    CHECK(formats.front() == RecordingFormat::wav16);
    CHECK(formats.back() == RecordingFormat::mkvVideo);
    for (const auto format : formats)
    {
        CAPTURE(recordingFormatId(format));
        CHECK(parseRecordingFormat(recordingFormatId(format)) == format);
        CHECK_FALSE(recordingFormatLabel(format).empty());
        CHECK(recordingFormatExtension(format).front() == '.');
    }
    CHECK(recordingFormatLabel(RecordingFormat::wav24) == "WAV 24-bit");
    CHECK(recordingFormatExtension(RecordingFormat::aac) == ".m4a");
    CHECK(recordingFormatExtension(RecordingFormat::opus) == ".opus");
    CHECK(recordingFormatExtension(RecordingFormat::mkvVideo) == ".mkv");
    CHECK(hasVideo(RecordingFormat::mp4Video));
    CHECK(hasVideo(RecordingFormat::mkvVideo));
    CHECK_FALSE(hasVideo(RecordingFormat::flac));
    try
    {
        parseRecordingFormat("ogg");
        FAIL("no error for an unknown format id");
    }
    catch (const Error& e)
    {
        const std::string message = e.what();
        CHECK(message.find("'ogg'") != std::string::npos);
        CHECK(message.find("wav24") != std::string::npos);
        CHECK(message.find("mkvVideo") != std::string::npos);
    }
}

TEST_CASE("Default record folder: CAPSTAN_RECORD_DIR, then the XDG music dir, then ~/Music/Capstan", "[session]")
{
    TestDir dir;
    const std::string home = (dir.path() / "home").string();
    fs::create_directories(home + "/.config");
    ScopedEnv homeEnv("HOME", home);
    ScopedEnv configEnv("XDG_CONFIG_HOME", std::nullopt);

    {
        ScopedEnv record("CAPSTAN_RECORD_DIR", std::nullopt);
        ScopedEnv music("XDG_MUSIC_DIR", std::nullopt);
        CHECK(defaultRecordFolder() == home + "/Music/Capstan");

        // xdg-user-dirs' file, as it writes it
        std::ofstream(home + "/.config/user-dirs.dirs") << "# comment\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
                                                           "XDG_MUSIC_DIR=\"$HOME/Musik\"\n";
        CHECK(defaultRecordFolder() == home + "/Musik/Capstan");
        // a disabled music dir points at $HOME itself: not taken
        std::ofstream(home + "/.config/user-dirs.dirs") << "XDG_MUSIC_DIR=\"$HOME/\"\n";
        CHECK(defaultRecordFolder() == home + "/Music/Capstan");
    }
    {
        ScopedEnv record("CAPSTAN_RECORD_DIR", std::nullopt);
        ScopedEnv music("XDG_MUSIC_DIR", "/srv/music");
        CHECK(defaultRecordFolder() == "/srv/music/Capstan");
    }
    {
        ScopedEnv record("CAPSTAN_RECORD_DIR", "/tmp/somewhere/takes");
        ScopedEnv music("XDG_MUSIC_DIR", "/srv/music");
        CHECK(defaultRecordFolder() == "/tmp/somewhere/takes");
    }
    {
        ScopedEnv record("CAPSTAN_RECORD_DIR", ""); // empty counts as unset
        ScopedEnv music("XDG_MUSIC_DIR", std::nullopt);
        fs::remove(home + "/.config/user-dirs.dirs");
        CHECK(defaultRecordFolder() == home + "/Music/Capstan");
    }
}

TEST_CASE("TakeNamer: tokens, two-digit take numbers, folder creation", "[session]")
{
    TestDir dir;
    TakeSettings settings;
    settings.folder = (dir.path() / "a" / "b").string();
    const auto when = localTime(2026, 3, 7, 9, 5, 4);

    TakeNamer namer;
    const std::string first = namer.nextPath(settings, "Lead Vox", when);
    CHECK(first == settings.folder + "/Lead Vox_2026-03-07_090504_take01.wav");
    CHECK(fs::is_directory(settings.folder));
    CHECK(fs::exists(first)); // reserved
    CHECK(namer.takesNamed() == 1);
    const std::string second = namer.nextPath(settings, "Lead Vox", when);
    CHECK(second == settings.folder + "/Lead Vox_2026-03-07_090504_take02.wav");

    settings.pattern = "%date%-%time%-%track%";
    settings.format = RecordingFormat::flac;
    CHECK(namer.nextPath(settings, "", when) == settings.folder + "/2026-03-07-090504-Capstan.flac");
    settings.pattern = "";
    CHECK(fs::path(namer.nextPath(settings, "Bass", when)).filename() == "Bass_2026-03-07_090504_take04.flac");
}

TEST_CASE("TakeNamer: characters a file name cannot hold become '_'", "[session]")
{
    TestDir dir;
    TakeSettings settings;
    settings.folder = dir.path().string();
    settings.pattern = "%track%";
    TakeNamer namer;
    const auto name = [&](const std::string& track) { return fs::path(namer.nextPath(settings, track)).filename(); };
    CHECK(name("Drums/Kick: in?") == "Drums_Kick_ in_.wav");
    CHECK(name("a\\b*c\"d<e>f|g\th") == "a_b_c_d_e_f_g_h.wav");
    CHECK(name("../../etc/passwd") == "_.._etc_passwd.wav"); // never leaves the folder
    CHECK(name("...") == "take.wav");
    CHECK(name("Vocals. ") == "Vocals.wav");
    for (const auto& entry : fs::directory_iterator(dir.path()))
        CHECK(entry.path().parent_path() == dir.path());
}

TEST_CASE("TakeNamer: never overwrites, for the main and every extra format", "[session]")
{
    TestDir dir;
    TakeSettings settings;
    settings.folder = dir.path().string();
    settings.format = RecordingFormat::wav24;
    settings.extraFormats = {RecordingFormat::mp3, RecordingFormat::wav16, RecordingFormat::mp3};
    const auto when = localTime(2026, 1, 2, 3, 4, 5);

    SECTION("numbered pattern counts the take up")
    {
        settings.pattern = "song_take%take%";
        touch(dir.file("song_take01.wav"));
        touch(dir.file("song_take02.mp3"));            // an extra format's file
        touch(dir.file("song_take03-wav16.wav"));      // the second WAV's file
        touch(dir.file("song_take04.wav.drops.json")); // a sidecar left behind
        TakeNamer namer;
        const std::string path = namer.nextPath(settings, "x", when);
        CHECK(path == dir.file("song_take05.wav").string());
        CHECK(TakeNamer::pathsFor(settings, path) ==
              std::vector<std::string>{dir.file("song_take05.wav").string(), dir.file("song_take05.mp3").string(),
                                       dir.file("song_take05-wav16.wav").string()});
        for (const auto& reserved : TakeNamer::pathsFor(settings, path))
        {
            CHECK(fs::exists(reserved));
            CHECK(fs::file_size(reserved) == 0);
        }
        CHECK(fs::file_size(dir.file("song_take01.wav")) == 1); // untouched
        // A second namer (another plugin instance) does not get the same name.
        TakeNamer other;
        CHECK(other.nextPath(settings, "x", when) == dir.file("song_take06.wav").string());
    }
    SECTION("pattern without %take% gets -2, -3")
    {
        settings.pattern = "%track%";
        settings.extraFormats.clear();
        TakeNamer namer;
        CHECK(namer.nextPath(settings, "Mix", when) == dir.file("Mix.wav").string());
        CHECK(namer.nextPath(settings, "Mix", when) == dir.file("Mix-2.wav").string());
        touch(dir.file("Mix-3.wav"));
        CHECK(namer.nextPath(settings, "Mix", when) == dir.file("Mix-4.wav").string());
    }
}

TEST_CASE("TakeNamer: a folder that cannot be created is a clear error", "[session]")
{
    TestDir dir;
    touch(dir.file("file"));
    TakeSettings settings;
    settings.folder = dir.file("file").string() + "/sub";
    TakeNamer namer;
    try
    {
        namer.nextPath(settings, "t");
        FAIL("no error");
    }
    catch (const Error& e)
    {
        CHECK(std::string(e.what()).find("cannot create the recording folder '" + settings.folder + "'") !=
              std::string::npos);
    }
}

TEST_CASE("TakeNamer: an empty folder setting uses defaultRecordFolder()", "[session]")
{
    TestDir dir;
    ScopedEnv record("CAPSTAN_RECORD_DIR", (dir.path() / "env").string());
    TakeSettings settings;
    TakeNamer namer;
    const std::string path = namer.nextPath(settings, "t");
    CHECK(fs::path(path).parent_path() == dir.path() / "env");
}

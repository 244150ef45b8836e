#pragma once

#include "TakeSettings.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace capstan
{

/** Turns a file-name pattern into the path of the next take. Tokens: %track% (the host's track name, or "Capstan"),
    %date% (YYYY-MM-DD), %time% (HHMMSS), %take% (a per-namer counter from 1, two digits). Characters a file name
    cannot hold are replaced with '_'. Takes never overwrite: while the path (for the main or any extra format) exists,
    the take number counts up, or "-2", "-3"... is appended when the pattern has no %take%. Creates the folder.

    nextPath() also reserves the take: it creates every file of it (pathsFor()) empty and exclusively (O_EXCL), so two
    namers (two plugin instances on tracks of the same name, two apps) never hand out the same name. The recorder
    then writes over these empty files; whoever gives a take up removes them. A leftover "<file>.drops.json" counts
    as taken too. A folder of "~/..." is under $HOME. Not thread-safe: one namer per recorder, one thread. */
class TakeNamer
{
public:
    /** The main format's path; the extra formats use the same path with their own extension. Throws capstan::Error
        when the folder cannot be created, naming it and the reason. */
    std::string nextPath(const TakeSettings& settings, const std::string& trackName,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
    int takesNamed() const noexcept { return take; }

    /** What nextPath() would return now for a namer that has named `takesNamed` takes, without creating the folder or
        any file (for a name preview in a window). The same pattern, tokens, numbering and free-name search. */
    static std::string previewPath(const TakeSettings& settings, const std::string& trackName, int takesNamed,
                                   std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

    // Added by the session layer (not in the first contract):

    /** The take's formats: the main one first, then each extra one once (a repeat of an earlier one is skipped). */
    static std::vector<RecordingFormat> formatsOf(const TakeSettings& settings);
    /** One path per formatsOf(settings), in that order, for a take whose main file is `mainPath`: the same name with
        each format's extension; a format whose extension an earlier one already has gets "-<format id>" too
        ("take01.wav" and "take01-wav16.wav"). nextPath() checks and reserves all of them. */
    static std::vector<std::string> pathsFor(const TakeSettings& settings, const std::string& mainPath);

    /** For a recorder given exact file names (capstan record): `paths` as they are or, when any of them is taken,
        all of them with "-2", "-3"... before the extension ("take.flac" -> "take-2.flac"), the first such set that is
        free, reserved as nextPath() reserves. A path counts as taken when the file `fileOf(path)` writes (the path
        itself, or a split take's first segment) or its ".drops.json" exists. Returns the paths chosen; throws
        capstan::Error when a file cannot be created. */
    static std::vector<std::string> reserveNumbered(const std::vector<std::string>& paths,
                                                    const std::function<std::string(const std::string&)>& fileOf);

private:
    /** The first name from take number `take` + 1 for which `claim(paths)` is true; `take` ends at its number. */
    static std::string findName(const TakeSettings& settings, const std::string& folder, const std::string& trackName,
                                std::chrono::system_clock::time_point now, int& take,
                                const std::function<bool(const std::vector<std::string>&)>& claim);

    int take = 0;
};

} // namespace capstan

#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>

namespace capstan::python
{

/** Checks for the arguments Python code passes, so that a bad value gets one clear exception instead of pybind's
    "incompatible function arguments". All of it needs the GIL.

    A value out of range raises capstan::RangeError, which the module turns into capstan.OutOfRangeError: a
    ValueError (what Python code expects for a bad value) that is also a capstan.Error, i.e. a RuntimeError (what
    torchaudio raised, so `except RuntimeError` code keeps working). */
struct PyArguments
{
    /** An int (or anything with __index__, such as numpy integers) within [low, high], else RangeError naming
        `accepted`; a float or other type raises TypeError naming `name`. */
    static int64_t integer(pybind11::handle value, const std::string& name, int64_t low, int64_t high,
                           const std::string& accepted);

    /** As integer(), with None allowed: returns `ifNone` for it. */
    static int64_t optionalInteger(pybind11::handle value, const std::string& name, int64_t low, int64_t high,
                                   const std::string& accepted, int64_t ifNone);

    /** None, or a number of seconds as a double (int, float, numpy scalars, anything with __float__). A number
        too big for a double raises RangeError; other types TypeError. NaN and negative values are passed on for
        the library to refuse with its own words. */
    static std::optional<double> seconds(pybind11::handle value, const std::string& name);

    /** A str, bytes or os.PathLike destination as the bytes the OS takes (os.fsencode, as open() does), so that
        file names that are not UTF-8 work. A name with a NUL byte or characters no file name can hold raises
        ValueError. */
    static std::string pathBytes(pybind11::handle path);

    /** Text made of arbitrary bytes (a path, FFmpeg's words about it) as valid UTF-8 for Python: bytes that are
        not UTF-8 become backslash escapes. */
    static std::string printable(const std::string& bytes);
};

} // namespace capstan::python

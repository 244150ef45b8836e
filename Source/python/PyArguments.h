#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace capstan::python
{

/** A bad argument, raised as a Python class that is both the idiomatic type and a capstan.Error (a RuntimeError),
    because torchaudio raised RuntimeError for all of these and `except RuntimeError` code must keep working.
    ArgumentTypeError -> capstan.ArgumentTypeError (TypeError): a float sample rate, a float64 chunk on 'flt'. */
struct ArgumentTypeError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/** -> capstan.ArgumentValueError (ValueError): a chunk of the wrong shape, an unknown format, a video chunk on an
    audio stream. */
struct ArgumentValueError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

/** -> capstan.DestinationError: `dst` is neither a path nor a file-like object. A TypeError, and a ValueError
    because that is what torchaudio raised. */
struct DestinationError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

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

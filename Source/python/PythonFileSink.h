#pragma once

#include <capstan/media/ByteSink.h>

#include <pybind11/pybind11.h>

#include <optional>

namespace capstan::python
{

/** A ByteSink over a Python file-like object (io.BytesIO, an open file, a socket's makefile()...).

    StreamWriter runs with the GIL released; every callback here takes it back before touching Python. A Python
    exception raised by write() or seek() is kept (pendingError) and turned into a capstan::Error for FFmpeg's sake,
    so that the binding can raise the original exception once the StreamWriter call has unwound.

    Positions are relative to where the file object was when the sink was made: FFmpeg believes it writes from 0,
    so a file that already holds a prefix keeps it. */
class PythonFileSink : public capstan::ByteSink
{
public:
    /** Needs the GIL. `file` must have write(); seek() is used when it exists and seekable() (if any) says so. */
    explicit PythonFileSink(pybind11::object file);
    ~PythonFileSink() override;

    void write(std::span<const uint8_t> bytes) override;
    bool canSeek() const override { return seekable; }
    int64_t seek(int64_t offset, int whence) override;

    /** The Python exception a callback raised, if any; clears it. Needs the GIL. */
    std::optional<pybind11::error_already_set> takePendingError();

    /** The `name` attribute of the file object when it is a string (a file opened with open()), else empty. */
    std::string fileName() const;

private:
    [[noreturn]] void keepAndRethrow(pybind11::error_already_set& error, const char* what);

    pybind11::object file;
    pybind11::object writeMethod;
    pybind11::object seekMethod;
    bool seekable = false;
    int64_t origin = 0; ///< the file object's position when the sink was made
    std::optional<pybind11::error_already_set> pendingError;
};

} // namespace capstan::python

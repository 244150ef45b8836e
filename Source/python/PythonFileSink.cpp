#include "PythonFileSink.h"

#include "PyArguments.h"

#include <capstan/media/Error.h>

#include <cstdio>

namespace py = pybind11;

namespace capstan::python
{

PythonFileSink::PythonFileSink(py::object f) : file(std::move(f))
{
    if (!py::hasattr(file, "write"))
        throw DestinationError("dst must be a path, a URL, or a file-like object with a write() method; got " +
                               std::string(py::str(py::type::of(file).attr("__name__"))));
    writeMethod = file.attr("write");

    // seek() alone is not enough: pipes and sockets have one that fails; seekable() tells.
    if (py::hasattr(file, "seek"))
    {
        seekable = py::hasattr(file, "seekable") ? file.attr("seekable")().cast<bool>() : true;
        if (seekable)
        {
            seekMethod = file.attr("seek");
            origin = py::hasattr(file, "tell") ? file.attr("tell")().cast<int64_t>() : 0;
        }
    }
}

PythonFileSink::~PythonFileSink()
{
    // The owner may be destroyed from a thread that does not hold the GIL (e.g. during a released-GIL close()).
    py::gil_scoped_acquire gil;
    pendingError.reset();
    seekMethod = py::object();
    writeMethod = py::object();
    file = py::object();
}

void PythonFileSink::keepAndRethrow(py::error_already_set& error, const char* what)
{
    const std::string message = std::string("the file object's ") + what + "() raised " +
                                py::str(error.type().attr("__name__")).cast<std::string>() + ": " +
                                py::str(error.value()).cast<std::string>();
    if (!pendingError)
        pendingError.emplace(std::move(error));
    throw capstan::Error(message);
}

void PythonFileSink::write(std::span<const uint8_t> bytes)
{
    py::gil_scoped_acquire gil;
    try
    {
        // A raw file may write less than asked (io.RawIOBase.write): go on until all is written.
        size_t done = 0;
        while (done < bytes.size())
        {
            const py::bytes chunk(reinterpret_cast<const char*>(bytes.data() + done), bytes.size() - done);
            const py::object result = writeMethod(chunk);
            // None: a buffered writer or an ad-hoc object that took everything (a raw non-blocking file that
            // would block also says None, but cannot be used as a destination anyway).
            if (result.is_none())
                break;
            const auto written = result.cast<int64_t>();
            const auto given = static_cast<int64_t>(bytes.size() - done);
            if (written <= 0)
                throw capstan::Error("the file object's write() wrote " + std::to_string(written) + " of " +
                                     std::to_string(given) + " bytes; it must write all it is given");
            // More than it was given cannot be true: trusting it would skip bytes that were never written.
            if (written > given)
                throw capstan::Error("the file object's write() returned " + std::to_string(written) + " for " +
                                     std::to_string(given) +
                                     " bytes given; it must return how many of them it wrote (1 .. " +
                                     std::to_string(given) + ") or None");
            done += static_cast<size_t>(written);
        }
    }
    catch (py::error_already_set& error)
    {
        keepAndRethrow(error, "write");
    }
    catch (const py::cast_error&)
    {
        throw capstan::Error("the file object's write() must return the number of bytes written (or None)");
    }
}

int64_t PythonFileSink::seek(int64_t offset, int whence)
{
    py::gil_scoped_acquire gil;
    try
    {
        const int64_t target = whence == SEEK_SET ? offset + origin : offset;
        const int64_t position = seekMethod(target, whence).cast<int64_t>();
        return position - origin;
    }
    catch (py::error_already_set& error)
    {
        keepAndRethrow(error, "seek");
    }
    catch (const py::cast_error&)
    {
        throw capstan::Error("the file object's seek() must return the new position as an int");
    }
}

std::optional<py::error_already_set> PythonFileSink::takePendingError()
{
    auto error = std::move(pendingError);
    pendingError.reset();
    return error;
}

std::string PythonFileSink::fileName() const
{
    if (!py::hasattr(file, "name"))
        return {};
    const py::object name = file.attr("name");
    if (!py::isinstance<py::str>(name))
        return {};
    // A name that is not UTF-8 (surrogate escapes) is as the OS spells it.
    return py::module_::import("os").attr("fsencode")(name).cast<std::string>();
}

} // namespace capstan::python

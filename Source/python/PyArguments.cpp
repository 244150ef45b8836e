#include "PyArguments.h"

#include <capstan/media/Error.h>

namespace py = pybind11;

namespace capstan::python
{

int64_t PyArguments::integer(py::handle value, const std::string& name, int64_t low, int64_t high,
                             const std::string& accepted)
{
    // bool is an int in Python, but True as a sample rate is a mistake, not a 1.
    if (py::isinstance<py::bool_>(value) || !PyIndex_Check(value.ptr()))
        throw ArgumentTypeError(name + " must be an int, got " +
                                py::str(py::type::of(value).attr("__name__")).cast<std::string>() + " " +
                                py::repr(value).cast<std::string>());
    const auto number = py::reinterpret_steal<py::int_>(PyNumber_Index(value.ptr()));
    if (!number)
        throw py::error_already_set();
    // Compared as Python ints: 10**30 is out of range, not an overflow.
    if (number < py::int_(low) || number > py::int_(high))
        throw capstan::RangeError(name + " " + py::str(static_cast<py::handle>(number)).cast<std::string>() +
                                  " is out of range: accepted " + accepted);
    return number.cast<int64_t>();
}

int64_t PyArguments::optionalInteger(py::handle value, const std::string& name, int64_t low, int64_t high,
                                     const std::string& accepted, int64_t ifNone)
{
    return value.is_none() ? ifNone : integer(value, name, low, high, accepted);
}

std::optional<double> PyArguments::seconds(py::handle value, const std::string& name)
{
    if (value.is_none())
        return std::nullopt;
    const double result = PyFloat_AsDouble(value.ptr());
    if (result == -1.0 && PyErr_Occurred())
    {
        py::error_already_set error;
        if (error.matches(PyExc_OverflowError))
            throw capstan::RangeError(name + " " + py::repr(value).cast<std::string>() +
                                      " is out of range: accepted a finite number of seconds from 0");
        throw ArgumentTypeError(name + " must be None or a number of seconds, got " +
                                py::str(py::type::of(value).attr("__name__")).cast<std::string>());
    }
    return result;
}

std::string PyArguments::pathBytes(py::handle path)
{
    const auto os = py::module_::import("os");
    py::bytes encoded;
    try
    {
        encoded = os.attr("fsencode")(path);
    }
    catch (py::error_already_set& error)
    {
        if (!error.matches(PyExc_UnicodeError))
            throw;
        throw ArgumentValueError("dst " + printable(py::repr(path).cast<std::string>()) +
                                 " cannot be a file name: it holds characters this system cannot encode (" +
                                 py::str(error.value()).cast<std::string>() +
                                 "); use a str of valid characters, or bytes for a name that is not UTF-8");
    }
    auto bytes = encoded.cast<std::string>();
    if (bytes.find('\0') != std::string::npos)
        throw ArgumentValueError("dst " + printable(py::repr(path).cast<std::string>()) +
                                 " cannot be a file name: it holds a NUL character");
    return bytes;
}

std::string PyArguments::printable(const std::string& bytes)
{
    const auto text = py::reinterpret_steal<py::object>(
        PyUnicode_DecodeUTF8(bytes.data(), py::ssize_t(bytes.size()), "backslashreplace"));
    if (!text)
        throw py::error_already_set();
    return text.cast<std::string>();
}

} // namespace capstan::python

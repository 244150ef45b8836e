#include "ChunkArrays.h"

#include "PyArguments.h"

namespace py = pybind11;

namespace capstan::python
{
namespace
{
std::string shapeText(const py::array& array)
{
    std::string text = "(";
    for (py::ssize_t d = 0; d < array.ndim(); ++d)
        text += (d ? ", " : "") + std::to_string(array.shape(d));
    return text + (array.ndim() == 1 ? ",)" : ")");
}

std::string dtypeText(const py::dtype& dtype)
{
    return py::str(static_cast<const py::handle&>(dtype)).cast<std::string>();
}

/** "RuntimeError: message", without the traceback that error_already_set::what() appends. */
std::string exceptionText(const py::error_already_set& error)
{
    return py::str(error.type().attr("__name__")).cast<std::string>() + ": " +
           py::str(error.value()).cast<std::string>();
}

bool isCContiguous(const py::array& array)
{
    return (array.flags() & py::array::c_style) != 0;
}

py::array contiguousCopy(const py::handle& array)
{
    return py::module_::import("numpy").attr("ascontiguousarray")(array);
}

/** "an int16 array of shape (time, 2)" */
std::string describeExpected(const py::dtype& dtype, const std::string& shape)
{
    const std::string name = dtypeText(dtype);
    const bool vowel = name[0] == 'i'; // "an int16", "a uint8", "a float32"
    return std::string(vowel ? "an " : "a ") + name + " array of shape " + shape;
}

/** A torch.Tensor, without importing torch: only a program that already imported it can pass one. */
bool isTorchTensor(py::handle chunk)
{
    const auto modules = py::module_::import("sys").attr("modules");
    if (!modules.contains("torch"))
        return false;
    return py::isinstance(chunk, modules["torch"].attr("Tensor"));
}

/** torchaudio took CPU tensors as they are, requires_grad too: the samples are read, never differentiated, so
    the tensor is detached (a view, no copy). Tensor.numpy() keeps the tensor's strides, so a permuted or sliced
    tensor is still shared. */
py::array torchTensorArray(py::handle tensor, const std::string& method)
{
    py::object t = py::reinterpret_borrow<py::object>(tensor);
    if (t.attr("device").attr("type").cast<std::string>() != "cpu")
        throw ArgumentTypeError(method + ": the chunk is a tensor on " + py::str(t.attr("device")).cast<std::string>() +
                                "; capstan encodes from CPU memory: pass tensor.cpu()");
    if (t.attr("requires_grad").cast<bool>())
        t = t.attr("detach")();
    // Lazy negation / conjugation bits (x.neg() views) are resolved: that copies, as torch itself must.
    t = t.attr("resolve_neg")().attr("resolve_conj")();
    try
    {
        return t.attr("numpy")();
    }
    catch (py::error_already_set& error)
    {
        // A dtype numpy has no type for (bfloat16...): no sample format takes it.
        throw ArgumentTypeError(method + ": cannot use a tensor of " + py::str(t.attr("dtype")).cast<std::string>() +
                                " (" + exceptionText(error) + ")");
    }
}
} // namespace

py::array toNumpyArray(py::handle chunk, const std::string& method)
{
    if (py::isinstance<py::array>(chunk))
        return py::reinterpret_borrow<py::array>(chunk);
    if (isTorchTensor(chunk))
        return torchTensorArray(chunk, method);

    const auto numpy = py::module_::import("numpy");
    std::string dlpackFailure;
    if (py::hasattr(chunk, "__dlpack__"))
    {
        try
        {
            return numpy.attr("from_dlpack")(chunk);
        }
        catch (py::error_already_set& error)
        {
            // A GPU tensor or one that requires grad: say why, or try __array__ below.
            dlpackFailure = exceptionText(error);
        }
    }
    if (py::hasattr(chunk, "__array__"))
    {
        try
        {
            return numpy.attr("asarray")(chunk);
        }
        catch (py::error_already_set& error)
        {
            if (dlpackFailure.empty())
                dlpackFailure = exceptionText(error);
        }
    }
    const std::string typeName = py::str(py::type::of(chunk).attr("__name__"));
    if (!dlpackFailure.empty())
        throw ArgumentTypeError(method + ": cannot read the " + typeName + " chunk as a CPU array (" + dlpackFailure +
                                "); pass a numpy array or a CPU tensor, e.g. tensor.detach().cpu()");
    throw ArgumentTypeError(method +
                            ": the chunk must be a numpy array or an object with __array__ or __dlpack__ "
                            "(e.g. a torch tensor); got " +
                            typeName);
}

py::dtype dtypeOf(SampleFormat format)
{
    switch (toInterleaved(format))
    {
    case SampleFormat::u8:
        return py::dtype::of<uint8_t>();
    case SampleFormat::s16:
        return py::dtype::of<int16_t>();
    case SampleFormat::s32:
        return py::dtype::of<int32_t>();
    case SampleFormat::s64:
        return py::dtype::of<int64_t>();
    case SampleFormat::flt:
        return py::dtype::of<float>();
    default:
        return py::dtype::of<double>();
    }
}

ChunkArray audioChunk(py::handle chunk, SampleFormat format, int numChannels, const std::string& where)
{
    py::array array = toNumpyArray(chunk, where);
    const py::dtype expected = dtypeOf(format);
    const std::string expectedShape = "(time, " + std::to_string(numChannels) + ")";
    const std::string expectation = describeExpected(expected, expectedShape);

    // Never cast: a float64 waveform on an 'flt' stream is a mistake the caller should see (torchaudio's rule).
    if (!array.dtype().equal(expected))
        throw ArgumentTypeError(where + " was added with format '" + std::string(toString(format)) +
                                "', so the chunk " + "must be " + expectation + "; got " + dtypeText(array.dtype()) +
                                " of shape " + shapeText(array));
    if (array.ndim() != 2 || array.shape(1) != numChannels)
        throw ArgumentValueError(where + " takes " + expectation + "; got shape " + shapeText(array));

    ChunkArray result;
    result.length = array.shape(0);
    if (isCContiguous(array))
        result.array = std::move(array);
    else
    {
        result.array = contiguousCopy(array);
        result.copied = true;
    }
    return result;
}

namespace
{
/** How a pixel format is given from Python: channels of an NCHW array, or raw planes as (time, rows, width). */
struct VideoShape
{
    int channels = 0;     ///< NCHW channels; 0 for the raw-planes layout
    bool packed = false;  ///< capstan wants packed HWC (the rgb family): NCHW must be transposed
    int rawRows = 0;      ///< raw-planes layout: rows of `width` bytes per frame
    bool allow3d = false; ///< gray8 may drop its channel axis
};

VideoShape videoShapeOf(PixelFormat format, int height)
{
    switch (format)
    {
    case PixelFormat::gray8:
        return {1, false, 0, true};
    case PixelFormat::rgb24:
    case PixelFormat::bgr24:
        return {3, true, 0, false};
    case PixelFormat::rgba:
    case PixelFormat::bgra:
    case PixelFormat::rgb0:
        return {4, true, 0, false};
    case PixelFormat::yuv444p:
        return {3, false, 0, false}; // already planar: channel after channel is exactly FFmpeg's layout
    case PixelFormat::yuv420p:
    case PixelFormat::nv12:
        return {0, false, height * 3 / 2, false};
    }
    return {};
}
} // namespace

std::string videoShapeText(PixelFormat format, int width, int height)
{
    const VideoShape shape = videoShapeOf(format, height);
    const std::string hw = std::to_string(height) + ", " + std::to_string(width) + ")";
    if (shape.channels == 0)
        return "(time, " + std::to_string(shape.rawRows) + ", " + std::to_string(width) + ")";
    if (shape.allow3d)
        return "(time, " + hw + " or (time, 1, " + hw;
    return "(time, " + std::to_string(shape.channels) + ", " + hw;
}

ChunkArray videoChunk(py::handle chunk, PixelFormat format, int width, int height, const std::string& where)
{
    py::array array = toNumpyArray(chunk, where);
    const py::dtype expected = py::dtype::of<uint8_t>();
    const std::string expectation = describeExpected(expected, videoShapeText(format, width, height));
    if (!array.dtype().equal(expected))
        throw ArgumentTypeError(where + " takes " + std::string(toString(format)) + " frames as " + expectation +
                                "; got " + dtypeText(array.dtype()) + " of shape " + shapeText(array));

    const VideoShape shape = videoShapeOf(format, height);
    const auto dims = [&](std::initializer_list<py::ssize_t> wanted)
    {
        if (array.ndim() != static_cast<py::ssize_t>(wanted.size()))
            return false;
        py::ssize_t d = 1;
        for (auto it = wanted.begin() + 1; it != wanted.end(); ++it, ++d)
            if (array.shape(d) != *it)
                return false;
        return true;
    };
    const bool matches = shape.channels == 0
                             ? dims({0, shape.rawRows, width})
                             : dims({0, shape.channels, height, width}) || (shape.allow3d && dims({0, height, width}));
    if (!matches)
        throw ArgumentValueError(where + " takes " + std::string(toString(format)) + " frames as " + expectation +
                                 "; got shape " + shapeText(array));

    ChunkArray result;
    result.length = array.shape(0);
    py::object laidOut = array;
    if (shape.packed) // NCHW -> NHWC: a view; contiguous when the caller's data was HWC to begin with
        laidOut = array.attr("transpose")(0, 2, 3, 1);
    py::array view = py::reinterpret_borrow<py::array>(laidOut);
    if (isCContiguous(view))
        result.array = std::move(view);
    else
    {
        result.array = contiguousCopy(view);
        result.copied = true;
    }
    return result;
}

} // namespace capstan::python

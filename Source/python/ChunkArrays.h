#pragma once

#include <capstan/media/Formats.h>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

namespace capstan::python
{

/** Turns what Python code passes to write_audio_chunk / write_video_chunk into C-contiguous numpy arrays laid out
    the way capstan::StreamWriter takes them, checking dtype and shape on the way. Memory is shared with the caller
    whenever its layout already is the one capstan needs; otherwise numpy makes one contiguous copy. All of it
    needs the GIL. */
struct ChunkArray
{
    pybind11::array array; ///< C-contiguous, owns or shares the memory
    int64_t length = 0;    ///< samples per channel (audio) or frames (video)
    bool copied = false;   ///< true when the caller's memory could not be used as it is
};

/** numpy arrays as they are; objects with __dlpack__ through numpy.from_dlpack (torch tensors, JAX, CuPy on the
    CPU...), objects with __array__ through numpy.asarray. Never copies by itself. Raises TypeError otherwise. */
pybind11::array toNumpyArray(pybind11::handle chunk, const std::string& method);

/** The numpy dtype that carries samples of an interleaved sample format (u8 -> uint8, flt -> float32...). */
pybind11::dtype dtypeOf(SampleFormat format);

/** A (time, numChannels) array of the format's dtype, interleaved in memory (C order). */
ChunkArray audioChunk(pybind11::handle chunk, SampleFormat format, int numChannels, const std::string& where);

/** The shape write_video_chunk expects for frames of this pixel format and size, e.g. "(time, 3, 96, 128)". */
std::string videoShapeText(PixelFormat format, int width, int height);

/** uint8 frames as torchaudio takes them, NCHW: (time, 3, H, W) for rgb24/bgr24/yuv444p, (time, 4, H, W) for
    rgba/bgra/rgb0, (time, H, W) or (time, 1, H, W) for gray8; and (time, H * 3 / 2, W) — the raw planes — for
    yuv420p and nv12. Returned as tightly packed frames in `format` (packed HWC for the rgb family). */
ChunkArray videoChunk(pybind11::handle chunk, PixelFormat format, int width, int height, const std::string& where);

} // namespace capstan::python

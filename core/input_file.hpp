// A whole input file a person named (a scenario, a fuzz input, a report),
// read with a limit on its size.
//
// What is wrong is said in words, never in a C++ library's text: no such
// file, a loop of symbolic links, a directory, or too large with the file's
// true size. A device or a FIFO is read up to one byte past the limit, so
// /dev/zero is refused rather than read for ever.
//
//   core::Result<std::string> text = read_input_file(path, 1 << 20);
//   if (!text) return Error{path + ": cannot be read: " + text.error().message};
#pragma once

#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace unwedge::core {

Result<std::string> read_input_file(const std::string& path, std::size_t bytes_max);

// "1,048,576 bytes (1.0 MiB)": a size as the messages above give it.
std::string describe_size(std::size_t bytes);

}  // namespace unwedge::core

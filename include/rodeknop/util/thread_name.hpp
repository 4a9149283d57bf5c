#pragma once
// Names for the server's threads, so that `top -H`, `ps -L` and perf tell the writer, the
// checkpointer and the I/O threads apart.

#include <string>

namespace rodeknop::util {

/// Names the calling thread (at most 15 characters are kept).
void name_this_thread(const std::string& name) noexcept;

}  // namespace rodeknop::util

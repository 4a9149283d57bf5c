#pragma once
// Streaming responses (Server-Sent Events): a handler that sets a stream_handler on its
// request context gets the connection after the response headers went out, and writes the
// body itself until it returns; the connection then closes. The server keeps its rules: a
// write that the client does not take within the write timeout fails, and a graceful stop
// ends every stream promptly (wait() and write() return false).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <string_view>

namespace rodeknop::http {

class stream {
 public:
  virtual ~stream() = default;
  /// Writes all of `data`; false when the client is gone or too slow, or the server stops.
  virtual boost::asio::awaitable<bool> write(std::string_view data) = 0;
  /// Waits until the waker is called or `timeout` passes (true), or the server stops (false).
  virtual boost::asio::awaitable<bool> wait(std::chrono::milliseconds timeout) = 0;
  /// A function that wakes wait(); callable from any thread, also after the stream ended.
  virtual std::function<void()> waker() = 0;
  /// A function that ends the stream at once, also in the middle of a blocked write (a reader
  /// that fell too far behind); callable from any thread, also after the stream ended.
  virtual std::function<void()> closer() = 0;
};

/// Writes a streaming body; the response it belongs to is sent without Content-Length and
/// with "Connection: close".
using stream_handler = std::function<boost::asio::awaitable<void>(stream&)>;

}  // namespace rodeknop::http

#pragma once
// The route table: {method, path pattern, handler}. Patterns are literal segments and
// `{name}` parameters ("/api/v1/reports/{id}"). A path that matches with another method is a
// 405 with `Allow`; a path that matches nothing is a 404.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rodeknop/auth/access.hpp"
#include "rodeknop/http/message.hpp"
#include "rodeknop/http/stream.hpp"
#include "rodeknop/util/url.hpp"

namespace rodeknop::http {

/// Everything a handler gets about the request it answers.
struct request_context {
  request& req;
  util::target target;                                  // decoded path and query parameters
  std::map<std::string, std::string, std::less<>> params;  // from the route pattern
  boost::asio::ip::address peer;
  /// The authenticated caller; set before the handler runs for every route that needs a
  /// login, and for `anyone` routes when the caller happens to be identified (SSO).
  std::optional<auth::principal> who;
  /// A handler that answers with a stream sets this (Server-Sent Events; see http/stream.hpp).
  stream_handler streamer{};
  /// A handler that answers with a body kept elsewhere (a cache) sets this instead of the
  /// response's body: the server writes it as it is, without a copy per request.
  std::shared_ptr<const std::string> shared_body{};
  /// The matched route pattern (`/api/v1/users/{username}`), for logs: never the raw path,
  /// which can hold a user name or an e-mail address.
  std::string_view route{};

  /// A path parameter (empty when absent).
  std::string_view param(std::string_view name) const;
  /// The first query parameter of that name, if any.
  const std::string* query(std::string_view name) const { return util::find_param(target.query, name); }
};

using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

/// Whether the server knows the method at all (those of RFC 9110 and PATCH): others are 501, not
/// 405 (RFC 9110 9.1), on every path.
bool recognised_method(verb method);

class router {
 public:
  struct route {
    verb method;
    std::string pattern;
    std::vector<std::string> segments;
    auth::access needs;
    handler fn;
  };

  /// Every route says who may use it: there is no way to add one without that decision.
  void add(verb method, std::string pattern, auth::access needs, handler fn);

  struct match {
    const route* found = nullptr;                           // null: no route for this method
    std::map<std::string, std::string, std::less<>> params;
    std::vector<verb> allowed;                              // methods the path does have
  };

  /// HEAD is answered by the GET route.
  match find(verb method, std::string_view path) const;

  const std::vector<route>& routes() const { return routes_; }

 private:
  std::vector<route> routes_;
};

}  // namespace rodeknop::http

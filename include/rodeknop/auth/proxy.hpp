#pragma once
// Single sign-on through the intranet's reverse proxy: the proxy authenticates the user and
// passes the user name and groups in request headers. Those headers are believed only when
// the connection comes from a configured trusted proxy address.

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rodeknop/auth/access.hpp"

namespace rodeknop::auth {

/// An address block such as 10.0.0.0/8, 192.168.1.10 or fd00::/8.
struct cidr {
  boost::asio::ip::address network;
  unsigned prefix = 0;

  bool contains(const boost::asio::ip::address& a) const;
};

/// Parses "ADDR[/PREFIX]"; throws std::invalid_argument with a clear message.
cidr parse_cidr(std::string_view text);

struct sso_settings {
  std::vector<cidr> trusted_proxies;  // empty: single sign-on is off
  std::string user_header = "X-Remote-User";
  std::string groups_header = "X-Remote-Groups";
  std::vector<std::pair<std::string, role>> group_roles;  // group name → role

  bool trusts(const boost::asio::ip::address& peer) const;
  /// The role for a set of groups: admin before triager before manager; nullopt if none maps.
  std::optional<role> role_for(std::string_view groups_header_value) const;
};

/// Builds the settings from the configuration strings ("10.0.0.0/8,127.0.0.1",
/// "rk-team=triager;rk-managers=manager"); throws std::invalid_argument when malformed.
sso_settings parse_sso_settings(std::string_view trusted_proxies, std::string_view user_header,
                                std::string_view groups_header, std::string_view group_roles);

/// A user name as the proxy may send it: 1–200 letters, digits and . - _ @ \\ (not `reporter`).
bool plausible_sso_user(std::string_view name);

}  // namespace rodeknop::auth

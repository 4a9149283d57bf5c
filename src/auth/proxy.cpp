#include "rodeknop/auth/proxy.hpp"

#include <boost/beast/core/string.hpp>

#include <stdexcept>

namespace rodeknop::auth {

namespace net = boost::asio;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <class F>
void for_each_item(std::string_view list, std::string_view separators, F&& f) {
  while (!list.empty()) {
    const auto end = list.find_first_of(separators);
    const auto item = trim(list.substr(0, end));
    if (!item.empty()) f(item);
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
}

net::ip::address_v6 as_v6(const net::ip::address& a) {
  return a.is_v4() ? net::ip::make_address_v6(net::ip::v4_mapped, a.to_v4()) : a.to_v6();
}

bool valid_header_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

bool cidr::contains(const net::ip::address& a) const {
  // Compare as IPv6 so that IPv4 peers on a dual-stack socket (::ffff:10.0.0.1) match 10.0.0.0/8.
  const auto n = as_v6(network).to_bytes();
  const auto b = as_v6(a).to_bytes();
  const unsigned bits = network.is_v4() ? prefix + 96 : prefix;
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned take = bits > i * 8 ? std::min(8u, bits - i * 8) : 0;
    if (take == 0) break;
    const auto mask = static_cast<unsigned char>(0xFF << (8 - take));
    if ((n[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

cidr parse_cidr(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  boost::system::error_code ec;
  const auto a = net::ip::make_address(addr, ec);
  if (ec) throw std::invalid_argument("trusted proxy \"" + std::string(text) + "\" is not an IP address or CIDR block");
  const unsigned max = a.is_v4() ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    const auto p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(p)) > max)
      throw std::invalid_argument("trusted proxy \"" + std::string(text) + "\" has an invalid prefix length");
    prefix = static_cast<unsigned>(std::stoul(std::string(p)));
  }
  return {a, prefix};
}

bool sso_settings::trusts(const net::ip::address& peer) const {
  for (const auto& c : trusted_proxies)
    if (c.contains(peer)) return true;
  return false;
}

std::optional<role> sso_settings::role_for(std::string_view groups) const {
  std::optional<role> best;
  const auto rank = [](role r) { return r == role::admin ? 3 : r == role::triager ? 2 : 1; };
  for_each_item(groups, ",;", [&](std::string_view g) {
    for (const auto& [name, r] : group_roles)
      if (name == g && (!best || rank(r) > rank(*best))) best = r;
  });
  return best;
}

sso_settings parse_sso_settings(std::string_view trusted_proxies, std::string_view user_header,
                                std::string_view groups_header, std::string_view group_roles) {
  sso_settings s;
  for_each_item(trusted_proxies, ", ", [&](std::string_view item) { s.trusted_proxies.push_back(parse_cidr(item)); });
  if (!valid_header_name(user_header)) throw std::invalid_argument("--sso-user-header is not a valid header name");
  if (!valid_header_name(groups_header)) throw std::invalid_argument("--sso-groups-header is not a valid header name");
  s.user_header = user_header;
  s.groups_header = groups_header;
  for_each_item(group_roles, ";", [&](std::string_view item) {
    const auto eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0)
      throw std::invalid_argument("--sso-group-roles entries must be GROUP=ROLE, separated by ';'");
    const auto r = parse_role(trim(item.substr(eq + 1)));
    if (!r) throw std::invalid_argument("--sso-group-roles: unknown role in \"" + std::string(item) + "\"");
    s.group_roles.emplace_back(std::string(trim(item.substr(0, eq))), *r);
  });
  return s;
}

bool plausible_sso_user(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  if (boost::beast::iequals(name, "reporter")) return false;  // the history's name for the reporter
  // The characters of local account names and of directory names (j.jansen, j.jansen@denhaag.nl,
  // DENHAAG\jjansen): nothing that could pass for markup, an API token ("token:…") or the logs'
  // "(unknown)" in the history.
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
          c == '_' || c == '@' || c == '\\'))
      return false;
  return true;
}

}  // namespace rodeknop::auth

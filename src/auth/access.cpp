#include "rodeknop/auth/access.hpp"

namespace rodeknop::auth {

std::optional<role> parse_role(std::string_view s) {
  if (s == "triager") return role::triager;
  if (s == "manager") return role::manager;
  if (s == "admin") return role::admin;
  return std::nullopt;
}

std::string_view to_string(role r) {
  switch (r) {
    case role::triager: return "triager";
    case role::manager: return "manager";
    case role::admin: return "admin";
  }
  return "unknown";
}

std::string_view to_string(access a) {
  switch (a) {
    case access::anyone: return "anyone";
    case access::team: return "team";
    case access::read_reports: return "read_reports";
    case access::change_reports: return "change_reports";
    case access::read_statistics: return "read_statistics";
    case access::administer: return "administer";
  }
  return "unknown";
}

bool allows(access a, role r) {
  switch (a) {
    case access::anyone:
    case access::team:
    case access::read_reports: return true;
    case access::change_reports: return r == role::triager || r == role::admin;
    case access::read_statistics: return r == role::manager || r == role::admin;
    case access::administer: return r == role::admin;
  }
  return false;
}

}  // namespace rodeknop::auth

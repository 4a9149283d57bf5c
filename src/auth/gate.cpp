#include "rodeknop/auth/gate.hpp"

namespace rodeknop::auth {

gate::gate(const config& cfg, store::writer& writer, store::read_pool& readers)
    : cfg_(cfg), writer_(writer), readers_(readers), hashing_(1) {}

gate::~gate() { hashing_.join(); }

boost::asio::awaitable<void> gate::admit(http::request_context&, access needs) {
  if (needs != access::anyone)
    throw http::api_error(http::status::unauthorized, "unauthenticated", "log in or send an API token");
  co_return;
}

}  // namespace rodeknop::auth

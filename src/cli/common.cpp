#include "rodeknop/cli/common.hpp"

#include "rodeknop/util/crypto.hpp"

namespace rodeknop::cli {

std::unique_ptr<store::connection> open(const std::string& db) {
  util::init_crypto();
  const store::db_options options{db};
  store::initialise_database(options);
  return std::make_unique<store::connection>(options, true);
}

}  // namespace rodeknop::cli

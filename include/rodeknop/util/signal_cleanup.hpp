#pragma once
// Files a command is writing that must not outlive it when it is stopped half-way (Ctrl-C, a
// timer's SIGTERM): a nightly backup killed now and then must not pile up partial copies.

#include <string>
#include <vector>

namespace rodeknop::util {

/// While an instance lives, SIGINT, SIGTERM and SIGHUP first remove `paths`, then end the
/// process as the signal would have. For the command line's single thread; one at a time.
class remove_on_signal {
 public:
  explicit remove_on_signal(const std::vector<std::string>& paths);
  ~remove_on_signal();
  remove_on_signal(const remove_on_signal&) = delete;
  remove_on_signal& operator=(const remove_on_signal&) = delete;
};

}  // namespace rodeknop::util

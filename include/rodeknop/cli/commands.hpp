#pragma once
// The command line: `rodeknop serve|backup|seed ...` (see CONTRACT.md and the README).

namespace rodeknop::cli {

/// Parses the arguments and runs the command; returns the process exit status. Errors are
/// one line on stderr with a non-zero status.
int run(int argc, char** argv);

}  // namespace rodeknop::cli

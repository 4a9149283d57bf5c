#include "rodeknop/cli/commands.hpp"

int main(int argc, char** argv) { return rodeknop::cli::run(argc, argv); }

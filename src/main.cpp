#include <sys/stat.h>

#include "rodeknop/cli/commands.hpp"

int main(int argc, char** argv) {
  // The database, its WAL and backups hold reporters' names and e-mail addresses: never
  // readable by other users of the machine, whatever the caller's umask (rw-r----- at most).
  ::umask(::umask(0) | S_IWGRP | S_IRWXO);
  return rodeknop::cli::run(argc, argv);
}

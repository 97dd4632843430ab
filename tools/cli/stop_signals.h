// What `faceveil anonymize` does when it is stopped (Ctrl+C, kill, a closed
// terminal): no temporary output is left behind. This is the pattern of
// `faceveil serve` (signals blocked, one thread sigwait()s) with the clean-up
// of faceveil/file_io.h, so photos and videos are handled the same way.
#ifndef FACEVEIL_TOOLS_CLI_STOP_SIGNALS_H_
#define FACEVEIL_TOOLS_CLI_STOP_SIGNALS_H_

namespace faceveil::cli {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread, and so in every
// thread started after it, and starts one thread that waits for them. When
// one arrives it removes every temporary output (RemoveTemporaryFiles()),
// says so on stderr, and ends the process by that same signal, so the shell
// sees what stopped it (exit status 128 + signal number). Finished outputs
// stay. Call once, before any other thread is started.
void RemoveTemporaryFilesWhenStopped();

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_STOP_SIGNALS_H_

#include "stop_signals.h"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>
#include <thread>

#include "faceveil/file_io.h"

namespace faceveil::cli {

void RemoveTemporaryFilesWhenStopped() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  // Detached: it lives as long as the process, blocked in sigwait().
  std::thread([stop] {
    int sig = 0;
    if (sigwait(&stop, &sig) != 0) return;
    RemoveTemporaryFiles();
    // The progress line may be half drawn: start a fresh line.
    const std::string msg = std::string("\nfaceveil anonymize: stopped (SIG") +
                            sigabbrev_np(sig) +
                            "); unfinished outputs removed\n";
    (void)!::write(STDERR_FILENO, msg.data(), msg.size());
    std::signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
    raise(sig);        // ends the process (default action) ...
    _exit(128 + sig);  // ... or, should it not, the same status
  }).detach();
}

}  // namespace faceveil::cli

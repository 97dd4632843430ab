// Writing output files so that they appear complete or not at all.
#ifndef FACEVEIL_FILE_IO_H_
#define FACEVEIL_FILE_IO_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "faceveil/status.h"

namespace faceveil {

// Writes `bytes` to `path` atomically: into a uniquely named temporary file
// in the same directory (created with O_EXCL, mode 0644 less the umask, as
// video outputs are), flushed to disk, then renamed onto `path`. With
// `overwrite` false an existing `path` is never replaced, even one created
// while writing (Status::InvalidArgument "already exists"). On any failure the
// temporary file is removed and `path` is as it was. The parent directory must
// exist (see CreateParentDirectories()).
Status WriteFileAtomic(const std::string& path, std::span<const uint8_t> bytes,
                       bool overwrite);

// Removes every temporary output file this process has open (photos and
// videos being written) and makes later attempts to start one fail, so
// that nothing half-written is left behind when the process is stopped.
// For a front end that ends on SIGINT, SIGTERM or SIGHUP: call it from a
// thread that took the signal with sigwait(), then end the process. Not
// async-signal-safe (it takes a lock): never call it from a signal handler.
void RemoveTemporaryFiles();

// Creates the directories leading to file `path` (like mkdir -p of its
// parent); OK when they already exist.
Status CreateParentDirectories(const std::string& path);

// `name` (a file name or path, any bytes) as it may be printed to a
// terminal or a log: control characters (C0, DEL, C1), bidirectional
// overrides, line separators, invalid UTF-8 and the backslash itself are
// escaped (\n, \t, \\, \xNN, \u202e), so that no name can move the cursor,
// colour the text or forge a line. Printable UTF-8 passes unchanged.
std::string PrintableName(std::string_view name);

}  // namespace faceveil

#endif  // FACEVEIL_FILE_IO_H_

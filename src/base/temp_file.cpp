// TempFile and the registry behind RemoveTemporaryFiles().
#include "base/temp_file.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>
#include <set>

#include "faceveil/file_io.h"

namespace faceveil {

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// The temporary files that exist now. Creating (open + insert), publishing
// (rename + erase) and RemoveTemporaryFiles() each hold the lock, so a file
// is either listed or not yet made, published or already gone: the clean-up
// on a signal misses none.
struct Registry {
  std::mutex mu;
  std::set<std::string> paths;
  bool stopping = false;  // RemoveTemporaryFiles() ran; no new files
};

Registry& TheRegistry() {
  // Never destroyed: the signal thread may use it while main() returns.
  static Registry* registry = new Registry;
  return *registry;
}

// Directory and file name of `path`; the directory is "." for a bare name.
void SplitPath(const std::string& path, std::string* dir, std::string* name) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    *dir = ".";
    *name = path;
  } else {
    *dir = slash == 0 ? "/" : path.substr(0, slash);
    *name = path.substr(slash + 1);
  }
}

// A name no other writer picks: random bits plus a process-wide counter.
std::string TempName(const std::string& dir, const std::string& name) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t bits = rng() ^ (counter.fetch_add(1) * 0x9e3779b97f4a7c15ULL);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx",
                static_cast<unsigned long long>(bits));
  return dir + "/." + name + ".faceveil-" + suffix + ".tmp";
}

// Moves `temp` to `path`; without `overwrite` an existing `path` wins.
Status Rename(const std::string& temp, const std::string& path,
              bool overwrite) {
  if (overwrite) {
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      return Status::IoError("cannot rename onto " + path + ": " +
                             ErrnoText(errno));
    }
    return Status::Ok();
  }
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(),
                  RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  int err = errno;
  if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
    // A file system without RENAME_NOREPLACE: link() also refuses to
    // replace an existing name, and is atomic.
    if (::link(temp.c_str(), path.c_str()) == 0) {
      ::unlink(temp.c_str());
      return Status::Ok();
    }
    err = errno;
  }
  if (err == EEXIST) {
    return Status::InvalidArgument(path + " already exists");
  }
  return Status::IoError("cannot create " + path + ": " + ErrnoText(err));
}

}  // namespace

Result<TempFile> TempFile::Create(const std::string& final_path) {
  if (final_path.empty() || final_path.back() == '/') {
    return Status::InvalidArgument("output path '" + final_path +
                                   "' does not name a file");
  }
  std::string dir, name;
  SplitPath(final_path, &dir, &name);
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  if (registry.stopping) {
    return Status::InvalidArgument("stopped: no new output is started");
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp = TempName(dir, name);
    const int fd =
        ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      registry.paths.insert(temp);
      return TempFile(fd, std::move(temp), final_path);
    }
    if (errno != EEXIST) {
      return Status::IoError("cannot create a file in " + dir + ": " +
                             ErrnoText(errno));
    }
  }
  return Status::IoError("no free temporary name in " + dir);
}

TempFile::TempFile(TempFile&& other) noexcept
    : fd_(other.fd_),
      temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      owned_(other.owned_) {
  other.fd_ = -1;
  other.owned_ = false;
}

TempFile::~TempFile() { Discard(); }

void TempFile::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!owned_) return;
  owned_ = false;
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  // Gone already when RemoveTemporaryFiles() ran: then the name may belong
  // to nothing (or, in theory, to a newer file), so it is left alone.
  if (registry.paths.erase(temp_path_) > 0) ::unlink(temp_path_.c_str());
}

Status TempFile::Publish(bool overwrite) {
  if (!owned_) return Status::Internal("temporary file already published");
  Status status;
  if (::fsync(fd_) != 0) {
    status = Status::IoError("fsync failed: " + ErrnoText(errno));
  }
  if (::close(fd_) != 0 && status.ok()) {
    status = Status::IoError("close failed: " + ErrnoText(errno));
  }
  fd_ = -1;
  if (status.ok()) {
    Registry& registry = TheRegistry();
    std::lock_guard<std::mutex> lock(registry.mu);
    if (registry.paths.count(temp_path_) == 0) {
      status = Status::InvalidArgument("stopped before " + final_path_ +
                                       " was complete");
    } else {
      status = Rename(temp_path_, final_path_, overwrite);
      if (status.ok()) {
        registry.paths.erase(temp_path_);
        owned_ = false;
      }
    }
  }
  if (!status.ok()) {
    Discard();
    return status;
  }
  // Make the rename itself durable; failure here loses nothing written.
  std::string dir, name;
  SplitPath(final_path_, &dir, &name);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

void RemoveTemporaryFiles() {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  registry.stopping = true;
  for (const std::string& path : registry.paths) ::unlink(path.c_str());
  registry.paths.clear();
}

}  // namespace faceveil

// WriteFileAtomic(): temporary file + fsync + rename, so a reader (or a
// crash) never sees a half-written output.
#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "faceveil/file_io.h"

namespace faceveil {

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

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

Status WriteAll(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("write failed: " + ErrnoText(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Moves `temp` to `path`; without `overwrite` an existing `path` wins.
Status Publish(const std::string& temp, const std::string& path,
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

Status WriteFileAtomic(const std::string& path, std::span<const uint8_t> bytes,
                       bool overwrite) {
  if (path.empty() || path.back() == '/') {
    return Status::InvalidArgument("output path '" + path +
                                   "' does not name a file");
  }
  if (!overwrite && ::access(path.c_str(), F_OK) == 0) {
    return Status::InvalidArgument(path + " already exists");
  }
  std::string dir, name;
  SplitPath(path, &dir, &name);
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = TempName(dir, name);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) {
      return Status::IoError("cannot create a file in " + dir + ": " +
                             ErrnoText(errno));
    }
  }
  if (fd < 0) return Status::IoError("no free temporary name in " + dir);

  Status status = WriteAll(fd, bytes);
  if (status.ok() && ::fsync(fd) != 0) {
    status = Status::IoError("fsync failed: " + ErrnoText(errno));
  }
  if (::close(fd) != 0 && status.ok()) {
    status = Status::IoError("close failed: " + ErrnoText(errno));
  }
  if (status.ok()) status = Publish(temp, path, overwrite);
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status.WithContext("writing " + path);
  }
  // Make the rename itself durable; failure here loses nothing written.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Status CreateParentDirectories(const std::string& path) {
  const std::filesystem::path parent =
      std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Status::IoError("cannot create directory " + parent.string() + ": " +
                           ec.message());
  }
  return Status::Ok();
}

}  // namespace faceveil

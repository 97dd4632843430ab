// WriteFileAtomic(): a TempFile (base/temp_file.h) written, flushed and
// renamed, so a reader (or a crash) never sees a half-written output.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "base/temp_file.h"
#include "faceveil/file_io.h"

namespace faceveil {

namespace {

Status WriteAll(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("write failed: " +
                             std::string(std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
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
  auto temp = TempFile::Create(path);
  if (!temp.ok()) return temp.status().WithContext("writing " + path);
  Status status = WriteAll(temp->fd(), bytes);
  if (status.ok()) status = temp->Publish(overwrite);
  if (!status.ok()) return status.WithContext("writing " + path);
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

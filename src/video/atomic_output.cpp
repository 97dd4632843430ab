#include "video/atomic_output.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE (glibc, _GNU_SOURCE)
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace faceveil::video {

Result<TempOutputFile> TempOutputFile::Create(const std::string& final_path) {
  std::filesystem::path final(final_path);
  std::filesystem::path dir = final.parent_path();
  std::string ext = final.extension().string();
  std::string name(".");  // hidden, so nothing mistakes it for output
  name += final.stem().string();
  name += ".faceveil-XXXXXX";
  name += ext;
  std::string pattern =
      (dir.empty() ? std::filesystem::path(name) : dir / name).string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkstemps(buf.data(), static_cast<int>(ext.size()));
  if (fd < 0) {
    return Status::IoError("cannot create a temporary file beside " +
                           final_path + ": " + std::strerror(errno));
  }
  close(fd);
  return TempOutputFile(std::string(buf.data()), final_path);
}

TempOutputFile::TempOutputFile(TempOutputFile&& other) noexcept
    : temp_path_(std::move(other.temp_path_)),
      final_path_(std::move(other.final_path_)),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing
}

TempOutputFile::~TempOutputFile() {
  if (!committed_) unlink(temp_path_.c_str());
}

Status TempOutputFile::Commit(bool overwrite) {
  int rc;
  if (overwrite) {
    rc = rename(temp_path_.c_str(), final_path_.c_str());
  } else {
    rc = renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_path_.c_str(),
                   RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // File systems without RENAME_NOREPLACE: link() also refuses to
      // replace an existing name.
      rc = link(temp_path_.c_str(), final_path_.c_str());
      if (rc == 0) unlink(temp_path_.c_str());
    }
  }
  if (rc != 0) {
    int err = errno;
    if (err == EEXIST) {
      return Status::InvalidArgument(final_path_ +
                                     " already exists (not overwritten)");
    }
    return Status::IoError("cannot move the output to " + final_path_ + ": " +
                           std::strerror(err));
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace faceveil::video

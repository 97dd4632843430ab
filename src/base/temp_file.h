// The one way faceveil creates an output: a hidden temporary file beside the
// destination, written through its descriptor and renamed onto the
// destination only when complete. Photos (WriteFileAtomic) and videos
// (TranscodeVideo) both use it, so both get the same name pattern, the same
// mode (0644 less the umask), the same flush before the rename and the same
// clean-up when the process is stopped: every live TempFile is listed in a
// process-wide registry that RemoveTemporaryFiles() (faceveil/file_io.h)
// empties.
#ifndef FACEVEIL_BASE_TEMP_FILE_H_
#define FACEVEIL_BASE_TEMP_FILE_H_

#include <string>

#include "faceveil/status.h"

namespace faceveil {

class TempFile {
 public:
  // Creates ".<name>.faceveil-<16 hex digits>.tmp" beside `final_path`
  // (O_EXCL, mode 0644 less the umask) and registers it. Fails once
  // RemoveTemporaryFiles() has run: the process is being stopped.
  static Result<TempFile> Create(const std::string& final_path);

  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;
  // Closes and removes the temporary file unless Publish() succeeded.
  ~TempFile();

  // Open for writing (and seeking) until Publish(); owned by this object.
  int fd() const { return fd_; }
  const std::string& path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }

  // Flushes the data to disk, closes the file and renames it onto the final
  // path, then flushes the directory. With `overwrite` false an existing
  // destination is never replaced, even one that appeared while the output
  // was written (kInvalidArgument "already exists"). On failure the
  // temporary file is removed and the destination is as it was.
  Status Publish(bool overwrite);

 private:
  TempFile(int fd, std::string temp_path, std::string final_path)
      : fd_(fd),
        temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)) {}
  void Discard();

  int fd_ = -1;
  std::string temp_path_;
  std::string final_path_;
  bool owned_ = true;  // false once published or moved from
};

}  // namespace faceveil

#endif  // FACEVEIL_BASE_TEMP_FILE_H_

// Output files that appear complete or not at all: data goes to a temporary
// file in the destination's directory (so the final rename stays on one
// file system and is atomic) and is renamed over the destination only on
// success. An interrupted run leaves at most a hidden temporary file.
#ifndef FACEVEIL_VIDEO_ATOMIC_OUTPUT_H_
#define FACEVEIL_VIDEO_ATOMIC_OUTPUT_H_

#include <string>

#include "faceveil/status.h"

namespace faceveil::video {

class TempOutputFile {
 public:
  // Creates an empty, uniquely named file ".<name>.faceveil-XXXXXX<ext>"
  // beside `final_path`.
  static Result<TempOutputFile> Create(const std::string& final_path);

  TempOutputFile(TempOutputFile&& other) noexcept;
  TempOutputFile& operator=(TempOutputFile&&) = delete;
  TempOutputFile(const TempOutputFile&) = delete;
  // Removes the temporary file unless Commit() succeeded.
  ~TempOutputFile();

  const std::string& path() const { return temp_path_; }

  // Moves the temporary file to the final path. With `overwrite` false an
  // existing destination is never replaced, even one that appeared while
  // the output was being written (kInvalidArgument).
  Status Commit(bool overwrite);

 private:
  TempOutputFile(std::string temp_path, std::string final_path)
      : temp_path_(std::move(temp_path)), final_path_(std::move(final_path)) {}
  std::string temp_path_;
  std::string final_path_;
  bool committed_ = false;
};

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_ATOMIC_OUTPUT_H_

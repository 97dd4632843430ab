// Turns the inputs a user names (files and folders) and one output name into
// a list of (input file, output file) pairs: folders are walked recursively
// and mirrored under the output folder.
#ifndef FACEVEIL_APP_FILE_PLAN_H_
#define FACEVEIL_APP_FILE_PLAN_H_

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "faceveil/status.h"

namespace faceveil {

enum class MediaKind { kImage, kVideo };

// The kind of media a file name suggests, by extension (case-insensitive);
// false when the extension is not one faceveil reads.
bool MediaKindForPath(const std::filesystem::path& path, MediaKind* kind);

struct PlannedFile {
  std::filesystem::path input;
  std::filesystem::path output;
  MediaKind kind = MediaKind::kImage;
};

struct PlanOptions {
  // Write each output over its input (the only way an input is replaced).
  // `output` must then be empty.
  bool in_place = false;

  // Maps an input file name to the output file name (e.g. "a.heic" → "a.jpg"
  // when HEIF is written as JPEG, or a forced --format). Identity if unset.
  std::function<std::filesystem::path(const std::filesystem::path&, MediaKind)>
      rename;
};

// Plans the work. Rules:
// - A single input file with an `output` that is not an existing directory
//   and does not end in '/' → `output` is the output file itself.
// - Otherwise `output` is a folder: a file input F goes to output/F's name;
//   a folder input D is walked recursively (hidden entries and links to
//   folders are skipped; only files with a known media extension are taken)
//   and mirrored: with one input, output/<path below D>; with several,
//   output/<D's name>/<path below D>.
// - An output folder inside an input folder is not walked.
// - Two inputs mapping to one output, or an output equal to its input
//   without in_place, is an InvalidArgument error naming the files.
// An input that does not exist is NotFound.
Result<std::vector<PlannedFile>> PlanFiles(
    const std::vector<std::filesystem::path>& inputs,
    const std::filesystem::path& output, const PlanOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_APP_FILE_PLAN_H_

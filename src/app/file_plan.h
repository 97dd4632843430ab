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

// A folder or link below an input folder that was not walked.
struct SkippedEntry {
  std::filesystem::path path;
  std::string reason;  // for people: "link to a folder, not followed"
};

struct FilePlan {
  std::vector<PlannedFile> files;
  // Folders that could not be read and links that were not followed, in
  // the order found (hidden entries are skipped without a word).
  std::vector<SkippedEntry> skipped;
  // Input folders in which no photo or video was found.
  std::vector<std::filesystem::path> empty_folders;
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
//   a folder input D is walked recursively (hidden entries are skipped;
//   links to folders, unreadable folders and broken links are skipped and
//   listed in FilePlan::skipped; only files with a known media extension
//   are taken)
//   and mirrored: with one input, output/<path below D>; with several,
//   output/<D's name>/<path below D>.
// - An output folder inside an input folder is not walked.
// - Two inputs mapping to one output, an output equal to its input without
//   in_place, or an `output` that is an existing file (or is named like a
//   photo or video) where a folder is needed, is an InvalidArgument error
//   naming the files.
// An input that does not exist is NotFound.
Result<FilePlan> PlanFiles(const std::vector<std::filesystem::path>& inputs,
                           const std::filesystem::path& output,
                           const PlanOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_APP_FILE_PLAN_H_

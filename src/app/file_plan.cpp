#include "app/file_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

#include "faceveil/file_io.h"

namespace faceveil {

namespace fs = std::filesystem;

namespace {

std::string LowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool IsHidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// True when `inner` is `outer` or lies below it (both made absolute and
// normalized; no file system access beyond that).
bool IsWithin(const fs::path& inner, const fs::path& outer) {
  const fs::path a = fs::weakly_canonical(inner);
  const fs::path b = fs::weakly_canonical(outer);
  auto [end_b, end_a] = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  return end_b == b.end();
}

fs::path Renamed(const PlanOptions& options, const fs::path& name,
                 MediaKind kind) {
  return options.rename ? options.rename(name, kind) : name;
}

// Walks `dir` and appends a PlannedFile for every media file below it;
// what it does not walk into goes to plan->skipped.
Status WalkFolder(const fs::path& dir, const fs::path& out_root,
                  const fs::path& skip, const PlanOptions& options,
                  FilePlan* plan) {
  std::error_code ec;
  fs::recursive_directory_iterator it(
      dir, fs::directory_options::skip_permission_denied, ec);
  if (ec)
    return Status::IoError("cannot read folder " + PrintableName(dir.string()) +
                           ": " + ec.message());
  std::vector<PlannedFile> found;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      return Status::IoError("cannot read folder " +
                             PrintableName(dir.string()) + ": " + ec.message());
    }
    const fs::directory_entry& entry = *it;
    const bool is_dir = entry.is_directory(ec);
    const bool is_link = entry.is_symlink(ec);
    if (IsHidden(entry.path()) ||
        (is_dir && !skip.empty() && IsWithin(entry.path(), skip))) {
      if (is_dir) it.disable_recursion_pending();
      continue;
    }
    if (is_dir && is_link) {
      // Followed links could lead out of the tree or round in a loop.
      plan->skipped.push_back({entry.path(), "link to a folder, not followed"});
      it.disable_recursion_pending();
      continue;
    }
    if (is_dir) {
      // The walk itself would pass over an unreadable folder in silence.
      std::error_code open_ec;
      fs::directory_iterator probe(entry.path(), open_ec);
      if (open_ec) {
        plan->skipped.push_back(
            {entry.path(), "folder cannot be read: " + open_ec.message()});
        it.disable_recursion_pending();
      }
      continue;
    }
    if (is_link && !fs::exists(entry.path(), ec)) {
      plan->skipped.push_back({entry.path(), "broken link"});
      continue;
    }
    MediaKind kind;
    if (!entry.is_regular_file(ec) || !MediaKindForPath(entry.path(), &kind)) {
      continue;
    }
    const fs::path rel = entry.path().lexically_relative(dir);
    PlannedFile file;
    file.input = entry.path();
    file.kind = kind;
    file.output = options.in_place ? entry.path()
                                   : out_root / rel.parent_path() /
                                         Renamed(options, rel.filename(), kind);
    found.push_back(std::move(file));
  }
  if (found.empty()) plan->empty_folders.push_back(dir);
  // Directory iteration order is unspecified; sorted plans make runs and
  // reports reproducible.
  std::sort(found.begin(), found.end(),
            [](const PlannedFile& a, const PlannedFile& b) {
              return a.input < b.input;
            });
  plan->files.insert(plan->files.end(), found.begin(), found.end());
  return Status::Ok();
}

}  // namespace

bool MediaKindForPath(const fs::path& path, MediaKind* kind) {
  static const std::map<std::string, MediaKind> kKinds = {
      {".jpg", MediaKind::kImage},  {".jpeg", MediaKind::kImage},
      {".jpe", MediaKind::kImage},  {".png", MediaKind::kImage},
      {".webp", MediaKind::kImage}, {".bmp", MediaKind::kImage},
      {".tif", MediaKind::kImage},  {".tiff", MediaKind::kImage},
      {".heic", MediaKind::kImage}, {".heif", MediaKind::kImage},
      {".mp4", MediaKind::kVideo},  {".m4v", MediaKind::kVideo},
      {".mov", MediaKind::kVideo},  {".mkv", MediaKind::kVideo},
      {".webm", MediaKind::kVideo}, {".avi", MediaKind::kVideo},
  };
  auto it = kKinds.find(LowerExtension(path));
  if (it == kKinds.end()) return false;
  *kind = it->second;
  return true;
}

Result<FilePlan> PlanFiles(const std::vector<fs::path>& inputs,
                           const fs::path& output, const PlanOptions& options) {
  if (inputs.empty()) return Status::InvalidArgument("no input given");
  if (options.in_place && !output.empty()) {
    return Status::InvalidArgument(
        "--in-place writes over the inputs; "
        "do not also give an output");
  }
  if (!options.in_place && output.empty()) {
    return Status::InvalidArgument("no output given");
  }
  std::error_code ec;
  for (const fs::path& in : inputs) {
    if (!fs::exists(in, ec)) {
      return Status::NotFound("input " + PrintableName(in.string()) +
                              " does not exist");
    }
  }

  FilePlan plan;
  const bool single_file = inputs.size() == 1 && !fs::is_directory(inputs[0]);
  const std::string out_str = output.string();
  const bool output_is_dir = !output.empty() && (fs::is_directory(output, ec) ||
                                                 out_str.back() == '/');
  if (single_file && !options.in_place && !output_is_dir) {
    MediaKind kind = MediaKind::kImage;
    MediaKindForPath(inputs[0], &kind);
    plan.files.push_back({inputs[0], output, kind});
  } else {
    // One clear error instead of one per file that cannot be written below
    // a file, or a folder named like a photo the user meant to write.
    MediaKind named_kind;
    if (!options.in_place && !output_is_dir &&
        (fs::exists(output, ec) || MediaKindForPath(output, &named_kind))) {
      return Status::InvalidArgument(
          "-o " + PrintableName(out_str) +
          " names a file, but a folder input or several inputs need an "
          "output folder (e.g. -o out/)");
    }
    for (const fs::path& in : inputs) {
      if (fs::is_directory(in, ec)) {
        const fs::path root =
            inputs.size() == 1 || options.in_place
                ? output
                : output / fs::weakly_canonical(in).filename();
        FACEVEIL_RETURN_IF_ERROR(WalkFolder(
            in, root, options.in_place ? fs::path() : output, options, &plan));
      } else {
        MediaKind kind = MediaKind::kImage;
        MediaKindForPath(in, &kind);
        plan.files.push_back(
            {in,
             options.in_place ? in
                              : output / Renamed(options, in.filename(), kind),
             kind});
      }
    }
  }

  // No two inputs may share an output, and only --in-place writes over an
  // input.
  std::map<fs::path, const PlannedFile*> by_output;
  for (const PlannedFile& file : plan.files) {
    const fs::path key = fs::weakly_canonical(file.output);
    auto [it, inserted] = by_output.emplace(key, &file);
    if (!inserted) {
      return Status::InvalidArgument(
          "both " + PrintableName(it->second->input.string()) + " and " +
          PrintableName(file.input.string()) + " would be written to " +
          PrintableName(file.output.string()));
    }
    if (!options.in_place && key == fs::weakly_canonical(file.input)) {
      return Status::InvalidArgument(
          "output " + PrintableName(file.output.string()) +
          " is the input itself; use --in-place to replace inputs");
    }
  }
  return plan;
}

}  // namespace faceveil

#include "people_options.h"

#include <cctype>
#include <filesystem>
#include <utility>

#include "faceveil/file_io.h"
#include "faceveil/image.h"

namespace faceveil::cli {
namespace {

// A reference as given: the photo's path and the face number (0: the
// photo must show exactly one face).
struct Reference {
  std::string path;
  int face_number = 0;
};

// "PHOTO#N" → {PHOTO, N}; a name that exists as a file is taken whole (a
// photo may have '#' in its name), as is one without a "#digits" end.
Result<Reference> ParseReference(const std::string& text) {
  std::error_code ec;
  const size_t hash = text.rfind('#');
  if (hash == std::string::npos || std::filesystem::exists(text, ec)) {
    return Reference{text, 0};
  }
  const std::string digits = text.substr(hash + 1);
  if (digits.empty() || digits.size() > 6 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return Reference{text, 0};
  }
  const int n = std::stoi(digits);
  if (n < 1) {
    return Status::InvalidArgument("face numbers count from 1 (" +
                                   PrintableName(text) + ")");
  }
  return Reference{text.substr(0, hash), n};
}

}  // namespace

void AddPeopleOptions(CLI::App* cmd, PeopleArgs* args) {
  cmd->add_option("--keep-person", args->keep,
                  "Keep this person visible and hide every other face: "
                  "PHOTO shows only them, or PHOTO#N picks face N (from 1, "
                  "in the order 'faceveil detect' and --report list the "
                  "faces). Repeat for more people")
      ->type_name("PHOTO[#N]")
      ->allow_extra_args(false);  // one photo per flag: INPUT may follow
  cmd->add_option("--hide-person", args->hide,
                  "The opposite: hide only this person (and faces too small "
                  "to recognise), leave everyone else visible. Repeatable; "
                  "not together with --keep-person")
      ->type_name("PHOTO[#N]")
      ->allow_extra_args(false);
}

std::string PeopleOptionsHelp() {
  return "\nPeople: --keep-person me.jpg keeps the person in me.jpg visible "
         "and hides\nevery other face; --hide-person hides only them. Faces "
         "are compared by a\nface recognition network (dlib's, via "
         "face-api); when unsure, faceveil\nhides: a face too small or "
         "unclear to recognise is hidden in both modes.\nIn a video each "
         "tracked face is decided on the key frames: it is shown\nonly while "
         "its latest key frame and most of its last 3 would show it, so\none "
         "that would not (a stranger taking the track over, a face not "
         "recognised)\nhides it at once; it is hidden until its first key "
         "frame has been recognised.\n--report gives per face \"matched\", "
         "\"person\" (which reference, from 1),\n\"distance\" and "
         "\"hidden\"; for a video per track, with the frames of each "
         "decision.\n";
}

Status ValidatePeopleArgs(const PeopleArgs& args) {
  if (!args.keep.empty() && !args.hide.empty()) {
    return Status::InvalidArgument(
        "use either --keep-person (hide everyone else) or --hide-person "
        "(hide only them), not both");
  }
  for (const std::string& text : args.keep.empty() ? args.hide : args.keep) {
    auto reference = ParseReference(text);
    if (!reference.ok()) return reference.status();
  }
  return Status::Ok();
}

Status FillPeopleFilter(const PeopleArgs& args, const Pipeline& pipeline,
                        PeopleFilter* filter) {
  const bool keep = !args.keep.empty();
  const std::string flag = keep ? "--keep-person " : "--hide-person ";
  auto identifier = FaceIdentifier::Create({});
  if (!identifier.ok()) {
    return identifier.status().WithContext(
        "loading the face recognition "
        "model");
  }
  filter->mode = keep ? PeopleMode::kKeep : PeopleMode::kHide;
  filter->identifier = std::move(identifier).value();
  for (const std::string& text : keep ? args.keep : args.hide) {
    auto reference = ParseReference(text);
    if (!reference.ok()) return reference.status();
    const std::string shown = flag + PrintableName(text);
    // A reference photo is one photo: the same size limit as any input.
    auto bytes = ReadFileBytes(reference->path, int64_t{1} << 30);
    if (!bytes.ok()) return bytes.status().WithContext(shown);
    auto embedding = EmbedReferencePhoto(
        pipeline.detector(), *filter->identifier, pipeline.options().decode,
        *bytes, reference->face_number);
    if (!embedding.ok()) return embedding.status().WithContext(shown);
    filter->people.Add(*embedding);
  }
  return Status::Ok();
}

}  // namespace faceveil::cli

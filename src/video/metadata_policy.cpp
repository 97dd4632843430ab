#include "video/metadata_policy.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace faceveil::video {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

template <size_t N>
bool KeyListContains(const std::array<std::string_view, N>& keys,
                     std::string_view key) {
  return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) {
    return EqualsIgnoreCase(k, key);
  });
}

// Descriptive tags a person adds on purpose; none is written by a camera
// with a place or a device identity in it.
constexpr std::array<std::string_view, 10> kContainerDescriptive = {
    "title", "comment", "description", "copyright",     "artist",
    "album", "genre",   "date",        "creation_time", "language"};
// `handler_name` names the track's role ("SoundHandler", "Commentary").
constexpr std::array<std::string_view, 2> kStreamDescriptive = {"title",
                                                                "handler_name"};

}  // namespace

bool IsMetadataKeyAllowed(std::string_view key, MetadataScope scope,
                          bool keep_descriptive) {
  if (scope == MetadataScope::kStream) {
    if (EqualsIgnoreCase(key, "language")) return true;
    return keep_descriptive && KeyListContains(kStreamDescriptive, key);
  }
  return keep_descriptive && KeyListContains(kContainerDescriptive, key);
}

int CopyAllowedMetadata(const AVDictionary* in, AVDictionary** out,
                        MetadataScope scope, bool keep_descriptive) {
  int dropped = 0;
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(in, "", e, AV_DICT_IGNORE_SUFFIX)) != nullptr) {
    if (IsMetadataKeyAllowed(e->key, scope, keep_descriptive)) {
      av_dict_set(out, e->key, e->value, 0);
    } else {
      ++dropped;
    }
  }
  return dropped;
}

}  // namespace faceveil::video

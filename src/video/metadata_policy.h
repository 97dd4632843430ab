// Which container and stream metadata a transcoded video keeps. Phone
// videos carry the place they were shot (QuickTime `location`,
// `com.apple.quicktime.location.ISO6709`, Android `location-eng`) and the
// device (make, model, software), so copying is by allow-list: a key that is
// not listed here is never written, whatever a new device invents.
#ifndef FACEVEIL_VIDEO_METADATA_POLICY_H_
#define FACEVEIL_VIDEO_METADATA_POLICY_H_

extern "C" {
#include <libavutil/dict.h>
}

#include <string_view>

namespace faceveil::video {

enum class MetadataScope { kContainer, kStream };

// True when `key` (case-insensitive) may be copied in `scope`. Only a
// stream's `language` passes when `keep_descriptive` is false.
bool IsMetadataKeyAllowed(std::string_view key, MetadataScope scope,
                          bool keep_descriptive);

// Copies the allowed entries of `in` into `*out` (which may already hold
// entries). Returns the number of entries dropped.
int CopyAllowedMetadata(const AVDictionary* in, AVDictionary** out,
                        MetadataScope scope, bool keep_descriptive);

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_METADATA_POLICY_H_

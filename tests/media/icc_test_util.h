// ICC profiles for tests, written tag by tag: a matrix/TRC RGB profile (the
// kind phone cameras embed) with whatever extra tags a test adds, and a
// header full of device and creator fields.
#ifndef FACEVEIL_TESTS_MEDIA_ICC_TEST_UTIL_H_
#define FACEVEIL_TESTS_MEDIA_ICC_TEST_UTIL_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace faceveil::testing {

using IccBytes = std::vector<uint8_t>;
using IccTag = std::pair<std::string, IccBytes>;  // signature, data

inline void IccPut32(IccBytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back((v >> s) & 0xff);
}

inline IccBytes IccType(const char* sig) {
  IccBytes b(sig, sig + 4);
  IccPut32(b, 0);
  return b;
}

// 'XYZ ' of three s15Fixed16 numbers.
inline IccBytes IccXyz(uint32_t x, uint32_t y, uint32_t z) {
  IccBytes b = IccType("XYZ ");
  for (uint32_t v : {x, y, z}) IccPut32(b, v);
  return b;
}

// 'curv' with `entries` (one entry: a u8Fixed8 gamma).
inline IccBytes IccCurve(const std::vector<uint16_t>& entries) {
  IccBytes b = IccType("curv");
  IccPut32(b, static_cast<uint32_t>(entries.size()));
  for (uint16_t e : entries) {
    b.push_back(e >> 8);
    b.push_back(e & 0xff);
  }
  return b;
}

// 'text' (ICC v2 text type) or any opaque payload under a type signature.
inline IccBytes IccText(const char* type, const std::string& text) {
  IccBytes b = IccType(type);
  b.insert(b.end(), text.begin(), text.end());
  b.push_back(0);
  return b;
}

// The colorimetric tags of a display profile with sRGB-like primaries.
inline std::vector<IccTag> IccMatrixTags() {
  const IccBytes gamma = IccCurve({0x0233});  // 2.2
  return {{"rXYZ", IccXyz(0x6FA2, 0x38F5, 0x0390)},
          {"gXYZ", IccXyz(0x6299, 0xB785, 0x18DA)},
          {"bXYZ", IccXyz(0x24A0, 0x0F84, 0xB6CF)},
          {"wtpt", IccXyz(0xF6D6, 0x10000, 0xD32D)},
          {"rTRC", gamma},
          {"gTRC", gamma},
          {"bTRC", gamma}};
}

// A profile of `tags`, with CMM, date, platform, device, creator and ID
// fields filled in as a real camera's would be.
inline IccBytes IccProfile(const std::vector<IccTag>& tags,
                           const char* space = "RGB ") {
  IccBytes b(128, 0);
  std::memcpy(b.data() + 4, "lcms", 4);
  b[8] = 4;
  b[9] = 0x30;
  std::memcpy(b.data() + 12, "mntr", 4);
  std::memcpy(b.data() + 16, space, 4);
  std::memcpy(b.data() + 20, "XYZ ", 4);
  for (int i = 24; i < 36; ++i) b[i] = static_cast<uint8_t>(i);  // date
  std::memcpy(b.data() + 36, "acsp", 4);
  std::memcpy(b.data() + 40, "APPL", 4);
  std::memcpy(b.data() + 48, "SNY1", 4);       // manufacturer
  std::memcpy(b.data() + 52, "M987", 4);       // model
  b[67] = 1;                                   // relative colorimetric
  std::memcpy(b.data() + 80, "JQOW", 4);       // creator
  for (int i = 84; i < 100; ++i) b[i] = 0xA5;  // profile ID
  IccPut32(b, static_cast<uint32_t>(tags.size()));
  const size_t table = b.size();
  b.resize(table + 12 * tags.size());
  for (size_t i = 0; i < tags.size(); ++i) {
    while (b.size() % 4 != 0) b.push_back(0);
    const uint32_t offset = static_cast<uint32_t>(b.size());
    IccBytes entry(tags[i].first.begin(), tags[i].first.end());
    IccPut32(entry, offset);
    IccPut32(entry, static_cast<uint32_t>(tags[i].second.size()));
    std::memcpy(b.data() + table + 12 * i, entry.data(), 12);
    b.insert(b.end(), tags[i].second.begin(), tags[i].second.end());
  }
  while (b.size() % 4 != 0) b.push_back(0);
  const uint32_t size = static_cast<uint32_t>(b.size());
  for (int i = 0; i < 4; ++i) b[i] = (size >> (24 - 8 * i)) & 0xff;
  return b;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_MEDIA_ICC_TEST_UTIL_H_

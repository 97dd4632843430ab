#include "media/icc_profile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <string>

namespace faceveil::media {

namespace {

constexpr size_t kHeaderBytes = 128;
// Far above any real profile's tag count (sRGB has 17).
constexpr uint32_t kMaxTags = 256;
// Tone curves longer than this are resampled: 1024 points are finer than
// any 8-bit output needs, and bound what a curve could smuggle.
constexpr size_t kMaxCurvePoints = 1024;

using Sig = std::array<char, 4>;

Sig MakeSig(const char* s) { return {s[0], s[1], s[2], s[3]}; }

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  bool Has(uint64_t at, uint64_t n) const {
    return at <= b_.size() && n <= b_.size() - at;
  }
  uint32_t U32(uint64_t at) const {
    return Has(at, 4) ? uint32_t{b_[at]} << 24 | uint32_t{b_[at + 1]} << 16 |
                            uint32_t{b_[at + 2]} << 8 | b_[at + 3]
                      : 0;
  }
  uint16_t U16(uint64_t at) const {
    return Has(at, 2) ? static_cast<uint16_t>(b_[at] << 8 | b_[at + 1]) : 0;
  }
  Sig SigAt(uint64_t at) const {
    Sig s{};
    if (Has(at, 4)) std::memcpy(s.data(), b_.data() + at, 4);
    return s;
  }

 private:
  std::span<const uint8_t> b_;
};

// One tag's parsed value: the type signature and the numbers it holds.
struct TagValue {
  Sig type{};
  uint16_t para_function = 0;   // 'para' only
  std::vector<uint32_t> fixed;  // s15Fixed16 values: XYZ, sf32, para
  std::vector<uint16_t> curve;  // 'curv' entries
};

// The number of parameters of each 'para' function type (ICC.1 10.18).
int ParaParams(uint16_t function) {
  static constexpr int kCounts[] = {1, 3, 4, 5, 7};
  return function < 5 ? kCounts[function] : -1;
}

std::optional<TagValue> ParseXyz(const Reader& r, uint64_t at, uint64_t size) {
  if (size < 20 || r.SigAt(at) != MakeSig("XYZ ")) return std::nullopt;
  TagValue v;
  v.type = MakeSig("XYZ ");
  for (int i = 0; i < 3; ++i) v.fixed.push_back(r.U32(at + 8 + 4 * i));
  return v;
}

std::optional<TagValue> ParseChad(const Reader& r, uint64_t at, uint64_t size) {
  if (size < 44 || r.SigAt(at) != MakeSig("sf32")) return std::nullopt;
  TagValue v;
  v.type = MakeSig("sf32");
  for (int i = 0; i < 9; ++i) v.fixed.push_back(r.U32(at + 8 + 4 * i));
  return v;
}

std::vector<uint16_t> Resampled(std::vector<uint16_t> curve) {
  if (curve.size() > kMaxCurvePoints) {
    std::vector<uint16_t> out(kMaxCurvePoints);
    const double step = double(curve.size() - 1) / (kMaxCurvePoints - 1);
    for (size_t i = 0; i < out.size(); ++i) {
      const double x = i * step;
      const size_t lo = static_cast<size_t>(x);
      const size_t hi = std::min(lo + 1, curve.size() - 1);
      const double t = x - lo;
      out[i] = static_cast<uint16_t>(
          std::lround(curve[lo] * (1 - t) + curve[hi] * t));
    }
    curve = std::move(out);
  }
  for (size_t i = 1; i < curve.size(); ++i) {
    curve[i] = std::max(curve[i], curve[i - 1]);
  }
  return curve;
}

std::optional<TagValue> ParseTrc(const Reader& r, uint64_t at, uint64_t size) {
  const Sig type = r.SigAt(at);
  if (size < 12) return std::nullopt;
  if (type == MakeSig("curv")) {
    const uint64_t n = r.U32(at + 8);
    if (size < 12 + 2 * n) return std::nullopt;
    TagValue v;
    v.type = type;
    for (uint64_t i = 0; i < n; ++i) v.curve.push_back(r.U16(at + 12 + 2 * i));
    // One entry is a gamma (u8Fixed8), zero the identity: kept as they are.
    if (n > 1) v.curve = Resampled(std::move(v.curve));
    return v;
  }
  if (type == MakeSig("para")) {
    TagValue v;
    v.type = type;
    v.para_function = r.U16(at + 8);
    const int params = ParaParams(v.para_function);
    if (params < 0 || size < 12 + 4 * uint64_t(params)) return std::nullopt;
    for (int i = 0; i < params; ++i) v.fixed.push_back(r.U32(at + 12 + 4 * i));
    return v;
  }
  return std::nullopt;
}

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back((v >> shift) & 0xff);
}
void Put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(v >> 8);
  out.push_back(v & 0xff);
}
void PutSig(std::vector<uint8_t>& out, const Sig& s) {
  out.insert(out.end(), s.begin(), s.end());
}

std::vector<uint8_t> Serialize(const TagValue& v) {
  std::vector<uint8_t> out;
  PutSig(out, v.type);
  Put32(out, 0);  // reserved
  if (v.type == MakeSig("curv")) {
    Put32(out, static_cast<uint32_t>(v.curve.size()));
    for (uint16_t e : v.curve) Put16(out, e);
  } else if (v.type == MakeSig("para")) {
    Put16(out, v.para_function);
    Put16(out, 0);
    for (uint32_t f : v.fixed) Put32(out, f);
  } else {
    for (uint32_t f : v.fixed) Put32(out, f);
  }
  return out;
}

}  // namespace

std::vector<uint8_t> RebuildIccProfile(std::span<const uint8_t> icc) {
  const Reader r(icc);
  if (icc.size() < kHeaderBytes + 4 || r.U32(0) != icc.size() ||
      r.SigAt(36) != MakeSig("acsp")) {
    return {};
  }
  const Sig cls = r.SigAt(12);
  const Sig space = r.SigAt(16);
  const bool rgb = space == MakeSig("RGB ");
  if ((!rgb && space != MakeSig("GRAY")) || r.SigAt(20) != MakeSig("XYZ ") ||
      (cls != MakeSig("mntr") && cls != MakeSig("scnr") &&
       cls != MakeSig("spac"))) {
    return {};
  }
  const uint8_t major = icc[8];
  if (major < 2 || major > 4) return {};

  // The colour model's tags, parsed; a tag listed twice keeps its first.
  const uint32_t count = r.U32(kHeaderBytes);
  if (count > kMaxTags || !r.Has(kHeaderBytes + 4, uint64_t{count} * 12)) {
    return {};
  }
  std::map<std::string, TagValue> kept;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t entry = kHeaderBytes + 4 + uint64_t{i} * 12;
    const Sig sig = r.SigAt(entry);
    const uint64_t at = r.U32(entry + 4);
    const uint64_t size = r.U32(entry + 8);
    const std::string name(sig.begin(), sig.end());
    if (kept.count(name) || !r.Has(at, size)) continue;
    std::optional<TagValue> value;
    if (name == "rXYZ" || name == "gXYZ" || name == "bXYZ" || name == "wtpt" ||
        name == "bkpt") {
      value = ParseXyz(r, at, size);
    } else if (name == "rTRC" || name == "gTRC" || name == "bTRC" ||
               name == "kTRC") {
      value = ParseTrc(r, at, size);
    } else if (name == "chad") {
      value = ParseChad(r, at, size);
    }
    if (value) kept.emplace(name, std::move(*value));
  }
  const std::vector<std::string> required =
      rgb ? std::vector<std::string>{"rXYZ", "gXYZ", "bXYZ", "rTRC",
                                     "gTRC", "bTRC", "wtpt"}
          : std::vector<std::string>{"kTRC", "wtpt"};
  for (const std::string& name : required) {
    if (!kept.count(name)) return {};
  }
  std::vector<std::string> names = required;
  for (const char* optional : {"bkpt", "chad"}) {
    if (kept.count(optional)) names.push_back(optional);
  }

  std::vector<uint8_t> out(kHeaderBytes, 0);
  out[8] = major;
  out[9] = icc[9];  // minor and bug-fix version
  std::copy(cls.begin(), cls.end(), out.begin() + 12);
  std::copy(space.begin(), space.end(), out.begin() + 16);
  std::memcpy(out.data() + 20, "XYZ ", 4);
  std::memcpy(out.data() + 36, "acsp", 4);
  out[67] = r.U32(64) <= 3 ? static_cast<uint8_t>(r.U32(64)) : 0;
  // The PCS illuminant is D50 in every ICC version (ICC.1 7.2.16).
  constexpr uint8_t kD50[12] = {0x00, 0x00, 0xF6, 0xD6, 0x00, 0x01,
                                0x00, 0x00, 0x00, 0x00, 0xD3, 0x2D};
  std::memcpy(out.data() + 68, kD50, sizeof kD50);
  Put32(out, static_cast<uint32_t>(names.size()));
  const size_t table = out.size();
  out.resize(table + names.size() * 12);
  for (size_t i = 0; i < names.size(); ++i) {
    const std::vector<uint8_t> data = Serialize(kept.at(names[i]));
    const uint32_t offset = static_cast<uint32_t>(out.size());
    std::vector<uint8_t> entry;
    entry.insert(entry.end(), names[i].begin(), names[i].end());
    Put32(entry, offset);
    Put32(entry, static_cast<uint32_t>(data.size()));
    std::copy(entry.begin(), entry.end(), out.begin() + table + 12 * i);
    out.insert(out.end(), data.begin(), data.end());
    while (out.size() % 4 != 0) out.push_back(0);  // tags start 4-aligned
  }
  const uint32_t total = static_cast<uint32_t>(out.size());
  for (int i = 0; i < 4; ++i) out[i] = (total >> (24 - 8 * i)) & 0xff;
  return out;
}

}  // namespace faceveil::media

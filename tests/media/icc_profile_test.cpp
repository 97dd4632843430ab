// RebuildIccProfile(): the colour model survives, nothing else does.
#include "media/icc_profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "media/icc_test_util.h"

namespace faceveil::media {
namespace {

using faceveil::testing::IccBytes;
using faceveil::testing::IccCurve;
using faceveil::testing::IccMatrixTags;
using faceveil::testing::IccProfile;
using faceveil::testing::IccTag;
using faceveil::testing::IccText;
using faceveil::testing::IccXyz;

bool IccContains(const IccBytes& b, const std::string& s) {
  return std::search(b.begin(), b.end(), s.begin(), s.end()) != b.end();
}

uint32_t Be32(const IccBytes& b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 |
         uint32_t{b[at + 2]} << 8 | b[at + 3];
}

// Tag signature → its data, as the profile's tag table says.
std::map<std::string, IccBytes> Tags(const IccBytes& p) {
  std::map<std::string, IccBytes> tags;
  const uint32_t n = Be32(p, 128);
  for (uint32_t i = 0; i < n; ++i) {
    const size_t e = 132 + 12 * i;
    const uint32_t at = Be32(p, e + 4), size = Be32(p, e + 8);
    EXPECT_LE(uint64_t{at} + size, p.size());
    EXPECT_EQ(at % 4, 0u);
    tags[std::string(p.begin() + e, p.begin() + e + 4)] =
        IccBytes(p.begin() + at, p.begin() + at + size);
  }
  return tags;
}

// A camera profile carrying a name and serial in its text tags and a whole
// other picture in a private tag.
IccBytes HostileProfile() {
  std::vector<IccTag> tags = IccMatrixTags();
  tags.push_back({"desc", IccText("desc", "Jane Q. Owner's camera")});
  tags.push_back({"cprt", IccText("text", "(c) Jane Q. Owner SN-98765-XYZ")});
  tags.push_back({"dmnd", IccText("text", "Secretville Optics")});
  tags.push_back({"ZZPV", IccText("ZZPV", "\xff\xd8\xff\xe0 unblurred JPEG")});
  tags.push_back({"A2B0", IccText("mAB ", "LUT-SECRET")});
  return IccProfile(tags);
}

TEST(IccProfileTest, KeepsTheColourModelAndNothingElse) {
  const IccBytes in = HostileProfile();
  const IccBytes out = RebuildIccProfile(in);
  ASSERT_FALSE(out.empty());
  for (const char* secret :
       {"Jane", "SN-98765", "Secretville", "unblurred", "LUT-SECRET", "lcms",
        "APPL", "SNY1", "M987", "JQOW"}) {
    EXPECT_FALSE(IccContains(out, secret)) << secret;
  }
  EXPECT_EQ(Be32(out, 0), out.size());
  EXPECT_EQ(std::string(out.begin() + 36, out.begin() + 40), "acsp");
  EXPECT_EQ(std::string(out.begin() + 12, out.begin() + 24), "mntrRGB XYZ ");
  EXPECT_EQ(out[8], 4);
  EXPECT_EQ(out[67], 1);  // rendering intent kept
  // Date, platform, flags, device, creator and ID are zero.
  for (int i : {4, 24, 30, 40, 44, 48, 52, 56, 80, 84, 90, 99}) {
    EXPECT_EQ(out[i], 0) << "header byte " << i;
  }
  const std::map<std::string, IccBytes> tags = Tags(out);
  const std::vector<IccTag> model = IccMatrixTags();
  const std::map<std::string, IccBytes> expected(model.begin(), model.end());
  EXPECT_EQ(tags, expected);
}

TEST(IccProfileTest, LongCurvesAreResampledAndMonotone) {
  std::vector<IccTag> tags = IccMatrixTags();
  std::vector<uint16_t> curve(4096);
  for (size_t i = 0; i < curve.size(); ++i) {
    curve[i] = static_cast<uint16_t>(i * 16);
  }
  curve[100] = 0xFFFF;  // a payload hidden in a bump
  curve[2000] = 7;      // and a dip
  for (const char* name : {"rTRC", "gTRC", "bTRC"}) {
    for (IccTag& t : tags) {
      if (t.first == name) t.second = IccCurve(curve);
    }
  }
  const IccBytes out = RebuildIccProfile(IccProfile(tags));
  ASSERT_FALSE(out.empty());
  const IccBytes r = Tags(out).at("rTRC");
  ASSERT_EQ(Be32(r, 8), 1024u);
  ASSERT_EQ(r.size(), 12u + 2 * 1024);
  uint16_t previous = 0;
  for (size_t i = 0; i < 1024; ++i) {
    const uint16_t v =
        static_cast<uint16_t>(r[12 + 2 * i] << 8 | r[13 + 2 * i]);
    EXPECT_GE(v, previous) << i;
    previous = v;
  }
  EXPECT_EQ(previous, 4095 * 16);
}

TEST(IccProfileTest, GrayProfilesKeepTheirCurve) {
  const IccBytes in = IccProfile({{"kTRC", IccCurve({0x01CD})},
                                  {"wtpt", IccXyz(0xF6D6, 0x10000, 0xD32D)},
                                  {"desc", IccText("desc", "Jane")}},
                                 "GRAY");
  const IccBytes out = RebuildIccProfile(in);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(Tags(out).size(), 2u);
  EXPECT_FALSE(IccContains(out, "Jane"));
}

TEST(IccProfileTest, RefusesWhatHasNoColourModel) {
  // No TRC: a LUT-only profile.
  std::vector<IccTag> lut_only = {{"A2B0", IccText("mAB ", "x")},
                                  {"wtpt", IccXyz(1, 2, 3)}};
  EXPECT_TRUE(RebuildIccProfile(IccProfile(lut_only)).empty());
  // CMYK.
  EXPECT_TRUE(RebuildIccProfile(IccProfile(IccMatrixTags(), "CMYK")).empty());
  // Truncated, a lying size, a tag pointing outside, garbage.
  IccBytes good = IccProfile(IccMatrixTags());
  ASSERT_FALSE(RebuildIccProfile(good).empty());
  EXPECT_TRUE(
      RebuildIccProfile(IccBytes(good.begin(), good.end() - 8)).empty());
  IccBytes lying = good;
  lying[3] ^= 4;
  EXPECT_TRUE(RebuildIccProfile(lying).empty());
  IccBytes outside = good;
  outside[132 + 4] = 0x7F;  // rXYZ's offset far past the end
  EXPECT_TRUE(RebuildIccProfile(outside).empty());
  IccBytes wrong_type = good;
  std::copy_n("text", 4, wrong_type.begin() + Be32(good, 132 + 4));
  EXPECT_TRUE(RebuildIccProfile(wrong_type).empty());
  EXPECT_TRUE(RebuildIccProfile({}).empty());
  EXPECT_TRUE(RebuildIccProfile(IccBytes(300, 0xAB)).empty());
}

}  // namespace
}  // namespace faceveil::media

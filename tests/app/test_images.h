// Real photos for app-level tests, from Debian packages
// (scripts/fetch-testdata.sh puts them in FACEVEIL_TESTDATA_DIR).
#ifndef FACEVEIL_TESTS_APP_TEST_IMAGES_H_
#define FACEVEIL_TESTS_APP_TEST_IMAGES_H_

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace faceveil::testing {

inline std::string TestData(const std::string& name) {
  return std::string(FACEVEIL_TESTDATA_DIR) + "/" + name;
}

inline std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void WriteBytes(const std::string& path,
                       const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// NASA's astronaut portrait (512x512): one frontal face, by eye at about
// x 170-330, y 20-220.
inline constexpr int kAstronautFaceX0 = 170, kAstronautFaceY0 = 20,
                     kAstronautFaceX1 = 330, kAstronautFaceY1 = 220;

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_APP_TEST_IMAGES_H_

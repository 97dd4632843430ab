// Runs one of the oracles of scripts/oracle (face-api's own TensorFlow.js
// runtime under Node.js) from a test: the input photo as a binary PPM, the
// oracle's answer as JSON on its standard output.
#ifndef FACEVEIL_TESTS_COMMON_NODE_ORACLE_H_
#define FACEVEIL_TESTS_COMMON_NODE_ORACLE_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>

namespace faceveil::testing {

// Writes 8-bit BGR `bgr` as a binary PPM (RGB), the oracles' input.
inline void WriteOraclePpm(const cv::Mat& bgr, const std::string& path) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  std::ofstream f(path, std::ios::binary);
  f << "P6\n" << rgb.cols << " " << rgb.rows << "\n255\n";
  f.write(reinterpret_cast<const char*>(rgb.data),
          static_cast<std::streamsize>(rgb.total() * 3));
}

// Runs `node <args>` in `dir` (args already quoted for the shell), its
// output going to files beside `ppm` that are removed afterwards. Returns
// the parsed output, or a discarded JSON with *error holding what the oracle
// printed on failure.
inline nlohmann::json RunNodeOracle(const std::string& dir,
                                    const std::string& args,
                                    const std::string& ppm,
                                    std::string* error) {
  const std::string out = ppm + ".json";
  const std::string cmd = "cd '" + dir + "' && node " + args + " > '" + out +
                          "' 2> '" + out + ".err'";
  nlohmann::json j = nlohmann::json::value_t::discarded;
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream err(out + ".err");
    std::stringstream s;
    s << err.rdbuf();
    *error = "oracle failed: " + s.str();
  } else {
    std::ifstream f(out);
    j = nlohmann::json::parse(f, nullptr, false);
  }
  std::filesystem::remove(out);
  std::filesystem::remove(out + ".err");
  return j;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_COMMON_NODE_ORACLE_H_

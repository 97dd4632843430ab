// CrowdNet on OpenCV DNN computes what PyTorch computes: the outputs for a
// fixed input tensor equal the reference that train/export.py wrote from the
// same checkpoint (tests/crowdnet/data/reference.txt, made by
// train/release.sh whenever the model changes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "crowdnet/crowdnet.h"
#include "crowdnet/decode.h"

namespace faceveil::crowdnet {
namespace {

struct Tensor {
  std::vector<int> shape;
  std::vector<float> values;
};

std::map<std::string, Tensor> ReadReference(const std::string& path) {
  std::map<std::string, Tensor> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    std::string name, shape;
    row >> name >> shape;
    Tensor t;
    std::istringstream dims(shape);
    for (std::string d; std::getline(dims, d, 'x');)
      t.shape.push_back(std::stoi(d));
    for (float v; row >> v;) t.values.push_back(v);
    out[name] = t;
  }
  return out;
}

// train/export.py's golden_input(): ((c*31 + y*17 + x*7) % 256 - 128) / 128.
cv::Mat GoldenInput(int h, int w) {
  const int shape[] = {1, 3, h, w};
  cv::Mat blob(4, shape, CV_32F);
  float* p = blob.ptr<float>();
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        *p++ =
            static_cast<float>((c * 31 + y * 17 + x * 7) % 256 - 128) / 128.0f;
  return blob;
}

TEST(CrowdNetGoldenTest, OutputsEqualPyTorchs) {
  const std::map<std::string, Tensor> ref =
      ReadReference(FACEVEIL_CROWDNET_REFERENCE);
  Result<std::unique_ptr<CrowdNet>> net = CrowdNet::Create();
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  // The reference holds every output of the shipped model, no more, no less.
  const std::vector<std::string> names = (*net)->OutputNames();
  ASSERT_EQ(ref.size(), names.size()) << FACEVEIL_CROWDNET_REFERENCE;
  const Tensor& first = ref.at("score_8");
  const int h = first.shape[2] * 8, w = first.shape[3] * 8;
  Result<std::vector<cv::Mat>> outs = (*net)->Forward(GoldenInput(h, w));
  ASSERT_TRUE(outs.ok()) << outs.status().ToString();
  ASSERT_EQ(outs->size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const Tensor& t = ref.at(names[i]);
    const cv::Mat& o = (*outs)[i];
    ASSERT_EQ(static_cast<size_t>(o.total()), t.values.size()) << names[i];
    for (int d = 0; d < 4; ++d) ASSERT_EQ(o.size[d], t.shape[d]);
    float worst = 0;
    const float* v = o.ptr<float>();
    for (size_t k = 0; k < t.values.size(); ++k) {
      worst = std::max(worst, std::abs(v[k] - t.values[k]));
    }
    // Float noise only: the export writes 7 significant digits and OpenCV
    // fuses batch norm into the convolutions (measured: < 2e-6).
    EXPECT_LT(worst, 1e-4f) << names[i];
  }
}

// The network's one entry refuses what OpenCV 4.6 cannot run safely: a
// side one stride-32 cell long (it reads out of bounds there), a side that
// is no multiple of 32, and anything but one 3-channel image.
TEST(CrowdNetGoldenTest, ForwardRefusesShapesTheEngineCannotRun) {
  Result<std::unique_ptr<CrowdNet>> net = CrowdNet::Create();
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  for (const auto& [h, w] : {std::pair{32, 1504}, std::pair{1504, 32},
                             std::pair{64, 80}, std::pair{0, 64}}) {
    Result<std::vector<cv::Mat>> outs = (*net)->Forward(GoldenInput(h, w));
    ASSERT_FALSE(outs.ok()) << h << "x" << w;
    EXPECT_EQ(outs.status().code(), Status::Code::kInvalidArgument);
  }
  EXPECT_TRUE((*net)->Forward(GoldenInput(64, 64)).ok());
}

}  // namespace
}  // namespace faceveil::crowdnet

// Where a network's time goes on OpenCV DNN: the per-layer profile that
// cv::dnn::Net::getPerfProfile reports, summed by layer type and listed for
// the slowest layers, one thread, best of several runs.
//
//   layer_profile MODEL.onnx [WIDTH HEIGHT] [--runs=N] [--top=N]
//
// The input is zeros, 1x3xHEIGHTxWIDTH (default 1024x768): a convolution
// network's time does not depend on the pixel values.
// For docs/CROWDNET.md's speed section: is the engine or the network what
// costs?
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

namespace {

struct Layer {
  std::string name;
  std::string type;
  double ms = 0;
  std::string shape;  // output shape
};

std::string ShapeText(const cv::dnn::MatShape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    out += (i ? "x" : "") + std::to_string(s[i]);
  }
  return out;
}

int Usage() {
  std::fprintf(stderr,
               "usage: layer_profile MODEL.onnx [WIDTH HEIGHT] [--runs=N] "
               "[--top=N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  int runs = 10, top = 15;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--runs=", 0) == 0) {
      runs = std::max(1, std::atoi(a.c_str() + 7));
    } else if (a.rfind("--top=", 0) == 0) {
      top = std::max(0, std::atoi(a.c_str() + 6));
    } else if (a.rfind("--", 0) == 0) {
      return Usage();
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1 && positional.size() != 3) return Usage();
  const int w =
      positional.size() == 3 ? std::atoi(positional[1].c_str()) : 1024;
  const int h = positional.size() == 3 ? std::atoi(positional[2].c_str()) : 768;
  if (w <= 0 || h <= 0 || w % 32 != 0 || h % 32 != 0) {
    std::fprintf(stderr,
                 "layer_profile: WIDTH and HEIGHT must be positive "
                 "multiples of 32\n");
    return 2;
  }
  cv::setNumThreads(1);
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(positional[0]);
  } catch (const cv::Exception& e) {
    std::fprintf(stderr, "layer_profile: cannot read %s: %s\n",
                 positional[0].c_str(), e.what());
    return 1;
  }
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  const int shape[] = {1, 3, h, w};
  const cv::Mat input(4, shape, CV_32F, cv::Scalar(0));
  const std::vector<std::string> outputs = net.getUnconnectedOutLayersNames();

  std::vector<double> best;
  double best_total = 0;
  for (int r = 0; r < runs + 1; ++r) {  // the first run plans the network
    std::vector<cv::Mat> outs;
    net.setInput(input);
    net.forward(outs, outputs);
    std::vector<double> t;
    const double total = static_cast<double>(net.getPerfProfile(t));
    if (r == 0) continue;
    if (best.empty() || total < best_total) {
      best_total = total;
      best = t;
    }
  }
  const double ms_per_tick = 1000.0 / cv::getTickFrequency();
  const std::vector<std::string> names = net.getLayerNames();
  std::vector<Layer> layers;
  const cv::dnn::MatShape in_shape(shape, shape + 4);
  for (size_t i = 0; i < best.size() && i < names.size(); ++i) {
    Layer l;
    l.name = names[i];
    const int id = net.getLayerId(l.name);
    l.type = net.getLayer(id)->type;
    l.ms = best[i] * ms_per_tick;
    std::vector<cv::dnn::MatShape> ins, outs;
    net.getLayerShapes(in_shape, id, ins, outs);
    if (!outs.empty()) l.shape = ShapeText(outs[0]);
    layers.push_back(l);
  }
  std::printf("%s at %dx%d, one thread, best of %d: %.2f ms\n",
              positional[0].c_str(), w, h, runs, best_total * ms_per_tick);
  std::map<std::string, std::pair<double, int>> by_type;
  for (const Layer& l : layers) {
    by_type[l.type].first += l.ms;
    by_type[l.type].second += 1;
  }
  std::vector<std::pair<std::string, std::pair<double, int>>> types(
      by_type.begin(), by_type.end());
  std::sort(types.begin(), types.end(), [](const auto& a, const auto& b) {
    return a.second.first > b.second.first;
  });
  std::printf("\nby type:\n%-24s %6s %9s %6s\n", "type", "layers", "ms",
              "share");
  for (const auto& [type, v] : types) {
    std::printf("%-24s %6d %9.2f %5.1f%%\n", type.c_str(), v.second, v.first,
                100.0 * v.first / (best_total * ms_per_tick));
  }
  std::sort(layers.begin(), layers.end(),
            [](const Layer& a, const Layer& b) { return a.ms > b.ms; });
  std::printf("\nslowest %d layers:\n%-40s %-20s %-18s %8s\n", top, "layer",
              "type", "output", "ms");
  for (int i = 0; i < top && i < static_cast<int>(layers.size()); ++i) {
    const Layer& l = layers[i];
    std::printf("%-40s %-20s %-18s %8.2f\n", l.name.substr(0, 40).c_str(),
                l.type.c_str(), l.shape.c_str(), l.ms);
  }
  return 0;
}

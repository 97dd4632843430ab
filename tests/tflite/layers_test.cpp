// Each supported operator in a one- or two-operator model, run through our
// OpenCV network and compared with a plain NHWC reference written from the
// TFLite semantics (SAME padding with the odd pixel after, padding ignored by
// max pooling, TF's three bilinear resize conventions, DEPTH_TO_SPACE order).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/dnn.hpp>
#include <random>
#include <vector>

#include "tflite/model.h"
#include "tflite/tiny_model.h"

namespace faceveil::tflite {
namespace {

using testing::FloatBytes;
using testing::Int32Bytes;
using testing::Serialize;
using testing::TinyModel;
using testing::TinyOp;

// A dense NHWC tensor with batch 1.
struct Nhwc {
  int h = 0, w = 0, c = 0;
  std::vector<float> v;
  Nhwc(int h, int w, int c) : h(h), w(w), c(c), v(size_t(h) * w * c, 0) {}
  float& at(int y, int x, int ch) { return v[(size_t(y) * w + x) * c + ch]; }
  float at(int y, int x, int ch) const {
    return v[(size_t(y) * w + x) * c + ch];
  }
};

std::vector<float> Random(size_t n, uint32_t seed, float lo = -1,
                          float hi = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Runs `m` on `input` and returns every output flattened in file order.
std::vector<std::vector<float>> RunTiny(const TinyModel& m, const Nhwc& input) {
  auto model = Model::FromBuffer(Serialize(m));
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  if (!model.ok()) return {};
  auto net = (*model)->BuildNet();
  EXPECT_TRUE(net.ok()) << net.status().ToString();
  if (!net.ok()) return {};
  const int sizes[] = {1, input.c, input.h, input.w};
  cv::Mat blob(4, sizes, CV_32F);
  for (int ch = 0; ch < input.c; ++ch) {
    for (int y = 0; y < input.h; ++y) {
      for (int x = 0; x < input.w; ++x) {
        blob.ptr<float>()[(size_t(ch) * input.h + y) * input.w + x] =
            input.at(y, x, ch);
      }
    }
  }
  net->setInput(blob);
  std::vector<cv::Mat> outs;
  net->forward(outs, (*model)->output_names());
  std::vector<std::vector<float>> result;
  for (size_t i = 0; i < outs.size(); ++i) {
    const std::vector<int> shape(outs[i].size.p, outs[i].size.p + outs[i].dims);
    EXPECT_EQ(shape, (*model)->outputs()[i].shape);
    const float* p = outs[i].ptr<float>();
    result.emplace_back(p, p + outs[i].total());
  }
  return result;
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want,
                float tolerance = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], tolerance) << "at element " << i;
  }
}

float Activate(float x, int activation) {
  switch (activation) {
    case 1:
      return std::max(x, 0.0f);
    case 2:
      return std::clamp(x, -1.0f, 1.0f);
    case 3:
      return std::clamp(x, 0.0f, 6.0f);
    default:
      return x;
  }
}

int SamePadBefore(int in, int out, int kernel, int stride, int dilation) {
  const int effective = (kernel - 1) * dilation + 1;
  return std::max(0, (out - 1) * stride + effective - in) / 2;
}

// TFLite CONV_2D / DEPTHWISE_CONV_2D, filter [O,KH,KW,I] or [1,KH,KW,O].
Nhwc Convolve(const Nhwc& in, const std::vector<float>& filter, int kh, int kw,
              int out_c, const std::vector<float>& bias, int stride,
              int dilation, bool same, bool depthwise, int activation) {
  const int eff_h = (kh - 1) * dilation + 1, eff_w = (kw - 1) * dilation + 1;
  const int oh =
      same ? (in.h + stride - 1) / stride : (in.h - eff_h) / stride + 1;
  const int ow =
      same ? (in.w + stride - 1) / stride : (in.w - eff_w) / stride + 1;
  const int top = same ? SamePadBefore(in.h, oh, kh, stride, dilation) : 0;
  const int left = same ? SamePadBefore(in.w, ow, kw, stride, dilation) : 0;
  const int multiplier = out_c / in.c;
  Nhwc out(oh, ow, out_c);
  for (int y = 0; y < oh; ++y) {
    for (int x = 0; x < ow; ++x) {
      for (int o = 0; o < out_c; ++o) {
        float sum = bias[o];
        for (int ky = 0; ky < kh; ++ky) {
          for (int kx = 0; kx < kw; ++kx) {
            const int iy = y * stride - top + ky * dilation;
            const int ix = x * stride - left + kx * dilation;
            if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
            if (depthwise) {
              sum += in.at(iy, ix, o / multiplier) *
                     filter[(size_t(ky) * kw + kx) * out_c + o];
            } else {
              for (int i = 0; i < in.c; ++i) {
                sum += in.at(iy, ix, i) *
                       filter[((size_t(o) * kh + ky) * kw + kx) * in.c + i];
              }
            }
          }
        }
        out.at(y, x, o) = Activate(sum, activation);
      }
    }
  }
  return out;
}

TinyOp ConvOp(int code, std::vector<int> inputs, int output, bool same,
              int stride, int dilation, int activation, int multiplier = 1) {
  TinyOp op{code, std::move(inputs), {output}};
  const auto padding = same ? schema::Padding_SAME : schema::Padding_VALID;
  const auto act = static_cast<schema::ActivationFunctionType>(activation);
  if (code == 3) {
    op.options_type = schema::BuiltinOptions_Conv2DOptions;
    op.options = [=](flatbuffers::FlatBufferBuilder& b) {
      return schema::CreateConv2DOptions(b, padding, stride, stride, act,
                                         dilation, dilation)
          .Union();
    };
  } else {
    op.options_type = schema::BuiltinOptions_DepthwiseConv2DOptions;
    op.options = [=](flatbuffers::FlatBufferBuilder& b) {
      return schema::CreateDepthwiseConv2DOptions(b, padding, stride, stride,
                                                  multiplier, act, dilation,
                                                  dilation)
          .Union();
    };
  }
  return op;
}

TEST(TfliteLayersTest, ConvStride2SameIsAsymmetricWithRelu6) {
  Nhwc in(6, 7, 2);
  in.v = Random(in.v.size(), 1, -3, 3);
  const std::vector<float> filter = Random(3 * 3 * 3 * 2, 2);
  const std::vector<float> bias = Random(3, 3);
  TinyModel m;
  const int x = m.AddTensor({1, 6, 7, 2});
  const int w = m.AddTensor({3, 3, 3, 2}, FloatBytes(filter));
  const int b = m.AddTensor({3}, FloatBytes(bias));
  const int y = m.AddTensor({1, 3, 4, 3});
  m.ops.push_back(ConvOp(3, {x, w, b}, y, true, 2, 1, 3));
  m.inputs = {x};
  m.outputs = {y};
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0],
             Convolve(in, filter, 3, 3, 3, bias, 2, 1, true, false, 3).v);
}

TEST(TfliteLayersTest, DepthwiseWithMultiplierAndDilation) {
  Nhwc in(5, 6, 2);
  in.v = Random(in.v.size(), 4);
  const std::vector<float> filter = Random(3 * 3 * 4, 5);
  const std::vector<float> bias = Random(4, 6);
  TinyModel m;
  const int x = m.AddTensor({1, 5, 6, 2});
  const int w = m.AddTensor({1, 3, 3, 4}, FloatBytes(filter));
  const int b = m.AddTensor({4}, FloatBytes(bias));
  const int y = m.AddTensor({1, 5, 6, 4});
  m.ops.push_back(ConvOp(4, {x, w, b}, y, true, 1, 2, 2, 2));
  m.inputs = {x};
  m.outputs = {y};
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0],
             Convolve(in, filter, 3, 3, 4, bias, 1, 2, true, true, 2).v);
}

TEST(TfliteLayersTest, DepthwiseStride2SameWithoutBias) {
  Nhwc in(8, 8, 3);
  in.v = Random(in.v.size(), 7);
  const std::vector<float> filter = Random(3 * 3 * 3, 8);
  TinyModel m;
  const int x = m.AddTensor({1, 8, 8, 3});
  const int w = m.AddTensor({1, 3, 3, 3}, FloatBytes(filter));
  const int y = m.AddTensor({1, 4, 4, 3});
  m.ops.push_back(ConvOp(4, {x, w, -1}, y, true, 2, 1, 0));
  m.inputs = {x};
  m.outputs = {y};
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0], Convolve(in, filter, 3, 3, 3, std::vector<float>(3, 0), 2,
                               1, true, true, 0)
                          .v);
}

TEST(TfliteLayersTest, SpatialPadFoldedIntoValidConvolution) {
  Nhwc in(4, 5, 2);
  in.v = Random(in.v.size(), 9);
  const std::vector<float> filter = Random(2 * 3 * 3 * 2, 10);
  const std::vector<float> bias = Random(2, 11);
  TinyModel m;
  const int x = m.AddTensor({1, 4, 5, 2});
  const int pads = m.AddTensor({4, 2}, Int32Bytes({0, 0, 1, 2, 0, 1, 0, 0}),
                               schema::TensorType_INT32);
  const int padded = m.AddTensor({1, 7, 6, 2});
  const int w = m.AddTensor({2, 3, 3, 2}, FloatBytes(filter));
  const int b = m.AddTensor({2}, FloatBytes(bias));
  const int y = m.AddTensor({1, 5, 4, 2});
  m.ops.push_back(TinyOp{34, {x, pads}, {padded}});
  m.ops.push_back(ConvOp(3, {padded, w, b}, y, false, 1, 1, 1));
  m.inputs = {x};
  m.outputs = {y};
  Nhwc p(7, 6, 2);
  for (int yy = 0; yy < 4; ++yy)
    for (int xx = 0; xx < 5; ++xx)
      for (int c = 0; c < 2; ++c) p.at(yy + 1, xx, c) = in.at(yy, xx, c);
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0],
             Convolve(p, filter, 3, 3, 2, bias, 1, 1, false, false, 1).v);
}

TEST(TfliteLayersTest, MaxPoolSameIgnoresPadding) {
  Nhwc in(5, 6, 2);
  in.v = Random(in.v.size(), 12, -5, -1);  // all negative: a zero pad shows
  TinyModel m;
  const int x = m.AddTensor({1, 5, 6, 2});
  const int y = m.AddTensor({1, 3, 3, 2});
  TinyOp pool{17, {x}, {y}};
  pool.options_type = schema::BuiltinOptions_Pool2DOptions;
  pool.options = [](flatbuffers::FlatBufferBuilder& b) {
    return schema::CreatePool2DOptions(b, schema::Padding_SAME, 2, 2, 3, 3)
        .Union();
  };
  m.ops.push_back(pool);
  m.inputs = {x};
  m.outputs = {y};
  Nhwc want(3, 3, 2);
  const int top = SamePadBefore(5, 3, 3, 2, 1),
            left = SamePadBefore(6, 3, 3, 2, 1);
  for (int oy = 0; oy < 3; ++oy) {
    for (int ox = 0; ox < 3; ++ox) {
      for (int c = 0; c < 2; ++c) {
        float best = -std::numeric_limits<float>::infinity();
        for (int ky = 0; ky < 3; ++ky) {
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = oy * 2 - top + ky, ix = ox * 2 - left + kx;
            if (iy >= 0 && iy < 5 && ix >= 0 && ix < 6) {
              best = std::max(best, in.at(iy, ix, c));
            }
          }
        }
        want.at(oy, ox, c) = best;
      }
    }
  }
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0], want.v);
}

TEST(TfliteLayersTest, ChannelPadThenAddWithRelu) {
  Nhwc in(3, 3, 2);
  in.v = Random(in.v.size(), 13);
  TinyModel m;
  const int x = m.AddTensor({1, 3, 3, 2});
  const int pads = m.AddTensor({4, 2}, Int32Bytes({0, 0, 1, 0, 0, 1, 1, 2}),
                               schema::TensorType_INT32);
  const int padded = m.AddTensor({1, 4, 4, 5});
  const int relu = m.AddTensor({1, 4, 4, 5});
  const int sum = m.AddTensor({1, 4, 4, 5});
  m.ops.push_back(TinyOp{34, {x, pads}, {padded}});
  m.ops.push_back(TinyOp{19, {padded}, {relu}});
  TinyOp add{0, {padded, relu}, {sum}};
  add.options_type = schema::BuiltinOptions_AddOptions;
  add.options = [](flatbuffers::FlatBufferBuilder& b) {
    return schema::CreateAddOptions(b, schema::ActivationFunctionType_RELU)
        .Union();
  };
  m.ops.push_back(add);
  m.inputs = {x};
  m.outputs = {sum};
  Nhwc want(4, 4, 5);
  for (int y = 0; y < 3; ++y) {
    for (int xx = 0; xx < 3; ++xx) {
      for (int c = 0; c < 2; ++c) {
        const float v = in.at(y, xx, c);
        want.at(y + 1, xx, c + 1) = std::max(0.0f, v + std::max(v, 0.0f));
      }
    }
  }
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0], want.v);
}

// TF's ResizeBilinear: legacy (corner-aligned grid start, in/out scale),
// align_corners ((in-1)/(out-1) scale), half_pixel_centers.
Nhwc ResizeReference(const Nhwc& in, int oh, int ow, bool align, bool half) {
  auto scale = [&](int i, int o) {
    return (align && o > 1) ? float(i - 1) / (o - 1) : float(i) / o;
  };
  const float sy = scale(in.h, oh), sx = scale(in.w, ow);
  Nhwc out(oh, ow, in.c);
  for (int y = 0; y < oh; ++y) {
    const float fy = half ? (y + 0.5f) * sy - 0.5f : y * sy;
    const int y0 = std::max(int(std::floor(fy)), 0);
    const int y1 = std::min(int(std::ceil(fy)), in.h - 1);
    const float wy = fy - y0;
    for (int x = 0; x < ow; ++x) {
      const float fx = half ? (x + 0.5f) * sx - 0.5f : x * sx;
      const int x0 = std::max(int(std::floor(fx)), 0);
      const int x1 = std::min(int(std::ceil(fx)), in.w - 1);
      const float wx = fx - x0;
      for (int c = 0; c < in.c; ++c) {
        const float top = in.at(y0, x0, c) * (1 - wx) + in.at(y0, x1, c) * wx;
        const float bottom =
            in.at(y1, x0, c) * (1 - wx) + in.at(y1, x1, c) * wx;
        out.at(y, x, c) = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

TEST(TfliteLayersTest, ResizeBilinearHonoursAllConventions) {
  Nhwc in(3, 4, 2);
  in.v = Random(in.v.size(), 14);
  for (auto [align, half] : {std::pair{false, false}, std::pair{true, false},
                             std::pair{false, true}}) {
    SCOPED_TRACE(::testing::Message() << "align_corners " << align
                                      << " half_pixel_centers " << half);
    TinyModel m;
    const int x = m.AddTensor({1, 3, 4, 2});
    const int size =
        m.AddTensor({2}, Int32Bytes({7, 5}), schema::TensorType_INT32);
    const int y = m.AddTensor({1, 7, 5, 2});
    TinyOp op{23, {x, size}, {y}};
    op.options_type = schema::BuiltinOptions_ResizeBilinearOptions;
    op.options = [a = align, h = half](flatbuffers::FlatBufferBuilder& b) {
      return schema::CreateResizeBilinearOptions(b, a, h).Union();
    };
    m.ops.push_back(op);
    m.inputs = {x};
    m.outputs = {y};
    auto outs = RunTiny(m, in);
    ASSERT_EQ(outs.size(), 1u);
    ExpectNear(outs[0], ResizeReference(in, 7, 5, align, half).v);
  }
}

TEST(TfliteLayersTest, DepthToSpaceOrder) {
  Nhwc in(2, 3, 8);
  in.v = Random(in.v.size(), 15);
  TinyModel m;
  const int x = m.AddTensor({1, 2, 3, 8});
  const int y = m.AddTensor({1, 4, 6, 2});
  TinyOp op{5, {x}, {y}};
  op.options_type = schema::BuiltinOptions_DepthToSpaceOptions;
  op.options = [](flatbuffers::FlatBufferBuilder& b) {
    return schema::CreateDepthToSpaceOptions(b, 2).Union();
  };
  m.ops.push_back(op);
  m.inputs = {x};
  m.outputs = {y};
  Nhwc want(4, 6, 2);
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 3; ++w)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          for (int c = 0; c < 2; ++c)
            want.at(h * 2 + i, w * 2 + j, c) = in.at(h, w, (i * 2 + j) * 2 + c);
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 1u);
  ExpectNear(outs[0], want.v);
}

// CONCATENATION on the channel axis of image tensors, then RESHAPE to the
// [1, N, K] layout of detector outputs; both are graph outputs, so the
// 4-D one must come out in NHWC order too.
TEST(TfliteLayersTest, ConcatenationAndReshapeKeepFileLayout) {
  Nhwc in(2, 3, 2);
  in.v = Random(in.v.size(), 16);
  TinyModel m;
  const int x = m.AddTensor({1, 2, 3, 2});
  const int relu = m.AddTensor({1, 2, 3, 2});
  const int cat = m.AddTensor({1, 2, 3, 4});
  const int flat = m.AddTensor({1, 12, 2});
  m.ops.push_back(TinyOp{19, {x}, {relu}});
  TinyOp concat{2, {x, relu}, {cat}};
  concat.options_type = schema::BuiltinOptions_ConcatenationOptions;
  concat.options = [](flatbuffers::FlatBufferBuilder& b) {
    return schema::CreateConcatenationOptions(b, -1).Union();
  };
  m.ops.push_back(concat);
  m.ops.push_back(TinyOp{22, {cat}, {flat}});
  m.inputs = {x};
  m.outputs = {flat, cat};
  std::vector<float> want;
  for (int y = 0; y < 2; ++y) {
    for (int xx = 0; xx < 3; ++xx) {
      for (int c = 0; c < 2; ++c) want.push_back(in.at(y, xx, c));
      for (int c = 0; c < 2; ++c)
        want.push_back(std::max(in.at(y, xx, c), 0.f));
    }
  }
  auto outs = RunTiny(m, in);
  ASSERT_EQ(outs.size(), 2u);
  ExpectNear(outs[0], want);
  ExpectNear(outs[1], want);
}

}  // namespace
}  // namespace faceveil::tflite

namespace faceveil::tflite {
namespace {

// The BlazeFace residual: a channel-widening PAD read only by an ADD (which
// the network folds into the sum). Both operand orders.
TEST(TfliteLayersTest, ChannelPadIntoResidualAdd) {
  Nhwc in(3, 3, 2);
  in.v = Random(in.v.size(), 17);
  const std::vector<float> filter = Random(4 * 2, 18);
  const std::vector<float> bias = Random(4, 19);
  for (bool pad_first : {true, false}) {
    SCOPED_TRACE(pad_first ? "pad first" : "pad second");
    TinyModel m;
    const int x = m.AddTensor({1, 3, 3, 2});
    const int w = m.AddTensor({4, 1, 1, 2}, FloatBytes(filter));
    const int b = m.AddTensor({4}, FloatBytes(bias));
    const int conv = m.AddTensor({1, 3, 3, 4});
    const int pads = m.AddTensor({4, 2}, Int32Bytes({0, 0, 0, 0, 0, 0, 0, 2}),
                                 schema::TensorType_INT32);
    const int padded = m.AddTensor({1, 3, 3, 4});
    const int sum = m.AddTensor({1, 3, 3, 4});
    m.ops.push_back(ConvOp(3, {x, w, b}, conv, false, 1, 1, 0));
    m.ops.push_back(TinyOp{34, {x, pads}, {padded}});
    TinyOp add{0, {padded, conv}, {sum}};
    if (!pad_first) add.inputs = {conv, padded};
    add.options_type = schema::BuiltinOptions_AddOptions;
    add.options = [](flatbuffers::FlatBufferBuilder& fb) {
      return schema::CreateAddOptions(fb, schema::ActivationFunctionType_RELU)
          .Union();
    };
    m.ops.push_back(add);
    m.inputs = {x};
    m.outputs = {sum};
    Nhwc want = Convolve(in, filter, 1, 1, 4, bias, 1, 1, false, false, 0);
    for (int y = 0; y < 3; ++y) {
      for (int xx = 0; xx < 3; ++xx) {
        for (int c = 0; c < 4; ++c) {
          const float residual = c < 2 ? in.at(y, xx, c) : 0.0f;
          want.at(y, xx, c) = std::max(0.0f, want.at(y, xx, c) + residual);
        }
      }
    }
    auto outs = RunTiny(m, in);
    ASSERT_EQ(outs.size(), 1u);
    ExpectNear(outs[0], want.v);
  }
}

}  // namespace
}  // namespace faceveil::tflite

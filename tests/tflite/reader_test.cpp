// Hostile and malformed input to the TFLite reader: every failure must be a
// Status, never a crash, a hang or an exception.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tflite/model.h"
#include "tflite/tiny_model.h"

namespace faceveil::tflite {
namespace {

using testing::FloatBytes;
using testing::Serialize;
using testing::TinyModel;
using testing::TinyOp;

std::vector<uint8_t> ReadModelFile(const std::string& name) {
  std::ifstream in(std::string(FACEVEIL_MODEL_DIR) + "/" + name,
                   std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

Status LoadReader(const std::vector<uint8_t>& bytes) {
  auto model = Model::FromBuffer(bytes);
  return model.ok() ? Status::Ok() : model.status();
}

// input [1,4,4,2] -> RELU -> output, with one extra operator of `code` when
// `code` >= 0.
TinyModel ReluModel() {
  TinyModel m;
  const int in = m.AddTensor({1, 4, 4, 2});
  const int out = m.AddTensor({1, 4, 4, 2});
  m.ops.push_back(TinyOp{19, {in}, {out}});
  m.inputs = {in};
  m.outputs = {out};
  return m;
}

TEST(TfliteReaderTest, TinyValidModelLoads) {
  auto model = Model::FromBuffer(Serialize(ReluModel()));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->input().shape, (std::vector<int>{1, 4, 4, 2}));
  ASSERT_EQ((*model)->outputs().size(), 1u);
}

TEST(TfliteReaderTest, EmptyBufferIsCorrupt) {
  EXPECT_EQ(LoadReader({}).code(), Status::Code::kCorrupt);
}

TEST(TfliteReaderTest, WrongFileIdentifierIsCorrupt) {
  std::vector<uint8_t> bytes = ReadModelFile("short_range.tflite");
  ASSERT_GT(bytes.size(), 8u);
  bytes[4] = 'X';  // "TFL3" -> "XFL3"
  const Status s = LoadReader(bytes);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("TFL3"), std::string::npos) << s.ToString();

  const std::string text = "this is plainly not a model at all";
  EXPECT_EQ(LoadReader(std::vector<uint8_t>(text.begin(), text.end())).code(),
            Status::Code::kCorrupt);
}

TEST(TfliteReaderTest, EveryTruncationIsAnError) {
  const std::vector<uint8_t> bytes = ReadModelFile("short_range.tflite");
  ASSERT_GT(bytes.size(), 100000u);
  ASSERT_TRUE(LoadReader(bytes).ok());
  const size_t cuts = 1000;
  for (size_t i = 0; i < cuts; ++i) {
    const size_t length = i * bytes.size() / cuts;
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + length);
    const Status s = LoadReader(cut);
    ASSERT_FALSE(s.ok()) << "a model cut to " << length << " bytes loaded";
    ASSERT_EQ(s.code(), Status::Code::kCorrupt) << s.ToString();
  }
}

// Random byte changes may or may not break the model; what matters is that
// loading returns and a loaded model still builds a network.
void FlipBytes(const std::string& name, int rounds, uint32_t seed) {
  const std::vector<uint8_t> original = ReadModelFile(name);
  ASSERT_FALSE(original.empty());
  std::mt19937 rng(seed);
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<uint8_t> bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      // Half of the flips land in the first 4 KiB, where the tables are.
      const size_t limit = (rng() % 2) ? bytes.size() : 4096;
      bytes[rng() % limit] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }
    auto model = Model::FromBuffer(bytes);
    if (!model.ok()) {
      ++failures;
      EXPECT_FALSE(model.status().message().empty());
      continue;
    }
    auto net = (*model)->BuildNet();
    EXPECT_TRUE(net.ok()) << net.status().ToString();
  }
  // Flips in the tables must be detected at least sometimes, or the test
  // is not exercising the reader.
  EXPECT_GT(failures, 0);
}

TEST(TfliteReaderTest, RandomByteFlipsNeverCrashShortRange) {
  FlipBytes("short_range.tflite", 300, 12345);
}

TEST(TfliteReaderTest, RandomByteFlipsNeverCrashSparse) {
  FlipBytes("full_range_sparse.tflite", 100, 777);
}

TEST(TfliteReaderTest, UnsupportedOperatorIsNamed) {
  TinyModel m = ReluModel();
  const int out = m.AddTensor({1, 4, 4, 2});
  m.ops.push_back(TinyOp{25, {m.outputs[0]}, {out}});  // SOFTMAX
  m.outputs = {out};
  const Status s = LoadReader(Serialize(m));
  EXPECT_EQ(s.code(), Status::Code::kUnsupported);
  EXPECT_NE(s.message().find("unsupported TFLite operator SOFTMAX (25)"),
            std::string::npos)
      << s.ToString();
}

TEST(TfliteReaderTest, ExtendedOperatorCodeIsNamed) {
  TinyModel m = ReluModel();
  m.ops[0].code = 150;  // GELU: only in the extended builtin_code field
  const Status s = LoadReader(Serialize(m));
  EXPECT_EQ(s.code(), Status::Code::kUnsupported);
  EXPECT_NE(s.message().find("GELU (150)"), std::string::npos) << s.ToString();
}

TEST(TfliteReaderTest, CustomOperatorIsUnsupported) {
  TinyModel m = ReluModel();
  m.ops[0].code = 32;
  m.ops[0].custom_code = "MyMagicOp";
  const Status s = LoadReader(Serialize(m));
  EXPECT_EQ(s.code(), Status::Code::kUnsupported);
  EXPECT_NE(s.message().find("MyMagicOp"), std::string::npos) << s.ToString();
}

TEST(TfliteReaderTest, NonFloatInputIsUnsupported) {
  TinyModel m = ReluModel();
  m.tensors[0].type = schema::TensorType_UINT8;
  const Status s = LoadReader(Serialize(m));
  EXPECT_EQ(s.code(), Status::Code::kUnsupported);
  EXPECT_NE(s.message().find("UINT8"), std::string::npos) << s.ToString();
}

TEST(TfliteReaderTest, TwoInputsAreUnsupported) {
  TinyModel m = ReluModel();
  const int second = m.AddTensor({1, 4, 4, 2});
  const int sum = m.AddTensor({1, 4, 4, 2});
  m.ops.push_back(TinyOp{0, {m.outputs[0], second}, {sum}});  // ADD
  m.inputs.push_back(second);
  m.outputs = {sum};
  EXPECT_EQ(LoadReader(Serialize(m)).code(), Status::Code::kUnsupported);
}

TEST(TfliteReaderTest, ReadBeforeWriteIsCorrupt) {
  TinyModel m = ReluModel();
  const int later = m.AddTensor({1, 4, 4, 2});
  const int out = m.AddTensor({1, 4, 4, 2});
  // Reads `later`, which no operator writes.
  m.ops.push_back(TinyOp{0, {m.outputs[0], later}, {out}});
  m.outputs = {out};
  const Status s = LoadReader(Serialize(m));
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("before it is written"), std::string::npos)
      << s.ToString();
}

TEST(TfliteReaderTest, WrongDeclaredOutputShapeIsCorrupt) {
  TinyModel m = ReluModel();
  m.tensors[1].shape = {1, 4, 4, 3};
  EXPECT_EQ(LoadReader(Serialize(m)).code(), Status::Code::kCorrupt);
}

TEST(TfliteReaderTest, ConstantWithWrongByteCountIsCorrupt) {
  TinyModel m = ReluModel();
  const int w = m.AddTensor({2, 1, 1, 2}, FloatBytes({1, 2, 3}));
  const int out = m.AddTensor({1, 4, 4, 2});
  TinyOp conv{3, {m.outputs[0], w}, {out}};
  conv.options_type = schema::BuiltinOptions_Conv2DOptions;
  conv.options = [](flatbuffers::FlatBufferBuilder& b) {
    return schema::CreateConv2DOptions(b, schema::Padding_SAME, 1, 1).Union();
  };
  m.ops.push_back(conv);
  m.outputs = {out};
  EXPECT_EQ(LoadReader(Serialize(m)).code(), Status::Code::kCorrupt);
}

TEST(TfliteReaderTest, HugeTensorIsRejected) {
  TinyModel m = ReluModel();
  m.tensors[0].shape = {1, 100000, 100000, 2};
  m.tensors[1].shape = {1, 100000, 100000, 2};
  EXPECT_EQ(LoadReader(Serialize(m)).code(), Status::Code::kTooLarge);
}

}  // namespace
}  // namespace faceveil::tflite

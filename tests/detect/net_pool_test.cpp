#include "infer/net_pool.h"

#include <gtest/gtest.h>

#include <string>

namespace faceveil {
namespace {

// Each network the factory builds has one layer named after its build
// number, so a test can tell which one it got back.
class Numbered {
 public:
  NetPool::Factory Factory() {
    return [this]() -> Result<cv::dnn::Net> {
      cv::dnn::Net net;
      cv::dnn::LayerParams params;
      net.addLayer("net" + std::to_string(next_++), "Identity", params);
      return net;
    };
  }

 private:
  int next_ = 0;
};

std::string NameOf(cv::dnn::Net& net) {
  const std::vector<std::string> names = net.getLayerNames();
  return names.empty() ? "" : names.front();
}

// A 1024x576 video frame and its quarter-size copy, costed by pixels.
constexpr NetPool::Shape kBig{1024ull << 32 | 576, 1024 * 576};
constexpr NetPool::Shape kSmall{256ull << 32 | 144, 256 * 144};
constexpr size_t kBoth = kBig.cost + kSmall.cost;

TEST(NetPoolTest, UnkeyedCallersReuseOneNetwork) {
  Numbered numbered;
  NetPool pool(numbered.Factory());
  for (int i = 0; i < 3; ++i) {
    Result<NetPool::Lease> lease = pool.Borrow();
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(NameOf(lease->net()), "net0");
  }
  EXPECT_EQ(pool.built(), 1u);
  EXPECT_EQ(pool.idle(), 1u);
}

TEST(NetPoolTest, AlternatingShapesKeepTheirOwnNetworks) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), kBoth);
  // The first frame: one network runs both (the small shape is new).
  for (const NetPool::Shape& shape : {kBig, kSmall}) {
    Result<NetPool::Lease> lease = pool.Borrow(shape);
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(NameOf(lease->net()), "net0");
  }
  // The big shape comes back: it gets a network of its own, net0 stays
  // with the small one, and so on for every frame.
  for (int frame = 1; frame < 4; ++frame) {
    {
      Result<NetPool::Lease> big = pool.Borrow(kBig);
      ASSERT_TRUE(big.ok());
      EXPECT_EQ(NameOf(big->net()), "net1") << frame;
    }
    {
      Result<NetPool::Lease> small = pool.Borrow(kSmall);
      ASSERT_TRUE(small.ok());
      EXPECT_EQ(NameOf(small->net()), "net0") << frame;
    }
  }
  EXPECT_EQ(pool.built(), 2u);
  EXPECT_EQ(pool.idle(), 2u);
}

TEST(NetPoolTest, ShapesSeenOnceShareOneNetwork) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), 1000);
  // Photos of many sizes, each once: no network is left behind per size.
  for (uint64_t id = 1; id <= 10; ++id) {
    Result<NetPool::Lease> lease = pool.Borrow({id, 10});
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(NameOf(lease->net()), "net0") << id;
  }
  EXPECT_EQ(pool.built(), 1u);
  EXPECT_EQ(pool.idle(), 1u);
}

TEST(NetPoolTest, ANetworkBuiltAheadServesTheFirstShape) {
  Numbered numbered;
  NetPool::Factory factory = numbered.Factory();
  NetPool pool(factory, kBoth);
  pool.Add(factory().value());  // net0, as Create's probe network
  {
    Result<NetPool::Lease> lease = pool.Borrow(kBig);
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(NameOf(lease->net()), "net0");
  }
  Result<NetPool::Lease> again = pool.Borrow(kBig);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(NameOf(again->net()), "net0");
  EXPECT_EQ(pool.built(), 0u);
}

TEST(NetPoolTest, PastTheBoundTheNetworkReturnedLongestAgoIsTaken) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), 5);
  // Shapes 1 and 2 recur and get a network each: net0 ran both in the
  // first round, then shape 1 came back and got net1.
  for (int round = 0; round < 2; ++round) {
    for (uint64_t id : {1, 2}) ASSERT_TRUE(pool.Borrow({id, 2}).ok());
  }
  ASSERT_EQ(pool.built(), 2u);
  // A recurring third shape would hold 6 > 5: no third network; the one
  // returned longest ago (net1, shape 1's) runs it.
  for (int round = 0; round < 2; ++round) {
    Result<NetPool::Lease> third = pool.Borrow({3, 2});
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(NameOf(third->net()), "net1") << round;
  }
  EXPECT_EQ(pool.built(), 2u);
  // Shape 2's network is still there.
  Result<NetPool::Lease> two = pool.Borrow({2, 2});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(NameOf(two->net()), "net0");
}

TEST(NetPoolTest, NetworksInUseAreNotShared) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), 1);
  Result<NetPool::Lease> a = pool.Borrow(kBig);
  Result<NetPool::Lease> b = pool.Borrow(kBig);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(NameOf(a->net()), NameOf(b->net()));
  EXPECT_EQ(pool.built(), 2u);
}

TEST(NetPoolTest, IdleNetworksStayWithinTheBound) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), kBig.cost + kBig.cost / 2);
  {
    // Two callers at once (two photos on two cores): two networks.
    Result<NetPool::Lease> a = pool.Borrow(kBig);
    Result<NetPool::Lease> b = pool.Borrow(kBig);
    ASSERT_TRUE(a.ok() && b.ok());
  }
  EXPECT_EQ(pool.idle(), 1u) << "two would hold more than the bound";
}

TEST(NetPoolTest, AShapeOverTheBoundStillKeepsOneNetwork) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), kSmall.cost);
  ASSERT_TRUE(pool.Borrow(kBig).ok());
  EXPECT_EQ(pool.idle(), 1u);
  // The next shape takes it over instead of building one more.
  Result<NetPool::Lease> small = pool.Borrow(kSmall);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(NameOf(small->net()), "net0");
  EXPECT_EQ(pool.built(), 1u);
}

TEST(NetPoolTest, AFailedBuildIsAnErrorAndNotCounted) {
  NetPool pool(
      []() -> Result<cv::dnn::Net> { return Status::Corrupt("not a model"); });
  Result<NetPool::Lease> lease = pool.Borrow(kBig);
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(pool.built(), 0u);
}

}  // namespace
}  // namespace faceveil

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

constexpr NetPool::Key kBig = 1024ull << 32 | 576;
constexpr NetPool::Key kSmall = 256ull << 32 | 144;

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
  NetPool pool(numbered.Factory(), 4);
  for (int frame = 0; frame < 3; ++frame) {
    {
      Result<NetPool::Lease> big = pool.Borrow(kBig);
      ASSERT_TRUE(big.ok());
      EXPECT_EQ(NameOf(big->net()), "net0") << frame;
    }
    {
      Result<NetPool::Lease> small = pool.Borrow(kSmall);
      ASSERT_TRUE(small.ok());
      EXPECT_EQ(NameOf(small->net()), "net1") << frame;
    }
  }
  EXPECT_EQ(pool.built(), 2u);
}

TEST(NetPoolTest, ANetworkBuiltAheadServesTheFirstShape) {
  Numbered numbered;
  NetPool::Factory factory = numbered.Factory();
  NetPool pool(factory, 4);
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

TEST(NetPoolTest, PastTheLimitTheNetworkUsedLongestAgoIsTaken) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), 2);
  for (NetPool::Key key : {NetPool::Key{1}, NetPool::Key{2}}) {
    ASSERT_TRUE(pool.Borrow(key).ok());  // net0 runs 1, net1 runs 2
  }
  // A third shape: two are idle, the limit, so no third is built; net0 was
  // returned first.
  {
    Result<NetPool::Lease> third = pool.Borrow(3);
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(NameOf(third->net()), "net0");
  }
  EXPECT_EQ(pool.built(), 2u);
  // Shape 1's network now runs shape 3, shape 2's is still there.
  Result<NetPool::Lease> two = pool.Borrow(2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(NameOf(two->net()), "net1");
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

TEST(NetPoolTest, IdleNetworksStayWithinTheLimit) {
  Numbered numbered;
  NetPool pool(numbered.Factory(), 1);
  {
    Result<NetPool::Lease> a = pool.Borrow(kBig);
    Result<NetPool::Lease> b = pool.Borrow(kSmall);
    ASSERT_TRUE(a.ok() && b.ok());
  }
  EXPECT_EQ(pool.idle(), 1u);
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

// The Host check (DNS rebinding) on every address the server may listen
// on, and what `faceveil serve` says about where it can be reached
// (issue 12 item 12: --host 0.0.0.0 switched the check off and still said
// "Nothing leaves this computer").
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include "access.h"
#include "server/serve_process.h"

namespace faceveil::server {
namespace {

using faceveil::testing::ChildEnv;
using faceveil::testing::ServeProcess;

TEST(HostPolicyTest, LoopbackTakesTheLoopbackNamesOnly) {
  const HostPolicy policy(8080, {});
  for (const char* host :
       {"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LOCALHOST:8080"}) {
    EXPECT_TRUE(policy.Allows(host, "127.0.0.1")) << host;
  }
  for (const char* host : {"attacker.example:8080", "127.0.0.1:9090",
                           "localhost", "", "127.0.0.1:8080.evil"}) {
    EXPECT_FALSE(policy.Allows(host, "127.0.0.1")) << host;
  }
}

TEST(HostPolicyTest, NetworkAddressTakesItselfAndTheGivenNames) {
  const HostPolicy policy(8080, {"photos.lan", "Box.Home:9000"});
  // The address the connection arrived at, and the names given.
  EXPECT_TRUE(policy.Allows("192.168.1.5:8080", "192.168.1.5"));
  EXPECT_TRUE(policy.Allows("photos.lan:8080", "192.168.1.5"));
  EXPECT_TRUE(policy.Allows("box.home:9000", "192.168.1.5"));
  EXPECT_TRUE(policy.Allows("[fe80::1]:8080", "fe80::1"));
  EXPECT_TRUE(policy.Allows("192.168.1.5:8080", "::ffff:192.168.1.5"));
  // A name an attacker points at this address (DNS rebinding), another
  // address, a loopback name on a network connection, a wrong port.
  EXPECT_FALSE(policy.Allows("attacker.example:8080", "192.168.1.5"));
  EXPECT_FALSE(policy.Allows("10.0.0.7:8080", "192.168.1.5"));
  EXPECT_FALSE(policy.Allows("localhost:8080", "192.168.1.5"));
  EXPECT_FALSE(policy.Allows("photos.lan:8081", "192.168.1.5"));
  EXPECT_FALSE(policy.Allows("box.home:8080", "192.168.1.5"));
}

TEST(HostPolicyTest, OriginMustBeTheHost) {
  const HostPolicy policy(80, {"photos.lan"});
  EXPECT_FALSE(CheckHostAndOrigin(policy, "photos.lan", true,
                                  "http://photos.lan", "10.0.0.2"));
  EXPECT_EQ(CheckHostAndOrigin(policy, "photos.lan", true,
                               "http://evil.example", "10.0.0.2")
                .status,
            403);
}

TEST(ServeHostTest, AllAddressesKeepsTheHostCheckAndSaysItIsReachable) {
  ServeProcess server({"--host", "0.0.0.0", "--allow-host", "photos.lan",
                       "--allow-host", "box.home"},
                      "", ChildEnv());
  ASSERT_TRUE(server.ok());
  ASSERT_GT(server.port(), 0) << server.err();
  const std::string port = std::to_string(server.port());
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  // A page on attacker.example, whose name now resolves to this machine.
  auto rebound =
      client.Get("/api/health", {{"Host", "attacker.example:" + port}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403) << rebound->body;
  for (const std::string host :
       {"127.0.0.1:" + port, "photos.lan:" + port, "box.home:" + port}) {
    auto res = client.Get("/api/health", {{"Host", host}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << host;
  }
  server.Stop();
  const std::string out = server.out();
  EXPECT_EQ(out.find("Nothing leaves"), std::string::npos) << out;
  EXPECT_EQ(out.find("nothing leaves"), std::string::npos) << out;
  EXPECT_NE(out.find("reachable from the network"), std::string::npos) << out;
  EXPECT_NE(out.find("photos.lan"), std::string::npos) << out;
  EXPECT_NE(server.err().find("WARNING"), std::string::npos);
}

}  // namespace
}  // namespace faceveil::server

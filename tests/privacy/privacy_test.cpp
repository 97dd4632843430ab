// What faceveil promises about privacy, checked on the real command:
//
// - `faceveil anonymize` on photos, a folder and a video writes the
//   requested outputs and nothing else: the working directory, $TMPDIR,
//   $HOME and /tmp (a private one, see Isolated()) are unchanged otherwise;
// - it needs no network at all (it runs in a network namespace with no
//   usable interface) and holds no socket while it works;
// - `faceveil serve` holds only its listening loopback socket and the
//   connections accepted on it, and writes nothing to /tmp either
//   (tests/server/no_files_test.cpp checks cwd, $TMPDIR and $HOME);
// - no input file name or image byte reaches stdout or stderr: anonymize's
//   progress and summary name no file on success (error lines name the
//   file that failed: the user needs to know which; see docs/LIMITS.md),
//   and the server's log names no upload, setting value or file name.
//
// The namespace parts skip, saying why, where unprivileged user namespaces
// are forbidden (some containers).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "privacy/privacy_util.h"
#include "server/serve_process.h"

namespace faceveil::testing {
namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kTestData = FACEVEIL_TESTDATA_DIR;

// A test root with cwd/, tmp/ ($TMPDIR), home/ ($HOME), systmp/ (the
// child's /tmp) and in/ holding the photos under secret names, a sub
// folder, and a clip when scripts/make-test-clips.sh made them.
struct Sandbox {
  fs::path root;
  bool has_video = false;

  explicit Sandbox(const std::string& name) : root(MakeTestRoot(name)) {
    for (const char* d : {"cwd", "tmp", "home", "systmp", "in/sub-secret"}) {
      fs::create_directories(root / d);
    }
    fs::copy_file(kTestData + "/messi5.jpg", root / "in/secret-holiday.jpg");
    fs::copy_file(kTestData + "/astronaut.png",
                  root / "in/sub-secret/secret-portrait.png");
    const fs::path clip = kTestData + "/clips/v2/small.webm";
    if (fs::exists(clip)) {
      fs::copy_file(clip, root / "in/secret-clip.webm");
      has_video = true;
    }
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  // The child's private /tmp, or empty when the checkout lives under
  // /tmp (then only cwd, $TMPDIR and $HOME are watched).
  fs::path PrivateTmp() const {
    return PrivateTmpUsable({root, FACEVEIL_BINARY, kTestData})
               ? root / "systmp"
               : fs::path();
  }
  std::vector<std::string> Env() const {
    return ChildEnv({"TMPDIR=" + (root / "tmp").string(),
                     "HOME=" + (root / "home").string()});
  }
};

// Names a log must never show.
const char* const kSecretNames[] = {"secret", "holiday", "portrait", "clip"};

TEST(PrivacyTest, AnonymizeWritesOnlyItsOutputsAndNeedsNoNetwork) {
  if (!NamespacesAvailable()) {
    GTEST_SKIP() << "unprivileged user namespaces are not allowed here "
                    "(unshare -rmn failed): cannot give the command a "
                    "private /tmp and no network";
  }
  Sandbox box("privacy-anon");
  ASSERT_FALSE(box.root.empty());
  const auto before = Snapshot(box.root);

  // A folder (photos + clip) quietly and not, then a single photo quietly
  // to a named file in another format.
  struct Run {
    std::vector<std::string> args;
    std::vector<std::string> outputs;  // relative to root/cwd
  };
  auto prefixed = [](std::vector<std::string> outputs, const std::string& to) {
    for (auto& o : outputs) o = to + o.substr(3);
    return outputs;
  };
  std::vector<std::string> folder_outputs = {
      "out/", "out/secret-holiday.jpg", "out/sub-secret/",
      "out/sub-secret/secret-portrait.png"};
  if (box.has_video) folder_outputs.push_back("out/secret-clip.webm");
  const Run runs[] = {
      {{"anonymize", "-q", (box.root / "in").string(), "-o", "out"},
       folder_outputs},
      {{"anonymize", (box.root / "in").string(), "-o", "loud"},
       prefixed(folder_outputs, "loud")},
      {{"anonymize", "-q", (box.root / "in/secret-holiday.jpg").string(), "-o",
        "single.webp", "--format", "webp"},
       {"single.webp"}},
  };
  std::set<std::string> expected = before;
  for (const Run& run : runs) {
    std::vector<std::string> argv = {FACEVEIL_BINARY};
    argv.insert(argv.end(), run.args.begin(), run.args.end());
    ChildProcess child(Isolated(argv, box.PrivateTmp(), /*no_network=*/true),
                       (box.root / "cwd").string(), box.Env());
    ASSERT_TRUE(child.ok());
    // While it works, it holds no socket of any kind.
    int polls = 0;
    std::set<std::string> sockets;
    for (siginfo_t info{};
         waitid(P_PID, child.pid(), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == 0;) {
      for (const auto& s : child.SocketInodes()) sockets.insert(s);
      ++polls;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const int status = child.Wait();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << run.args[0] << " failed offline: " << child.err();
    EXPECT_TRUE(sockets.empty())
        << sockets.size() << " socket(s) seen in " << polls << " polls";

    for (const auto& out : run.outputs) expected.insert("cwd/" + out);
    const std::string logs = child.out() + child.err();
    // Without -q, progress may name the files the user gave (their own
    // terminal; docs/LIMITS.md); with -q nothing does.
    const bool quiet = run.args[1] == "-q";
    for (const char* name : kSecretNames) {
      if (!quiet) break;
      EXPECT_EQ(logs.find(name), std::string::npos)
          << "'" << name << "' in the output of " << run.args[1] << ":\n"
          << logs;
    }
    EXPECT_FALSE(ContainsBytesOf(logs, ReadFile(kTestData + "/messi5.jpg")));
    EXPECT_FALSE(ContainsBytesOf(logs, ReadFile(kTestData + "/astronaut.png")));
  }
  EXPECT_EQ(Snapshot(box.root), expected)
      << "files other than the requested outputs appeared under " << box.root
      << (box.PrivateTmp().empty() ? " (/tmp not watched: checkout under /tmp)"
                                   : " (incl. its /tmp)");
  // The outputs are real images, not placeholders.
  EXPECT_GT(fs::file_size(box.root / "cwd/out/secret-holiday.jpg"), 10000u);
  EXPECT_GT(fs::file_size(box.root / "cwd/single.webp"), 1000u);
  if (box.has_video) {
    EXPECT_GT(fs::file_size(box.root / "cwd/out/secret-clip.webm"), 1000u);
  }
}

TEST(PrivacyTest, ServeHoldsOnlyLoopbackSocketsAndLogsNoNames) {
  const bool isolated = NamespacesAvailable();
  Sandbox box("privacy-serve");
  ASSERT_FALSE(box.root.empty());
  const auto before = Snapshot(box.root);
  const std::string jpg = ReadFile(kTestData + "/messi5.jpg");
  const std::string png = ReadFile(kTestData + "/astronaut.png");

  std::vector<std::string> argv = {FACEVEIL_BINARY, "serve", "--port", "0"};
  // Mount namespace only: the test must reach the server over loopback.
  ChildProcess server(
      isolated ? Isolated(argv, box.PrivateTmp(), /*no_network=*/false) : argv,
      (box.root / "cwd").string(), box.Env());
  ASSERT_TRUE(server.ok());
  const std::string first = server.FirstLine();
  const size_t at = first.find("(port ");
  ASSERT_NE(at, std::string::npos) << first << server.err();
  const int port = std::stoi(first.substr(at + 6));

  // Requests on several threads while the sockets are watched.
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(120, 0);
      for (int i = 0; i < 3; ++i) {
        httplib::Result res =
            (t + i) % 2 == 0
                ? client.Post(
                      "/api/anonymize?style=solid&keep-metadata=safe",
                      httplib::MultipartFormDataItems{
                          {"image", png, "secret-portrait.png", "image/png"},
                          {"regions", "[[1,1,9,9]]", "", ""}})
                : client.Post("/api/detect?threshold=0.31", jpg, "image/jpeg");
        if (res && res->status == 200) ++answered;
      }
    });
  }
  std::set<std::string> foreign;
  int polls = 0, seen = 0;
  std::thread watcher([&] {
    while (!done) {
      const auto table = SocketTable(server.pid());
      for (const auto& inode : server.SocketInodes()) {
        ++seen;
        auto it = table.find(inode);
        if (it == table.end()) {
          foreign.insert(inode + " (not in any table yet)");
          continue;
        }
        const SocketInfo& s = it->second;
        const bool listening =
            s.table == "tcp" && s.state == 0x0A && s.local == LoopbackHex(port);
        const bool accepted = s.table == "tcp" &&
                              s.local == LoopbackHex(port) &&
                              s.remote.rfind("0100007F:", 0) == 0;
        if (!listening && !accepted) {
          foreign.insert(s.table + " " + s.local + " -> " + s.remote);
        }
      }
      ++polls;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  for (auto& c : clients) c.join();
  done = true;
  watcher.join();
  EXPECT_EQ(answered, 9);
  EXPECT_GT(seen, polls) << "the listening socket was seen";
  // An accepted socket can be closed between the two reads above; only a
  // socket seen in a table with another address is a finding.
  for (auto it = foreign.begin(); it != foreign.end();) {
    it = it->find("not in any table") != std::string::npos ? foreign.erase(it)
                                                           : std::next(it);
  }
  EXPECT_TRUE(foreign.empty()) << *foreign.begin();

  const int status = server.Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.err();
  const std::string logs = server.out() + server.err();
  for (const char* name : kSecretNames) {
    EXPECT_EQ(logs.find(name), std::string::npos) << name << " in:\n" << logs;
  }
  EXPECT_EQ(logs.find("0.31"), std::string::npos) << "a setting value logged";
  EXPECT_FALSE(ContainsBytesOf(logs, jpg));
  EXPECT_FALSE(ContainsBytesOf(logs, png));
  EXPECT_EQ(Snapshot(box.root), before)
      << "the server wrote files under " << box.root
      << (isolated && !box.PrivateTmp().empty()
              ? " (incl. its /tmp)"
              : " (/tmp not watched: no namespaces or checkout under /tmp)");
}

}  // namespace
}  // namespace faceveil::testing

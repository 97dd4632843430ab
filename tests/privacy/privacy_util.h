// Helpers for the privacy tests: directory snapshots, a private /tmp and
// network for a child (user + mount + network namespaces), and what
// /proc/<pid>/net says about a process's sockets.
#ifndef FACEVEIL_TESTS_PRIVACY_PRIVACY_UTIL_H_
#define FACEVEIL_TESTS_PRIVACY_PRIVACY_UTIL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace faceveil::testing {

namespace fs = std::filesystem;

// Every path under `root` (directories end in "/"), relative to it.
inline std::set<std::string> Snapshot(const fs::path& root) {
  std::set<std::string> entries;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    entries.insert(fs::relative(it->path(), root).string() +
                   (it->is_directory() ? "/" : ""));
  }
  return entries;
}

// A fresh directory under the test's working directory (the build tree,
// not /tmp: /tmp is what the child gets a private copy of).
inline fs::path MakeTestRoot(const std::string& name) {
  std::string tmpl = (fs::current_path() / (name + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) == nullptr) return {};
  return tmpl;
}

// True when this machine lets an unprivileged process create user, mount
// and network namespaces (`unshare -rmn`); containers often forbid it.
inline bool NamespacesAvailable() {
  return std::system("unshare -rmn true >/dev/null 2>&1") == 0;
}

// `argv` wrapped so that it runs with `private_tmp` mounted over /tmp (what
// it writes to /tmp lands there, where a snapshot sees it) and, with
// `no_network`, in a network namespace whose only interface is a down
// loopback: no route to anywhere. An empty `private_tmp` (the checkout
// lives under /tmp, see PrivateTmpUsable) leaves /tmp as it is.
inline std::vector<std::string> Isolated(std::vector<std::string> argv,
                                         const fs::path& private_tmp,
                                         bool no_network) {
  if (private_tmp.empty()) {
    std::vector<std::string> wrapped = {"unshare", no_network ? "-rn" : "-r"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
  }
  std::vector<std::string> wrapped = {"unshare",
                                      no_network ? "-rmn" : "-rm",
                                      "sh",
                                      "-c",
                                      "mount --bind \"$0\" /tmp && exec \"$@\"",
                                      private_tmp.string()};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

// Whether `path` lies under /tmp.
inline bool UnderTmp(const fs::path& path) {
  std::error_code ec;
  const std::string p = fs::weakly_canonical(path, ec).string();
  return p == "/tmp" || p.rfind("/tmp/", 0) == 0;
}

// A private /tmp hides the real one from the child, so it only works when
// nothing the child needs (the binary, its inputs, its working directory)
// lives there; a checkout under /tmp gets no /tmp check.
inline bool PrivateTmpUsable(const std::vector<fs::path>& needed) {
  for (const auto& p : needed) {
    if (UnderTmp(p)) return false;
  }
  return true;
}

struct SocketInfo {
  std::string table;   // "tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix"
  std::string local;   // hex address:port as in /proc/net/tcp ("" for unix)
  std::string remote;  //
  int state = 0;       // TCP state (0x0A = LISTEN)
};

// Every socket visible in `pid`'s network namespace, by inode.
inline std::map<std::string, SocketInfo> SocketTable(pid_t pid) {
  std::map<std::string, SocketInfo> table;
  const std::string base = "/proc/" + std::to_string(pid) + "/net/";
  for (const char* name :
       {"tcp", "tcp6", "udp", "udp6", "raw", "raw6", "udplite", "udplite6"}) {
    std::ifstream in(base + name);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout,
          inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retr >>
          uid >> timeout >> inode;
      table[inode] = {
          name, local, remote,
          static_cast<int>(std::strtol(state.c_str(), nullptr, 16))};
    }
  }
  std::ifstream unix_in(base + "unix");
  std::string line;
  std::getline(unix_in, line);
  while (std::getline(unix_in, line)) {
    std::istringstream fields(line);
    std::string num, refs, proto, flags, type, st, inode;
    fields >> num >> refs >> proto >> flags >> type >> st >> inode;
    table[inode] = {"unix", "", "", 0};
  }
  return table;
}

// "0100007F:1F90" (127.0.0.1:8080) for IPv4 loopback and `port`.
inline std::string LoopbackHex(int port) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0100007F:%04X", port);
  return buf;
}

// Whether `haystack` contains any 24-byte run of `needle` taken at a few
// spread offsets (image bytes leaking into a log).
inline bool ContainsBytesOf(const std::string& haystack,
                            const std::string& needle) {
  if (needle.size() < 64) return false;
  for (size_t at = 16; at + 24 < needle.size(); at += needle.size() / 16) {
    if (haystack.find(needle.substr(at, 24)) != std::string::npos) return true;
  }
  return false;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_PRIVACY_PRIVACY_UTIL_H_

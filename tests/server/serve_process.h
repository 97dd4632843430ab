// Child processes for end-to-end tests: the `faceveil` command run with a
// chosen working directory and environment, its stdout and stderr captured
// by threads (a chatty child never blocks on a full pipe), plus what
// /proc says about it (peak RSS, open sockets).
#ifndef FACEVEIL_TESTS_SERVER_SERVE_PROCESS_H_
#define FACEVEIL_TESTS_SERVER_SERVE_PROCESS_H_

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace faceveil::testing {

class ChildProcess {
 public:
  // Starts `argv` (argv[0] is the path) in `cwd` with exactly `env`.
  // ok() is false when it could not be started.
  ChildProcess(const std::vector<std::string>& argv, const std::string& cwd,
               const std::vector<std::string>& env) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    if (!cwd.empty()) {
      posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    }
    std::vector<std::string> a = argv, e = env;
    std::vector<char*> args, envs;
    for (auto& s : a) args.push_back(s.data());
    args.push_back(nullptr);
    for (auto& s : e) envs.push_back(s.data());
    envs.push_back(nullptr);
    const int rc = posix_spawnp(&pid_, a[0].c_str(), &actions, nullptr,
                                args.data(), envs.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
      pid_ = -1;
      close(out[0]);
      close(err[0]);
      return;
    }
    out_thread_ = std::thread([this, fd = out[0]] { Drain(fd, &out_); });
    err_thread_ = std::thread([this, fd = err[0]] { Drain(fd, &err_); });
  }
  ~ChildProcess() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_thread_.joinable()) out_thread_.join();
    if (err_thread_.joinable()) err_thread_.join();
  }

  bool ok() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Waits until stdout holds a whole first line (or the child closed it).
  std::string FirstLine() {
    std::unique_lock<std::mutex> lock(mu_);
    grew_.wait(lock, [&] {
      return out_.find('\n') != std::string::npos || out_closed_;
    });
    return out_.substr(0, out_.find('\n'));
  }

  // The exit status as waitpid() gives it; reading stops at exit.
  int Wait() {
    if (!waited_) {
      waitpid(pid_, &status_, 0);
      waited_ = true;
    }
    if (out_thread_.joinable()) out_thread_.join();
    if (err_thread_.joinable()) err_thread_.join();
    return status_;
  }
  // SIGTERM, then Wait().
  int Stop() {
    if (!waited_) kill(pid_, SIGTERM);
    return Wait();
  }

  std::string out() {
    std::lock_guard<std::mutex> lock(mu_);
    return out_;
  }
  std::string err() {
    std::lock_guard<std::mutex> lock(mu_);
    return err_;
  }

  // Peak resident set size (VmHWM) in KiB, -1 when unknown.
  int64_t PeakRssKb() const { return StatusField("VmHWM:"); }

  // Inodes of the sockets the process holds open right now.
  std::set<std::string> SocketInodes() const {
    std::set<std::string> inodes;
    std::error_code ec;
    const std::string dir = "/proc/" + std::to_string(pid_) + "/fd";
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      std::error_code link_ec;
      const std::string target =
          std::filesystem::read_symlink(e.path(), link_ec).string();
      if (target.rfind("socket:[", 0) == 0) {
        inodes.insert(target.substr(8, target.size() - 9));
      }
    }
    return inodes;
  }

 private:
  void Drain(int fd, std::string* into) {
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
      std::lock_guard<std::mutex> lock(mu_);
      into->append(buf, n);
      grew_.notify_all();
    }
    close(fd);
    std::lock_guard<std::mutex> lock(mu_);
    if (into == &out_) out_closed_ = true;
    grew_.notify_all();
  }
  int64_t StatusField(const std::string& name) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(name, 0) == 0) {
        return std::stoll(line.substr(name.size()));
      }
    }
    return -1;
  }

  pid_t pid_ = -1;
  bool waited_ = false;
  int status_ = -1;
  std::mutex mu_;
  std::condition_variable grew_;
  std::string out_, err_;
  bool out_closed_ = false;
  std::thread out_thread_, err_thread_;
};

// `faceveil serve --port 0 EXTRA...` started by ChildProcess; port() is
// parsed from its first line ("... (port N) ..."), 0 when it did not start.
class ServeProcess : public ChildProcess {
 public:
  ServeProcess(const std::vector<std::string>& extra, const std::string& cwd,
               const std::vector<std::string>& env)
      : ChildProcess(Args(extra), cwd, env) {
    if (!ok()) return;
    const std::string line = FirstLine();
    const size_t at = line.find("(port ");
    if (at != std::string::npos) port_ = std::stoi(line.substr(at + 6));
  }
  int port() const { return port_; }

 private:
  static std::vector<std::string> Args(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {FACEVEIL_BINARY, "serve", "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  int port_ = 0;
};

// The environment tests give a child: PATH plus `extra`.
inline std::vector<std::string> ChildEnv(std::vector<std::string> extra = {}) {
  extra.push_back("PATH=/usr/bin:/bin");
  // The sanitizers' settings, when the tests run under them.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = getenv(name))
      extra.push_back(std::string(name) + "=" + v);
  }
  return extra;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_SERVER_SERVE_PROCESS_H_

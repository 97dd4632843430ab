// faceveil serve: the private web UI and JSON API on this machine. Argument
// parsing and signal handling only; the server is tools/server.
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "access.h"
#include "commands.h"
#include "detection_options.h"
#include "faceveil/settings.h"
#include "server.h"
#include "setting_flags.h"

namespace faceveil::cli {
namespace {

struct ServeArgs {
  server::ServerOptions server;
  SettingFlags settings;   // --style ...: the page's defaults
  SettingFlags detection;  // --mode, --threshold ...: the server's pipeline
  int max_upload_mb = 64;
  bool quiet = false;
};

// The first line says where to open the page ("(port N)" in it is what
// scripts and tests read); on an address other than loopback it says that
// the server is reachable from the network and which Host names it takes.
void PrintWhereToOpen(const server::ServerOptions& options,
                      const server::Server& server) {
  if (server::IsLoopbackAddress(options.host)) {
    std::cout << "faceveil: open " << server.url() << " in your browser (port "
              << server.port()
              << "). Only this computer can reach it; nothing leaves it. "
                 "Ctrl+C stops.\n"
              << std::flush;
    return;
  }
  const bool wildcard = options.host == "0.0.0.0" || options.host == "::";
  std::cout << "faceveil: listening on " << options.host << " (port "
            << server.port() << "), reachable from the network"
            << (wildcard ? " on every address of this computer" : "")
            << ". Ctrl+C stops.\n";
  const std::string port = std::to_string(server.port());
  std::cout << "  Open "
            << (wildcard ? "http://ADDRESS:" + port +
                               "/ with an address of this computer, or " +
                               server.url() + " on it"
                         : server.url());
  if (!options.allowed_hosts.empty()) {
    std::cout << " (or by a name given with --allow-host:";
    for (const std::string& name : options.allowed_hosts) {
      std::cout << " " << name;
    }
    std::cout << ")";
  }
  std::cout << ". Requests naming any other host are refused, so that web "
               "pages elsewhere cannot use the server through a browser.\n"
            << std::flush;
  std::cerr << "faceveil serve: WARNING: anyone who can reach this computer "
               "on port "
            << server.port()
            << " can use the server and see the photos sent to it; the "
               "connection is not encrypted.\n";
}

int RunServe(ServeArgs& args) {
  args.server.settings = args.settings.Given();
  args.server.max_upload_bytes = int64_t{args.max_upload_mb} << 20;
  args.server.log = args.quiet ? nullptr : &std::cerr;
  Status valid = args.detection.ApplyTo(&args.server.pipeline);
  if (valid.ok())
    valid = ValidateDetectorOptions(args.server.pipeline.detector);
  if (!valid.ok()) {
    std::cerr << "faceveil serve: " << valid.message() << "\n";
    return kExitUsage;
  }

  // Ctrl+C and SIGTERM stop the server cleanly: they are blocked here (the
  // server's threads inherit the mask) and taken by one waiting thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = server::Server::Create(args.server);
  if (!server.ok()) {
    std::cerr << "faceveil serve: " << server.status().ToString() << "\n";
    return server.status().code() == Status::Code::kInvalidArgument
               ? kExitUsage
               : kExitFailures;
  }
  PrintWhereToOpen(args.server, **server);
  std::thread waiter([&server, &stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*server)->Stop();
  });
  Status listened = (*server)->Listen();
  // Listen() only returns after Stop() or a failure; wake the waiter either
  // way so that it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!listened.ok()) {
    std::cerr << "faceveil serve: " << listened.ToString() << "\n";
    return kExitFailures;
  }
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "Open the private web page: drop photos, review, download");
  cmd->add_option("--host", args->server.host,
                  "Address to listen on; 0.0.0.0 opens it to your network "
                  "(not recommended)")
      ->capture_default_str();
  cmd->add_option("--allow-host", args->server.allowed_hosts,
                  "A host name (NAME or NAME:PORT) this server is reached by, "
                  "accepted in the Host header besides its address; "
                  "repeatable. Other names are refused (DNS rebinding)")
      ->expected(1)
      ->take_all();
  cmd->add_option("--port", args->server.port,
                  "TCP port; 0 picks a free one and prints it")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--max-upload-mb", args->max_upload_mb,
                  "Largest upload accepted, in MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("-j,--jobs", args->server.max_concurrent_jobs,
                  "Images processed at once (default: one per core)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("-q,--quiet", args->quiet, "No request log on stderr");
  args->settings.AddTo(cmd, "anonymize", " (the page's default)");
  args->detection.AddTo(cmd, "detect");
  cmd->add_option("--max-pixels", args->server.pipeline.decode.max_pixels,
                  "Refuse images with more pixels than this (decompression "
                  "bombs)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->footer(
      "\nExamples:\n"
      "  faceveil serve                  # then open http://127.0.0.1:8080/\n"
      "  faceveil serve --port 0         # any free port (printed)\n"
      "  faceveil serve --style pixelate --model full-sparse\n\n"
      "Photos are processed in memory and never written to disk; the log\n"
      "shows requests (method, route, status, size, time), never file names\n"
      "or contents. The JSON API is described in tools/server/API.md.\n\n" +
      DetectionOptionsHelp());
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

}  // namespace faceveil::cli

// Round trips through `faceveil serve` over loopback HTTP: what the page
// waits for. BM_Rerender is a face toggle in the page (faces given, no
// detection); BM_AnonymizeAll is a first upload with detection.
//
//   build/bench/server_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "server.h"

namespace {

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(FACEVEIL_TESTDATA_DIR) + "/" + name,
                   std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// One server for the whole run, on a free loopback port.
struct Fixture {
  std::unique_ptr<faceveil::server::Server> server;
  std::thread thread;
  std::string png = ReadTestFile("astronaut.png");
  std::string faces;

  Fixture() {
    faceveil::server::ServerOptions options;
    options.port = 0;
    auto created = faceveil::server::Server::Create(options);
    if (!created.ok()) return;
    server = std::move(created).value();
    thread = std::thread([this] { server->Listen(); });
  }
  ~Fixture() {
    if (server) server->Stop();
    if (thread.joinable()) thread.join();
  }
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();  // lives until exit
  return *fixture;
}

std::unique_ptr<httplib::Client> ClientOrSkip(benchmark::State& state) {
  Fixture& f = Shared();
  if (!f.server || f.png.empty()) {
    state.SkipWithError("no server or no test photo");
    return nullptr;
  }
  auto client =
      std::make_unique<httplib::Client>("127.0.0.1", f.server->port());
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_read_timeout(60, 0);
  return client;
}

void BM_Health(benchmark::State& state) {
  auto client = ClientOrSkip(state);
  if (!client) return;
  for (auto _ : state) {
    auto res = client->Get("/api/health");
    if (!res || res->status != 200) state.SkipWithError("request failed");
  }
}
BENCHMARK(BM_Health)->Unit(benchmark::kMicrosecond);

void BM_Detect(benchmark::State& state) {
  auto client = ClientOrSkip(state);
  if (!client) return;
  for (auto _ : state) {
    auto res = client->Post("/api/detect", Shared().png, "image/png");
    if (!res || res->status != 200) state.SkipWithError("request failed");
  }
  state.SetLabel("astronaut.png 512x512");
}
BENCHMARK(BM_Detect)->Unit(benchmark::kMillisecond);

void BM_AnonymizeAll(benchmark::State& state) {
  auto client = ClientOrSkip(state);
  if (!client) return;
  const httplib::MultipartFormDataItems items = {
      {"image", Shared().png, "a.png", "image/png"}};
  for (auto _ : state) {
    auto res = client->Post("/api/anonymize", items);
    if (!res || res->status != 200) state.SkipWithError("request failed");
  }
  state.SetLabel("detect + anonymize + PNG encode");
}
BENCHMARK(BM_AnonymizeAll)->Unit(benchmark::kMillisecond);

void BM_Rerender(benchmark::State& state) {
  auto client = ClientOrSkip(state);
  if (!client) return;
  const httplib::MultipartFormDataItems items = {
      {"image", Shared().png, "a.png", "image/png"},
      {"faces", R"([{"box":[174,70,105,105],"score":0.9}])", "", ""},
      {"regions", "[[20,380,120,100]]", "", ""}};
  for (auto _ : state) {
    auto res = client->Post("/api/anonymize", items);
    if (!res || res->status != 200) state.SkipWithError("request failed");
  }
  state.SetLabel("a face toggle: anonymize + PNG encode, no detection");
}
BENCHMARK(BM_Rerender)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

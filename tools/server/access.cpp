#include "access.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace faceveil::server {
namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// "name" or "[v6]" gets ":port"; one that already ends in ":digits" (and is
// not a bare IPv6 address) is kept.
std::string WithPort(std::string_view host, int port) {
  const size_t colon = host.rfind(':');
  const bool bracketed = !host.empty() && host.front() == '[';
  const bool has_port =
      colon != std::string_view::npos && colon + 1 < host.size() &&
      (bracketed ? host[colon - 1] == ']' : host.find(':') == colon) &&
      std::all_of(host.begin() + colon + 1, host.end(),
                  [](char c) { return c >= '0' && c <= '9'; });
  if (has_port) return std::string(host);
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  return address == "localhost" || address == "::1" ||
         address.rfind("127.", 0) == 0 || address.rfind("::ffff:127.", 0) == 0;
}

HostPolicy::HostPolicy(int port, const std::vector<std::string>& names)
    : port_(port) {
  for (const std::string& name : names) {
    names_.push_back(WithPort(AsciiLower(Trim(name)), port));
  }
}

std::vector<std::string> HostPolicy::Accepted(std::string_view local_ip) const {
  std::string p = std::to_string(port_);
  p.insert(p.begin(), ':');
  std::vector<std::string> hosts;
  std::string ip = AsciiLower(local_ip);
  if (ip.rfind("::ffff:", 0) == 0 && ip.find('.') != std::string::npos) {
    // An IPv4 client of an IPv6 socket: the address it typed is the IPv4
    // one.
    hosts.push_back(ip.substr(7) + p);
  }
  if (!ip.empty()) {
    std::string literal = ip;
    if (ip.find(':') != std::string::npos) literal.insert(0, 1, '[') += ']';
    hosts.push_back(literal + p);
  }
  if (IsLoopbackAddress(ip)) {
    for (const char* name : {"localhost", "127.0.0.1", "[::1]"}) {
      std::string host = name;
      host += p;
      hosts.push_back(std::move(host));
    }
  }
  hosts.insert(hosts.end(), names_.begin(), names_.end());
  return hosts;
}

bool HostPolicy::Allows(std::string_view host,
                        std::string_view local_ip) const {
  const std::string want = WithPort(AsciiLower(Trim(host)), 80);
  if (want.empty()) return false;
  const std::vector<std::string> accepted = Accepted(local_ip);
  return std::find(accepted.begin(), accepted.end(), want) != accepted.end();
}

Refusal CheckHostAndOrigin(const HostPolicy& policy, std::string_view host,
                           bool has_origin, std::string_view origin,
                           std::string_view local_ip) {
  // A page elsewhere must not reach this server through a DNS name that
  // resolves to it (DNS rebinding), nor post to it (CSRF): the Host must be
  // one this server is reached by, and a request that names an origin must
  // name this one.
  if (!policy.Allows(host, local_ip) ||
      (has_origin && origin != "http://" + std::string(host))) {
    return {403, "forbidden: wrong Host or Origin"};
  }
  return {};
}

Refusal CheckUploadType(std::string_view content_type, bool present) {
  const std::string type =
      AsciiLower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type == "application/octet-stream" || type.rfind("image/", 0) == 0 ||
      type == "multipart/form-data") {
    return {};
  }
  if (!present) {
    return {415,
            "missing Content-Type: send the image bytes as "
            "application/octet-stream (or its image/ type), or as "
            "multipart/form-data"};
  }
  if (type == "application/x-www-form-urlencoded") {
    return {415,
            "send the image with Content-Type: application/octet-stream "
            "(or its image/ type), not as a form-encoded body"};
  }
  return {415, "unsupported Content-Type '" + type.substr(0, 64) +
                   "': send the image bytes as application/octet-stream (or "
                   "its image/ type), or as multipart/form-data"};
}

}  // namespace faceveil::server

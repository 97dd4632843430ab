// Which requests the server takes at all, decided from their headers before
// any body is read: the Host a request names (DNS rebinding), its Origin
// (other sites' pages), and the Content-Type of an upload.
#ifndef FACEVEIL_TOOLS_SERVER_ACCESS_H_
#define FACEVEIL_TOOLS_SERVER_ACCESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "request_guard.h"

namespace faceveil::server {

// The Host values a request may carry: the address its connection arrived
// at, written as an address ("192.168.1.5:8080", "[fe80::1]:8080"); on a
// loopback address also "localhost:PORT", "127.0.0.1:PORT" and
// "[::1]:PORT"; and the names given (the names this server is reached by).
// A DNS name an attacker controls resolves to this machine but is none of
// these, so a page served under it cannot talk to the API.
class HostPolicy {
 public:
  // `names`: host names, each with ":PORT" or without (then `port`).
  HostPolicy(int port, const std::vector<std::string>& names);

  // Whether a request that arrived at local address `local_ip` may name
  // `host`. Names compare case-insensitively; a Host without a port means
  // port 80.
  bool Allows(std::string_view host, std::string_view local_ip) const;

  // The Host values accepted on a connection to `local_ip`, for messages.
  std::vector<std::string> Accepted(std::string_view local_ip) const;

 private:
  int port_;
  std::vector<std::string> names_;  // lower case, with ":PORT"
};

// Whether `address` (as given to --host) is a loopback address.
bool IsLoopbackAddress(std::string_view address);

// The refusal (403) of a request whose Host is not allowed, or whose Origin
// names another site than its Host; none otherwise.
Refusal CheckHostAndOrigin(const HostPolicy& policy, std::string_view host,
                           bool has_origin, std::string_view origin,
                           std::string_view local_ip);

// The refusal (415) of an upload whose Content-Type is missing or neither
// application/octet-stream, an image/ type nor multipart/form-data.
Refusal CheckUploadType(std::string_view content_type, bool present);

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_ACCESS_H_

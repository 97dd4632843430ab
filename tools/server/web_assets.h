// The page's files (tools/server/web/), compiled into the binary so that the
// server needs no files at run time and serves exactly what was built.
#ifndef FACEVEIL_TOOLS_SERVER_WEB_ASSETS_H_
#define FACEVEIL_TOOLS_SERVER_WEB_ASSETS_H_

#include <span>
#include <string_view>

namespace faceveil::server {

struct WebAsset {
  std::string_view path;          // URL path, e.g. "/app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

// Every file of web/, generated at build time by embed_web.cmake.
std::span<const WebAsset> WebAssets();

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_WEB_ASSETS_H_

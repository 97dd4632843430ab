#include "eval/text_util.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace faceveil::eval {

namespace {
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;
}  // namespace

std::string_view Trim(std::string_view s) {
  const char* kSpace = " \t\r";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string NormalizePath(std::string_view path) {
  std::string out;
  const bool absolute = !path.empty() && (path[0] == '/' || path[0] == '\\');
  for (std::string_view part : Split(path, '/')) {
    for (std::string_view piece : Split(part, '\\')) {
      if (piece.empty() || piece == ".") continue;
      if (!out.empty() || absolute) out += '/';
      out += piece;
    }
  }
  return out;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      return Status::NotFound(path + ": no such file");
    }
    return Status::IoError(path + ": " + ec.message());
  }
  if (size > kMaxFileBytes) {
    return Status::TooLarge(path + ": " + std::to_string(size) +
                            " bytes; evaluation inputs are limited to 1 GiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": " + std::strerror(errno));
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return Status::IoError(path + ": read failed");
  return text;
}

}  // namespace faceveil::eval

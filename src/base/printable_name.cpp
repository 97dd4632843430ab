// PrintableName(): file names made safe to print.
#include <cstdio>
#include <string>
#include <string_view>

#include "faceveil/file_io.h"

namespace faceveil {

namespace {

void AppendHex(std::string& out, unsigned char byte) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", byte);
  out += buf;
}

// The length of the well-formed UTF-8 sequence at `s[0]` (2..4) and its
// code point, or 0 when it is not one (overlong forms and surrogates
// included).
size_t Utf8Sequence(std::string_view s, char32_t* cp) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  size_t n = 0;
  char32_t min = 0;
  if ((b(0) & 0xE0) == 0xC0) {
    n = 2, *cp = b(0) & 0x1F, min = 0x80;
  } else if ((b(0) & 0xF0) == 0xE0) {
    n = 3, *cp = b(0) & 0x0F, min = 0x800;
  } else if ((b(0) & 0xF8) == 0xF0) {
    n = 4, *cp = b(0) & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(i) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Code points that change how the text around them is shown.
bool IsFormatting(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) ||      // C1 controls (CSI is U+009B)
         (cp >= 0x200E && cp <= 0x200F) ||  // LRM, RLM
         (cp >= 0x2028 && cp <= 0x202E) ||  // line/paragraph sep., embeddings
         (cp >= 0x2066 && cp <= 0x2069);    // isolates
}

}  // namespace

std::string PrintableName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c < 0x20 || c == 0x7F) {
        AppendHex(out, c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const size_t n = Utf8Sequence(name.substr(i), &cp);
    if (n == 0) {
      AppendHex(out, c);
      ++i;
    } else if (IsFormatting(cp)) {
      char buf[12];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
      i += n;
    } else {
      out.append(name.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace faceveil

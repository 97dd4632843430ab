// Small text helpers shared by the evaluation readers.
#ifndef FACEVEIL_SRC_EVAL_TEXT_UTIL_H_
#define FACEVEIL_SRC_EVAL_TEXT_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::eval {

// Without leading and trailing spaces, tabs and carriage returns.
std::string_view Trim(std::string_view s);

// Splits on every `sep`; n separators give n + 1 pieces. The pieces view
// `s`, which must outlive them.
std::vector<std::string_view> Split(std::string_view s, char sep);

// '/' separators, no "./" components, no repeated or trailing '/'.
// Does not resolve "..": paths are compared, not opened.
std::string NormalizePath(std::string_view path);

// Reads a whole file. Files over 1 GiB are refused (kTooLarge): evaluation
// inputs are text tables, far smaller.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace faceveil::eval

#endif  // FACEVEIL_SRC_EVAL_TEXT_UTIL_H_

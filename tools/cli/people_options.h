// --keep-person / --hide-person: the reference photos of the people an
// `anonymize` run keeps visible (or hides), turned into a PeopleFilter.
#ifndef FACEVEIL_TOOLS_CLI_PEOPLE_OPTIONS_H_
#define FACEVEIL_TOOLS_CLI_PEOPLE_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "faceveil/people.h"
#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil::cli {

struct PeopleArgs {
  std::vector<std::string> keep;  // --keep-person values, PHOTO or PHOTO#N
  std::vector<std::string> hide;  // --hide-person values
};

// Adds --keep-person and --hide-person to `cmd`, writing into `*args`.
void AddPeopleOptions(CLI::App* cmd, PeopleArgs* args);

// A paragraph for --help: what the flags do and how unsure faces are
// treated.
std::string PeopleOptionsHelp();

// True when either flag was given.
inline bool WantsPeople(const PeopleArgs& args) {
  return !args.keep.empty() || !args.hide.empty();
}

// Checks the flags (not both kinds at once) before any model is loaded.
Status ValidatePeopleArgs(const PeopleArgs& args);

// Loads the recognition model into `*filter` and adds every reference
// photo's person, in the order given, found by `pipeline`'s detector (the
// filter may be the pipeline's own: it is read only by the pipeline's
// calls). Errors name the flag and the photo ("--keep-person me.jpg: 2
// faces found in it; ...").
Status FillPeopleFilter(const PeopleArgs& args, const Pipeline& pipeline,
                        PeopleFilter* filter);

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_PEOPLE_OPTIONS_H_

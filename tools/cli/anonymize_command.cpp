// faceveil anonymize: photos, videos and whole folders in, anonymized copies
// out. Argument parsing only; the work is faceveil::RunBatch.
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "detection_options.h"
#include "faceveil/batch.h"
#include "faceveil/pipeline.h"
#include "people_options.h"
#include "setting_flags.h"
#include "stop_signals.h"

namespace faceveil::cli {
namespace {

struct AnonymizeArgs {
  PipelineOptions pipeline;
  BatchOptions batch;
  std::vector<std::string> inputs;
  std::string output;
  SettingFlags settings;
  PeopleArgs people;
};

std::string VideoHelp() {
  return "\nVideos: faces are searched on key frames, every --detect-every-th "
         "frame\n(default " +
         std::to_string(kDefaultVideoDetectEvery) +
         "), by CrowdNet in the fast mode unless --detector or --mode is\n"
         "given. Tracking keeps every face covered from one key frame to the "
         "next\n(held 2.5 key intervals, at least 0.5 s), and the frames "
         "before a key frame\nalready hide the new faces it finds: a face "
         "entering the picture is hidden\nfrom its first frame. Detection "
         "runs ahead on all cores while earlier\nframes are encoded. Speed "
         "relative to decoding + encoding alone (1080p,\nCPU per frame, "
         "bench/video_bench.cpp): fast 0.8 (the default), single 0.9,\n"
         "balanced 0.5; with --detector blazeface fast 0.75, balanced 0.3. A "
         "larger\n--detect-every is faster; fast motion between key frames "
         "is then followed by\nthe tracker's predicted, growing boxes "
         "alone.\n";
}

int RunAnonymize(AnonymizeArgs& args) {
  auto usage = [](const std::string& msg) {
    std::cerr << "faceveil anonymize: " << msg
              << "\nRun 'faceveil anonymize --help' for examples.\n";
    return kExitUsage;
  };
  Status applied = args.settings.ApplyTo(&args.pipeline);
  if (!applied.ok()) return usage(applied.message());
  Status valid = ValidateDetectorOptions(args.pipeline.detector);
  if (!valid.ok()) return usage(valid.message());
  Status people_valid = ValidatePeopleArgs(args.people);
  if (!people_valid.ok()) return usage(people_valid.message());
  // Shared by the photo and the video pipeline, filled once the photo
  // pipeline's detector can find the reference faces.
  std::shared_ptr<PeopleFilter> people;
  if (WantsPeople(args.people)) {
    people = std::make_shared<PeopleFilter>();
    args.pipeline.people = people;
  }
  if (args.output.empty() && !args.batch.in_place) {
    return usage("say where the results go: -o OUTPUT (or --in-place)");
  }

  // Before any thread starts (the pipeline's, the batch's): see
  // stop_signals.h.
  RemoveTemporaryFilesWhenStopped();
  auto pipeline = Pipeline::Create(args.pipeline);
  if (!pipeline.ok()) {
    std::cerr << "faceveil anonymize: " << pipeline.status().ToString() << "\n";
    return args.pipeline.detector.model_file.empty() ? kExitFailures
                                                     : kExitUsage;
  }
  // Videos: CrowdNet alone on key frames unless --detector was given (the
  // ensemble's SSD would cost every key frame ~0.5 s of CPU), in the fast
  // mode unless --mode was given, on the networks the pipeline has loaded.
  if (args.settings.Given().count("detector") == 0) {
    args.batch.video_models = DetectorModels::kCrowdNet;
  }
  if (args.settings.Given().count("mode") == 0) {
    args.batch.video_mode = DetectionMode::kFast;
  }
  if (people != nullptr) {
    // Before any output: a bad reference photo stops the run.
    Status filled = FillPeopleFilter(args.people, **pipeline, people.get());
    if (!filled.ok()) {
      std::cerr << "faceveil anonymize: " << filled.message() << "\n";
      // A model that does not load is a failure; a bad reference photo,
      // a bad command line.
      return people->identifier == nullptr ? kExitFailures : kExitUsage;
    }
  }
  auto summary = RunBatch(**pipeline, args.inputs, args.output, args.batch);
  if (!summary.ok()) return usage(summary.status().message());
  if (!args.batch.quiet || summary->failed > 0 ||
      !summary->empty_folders.empty()) {
    std::cerr << FormatSummary(*summary);
  }
  // An input folder with nothing to do is a mistake worth a non-zero exit
  // (a wrong path, or photos in a format faceveil does not read).
  const bool nothing_to_do = !summary->empty_folders.empty();
  return summary->failed > 0 || nothing_to_do ? kExitFailures : kExitOk;
}

}  // namespace

void AddAnonymizeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<AnonymizeArgs>();
  auto* cmd = app.add_subcommand(
      "anonymize",
      "Blur every face in photos, videos or whole folders (the main job)");
  cmd->add_option("INPUT", args->inputs,
                  "Photos (JPEG, PNG, WebP, BMP, TIFF, HEIC), videos (MP4, "
                  "MOV, MKV, WebM, AVI) or folders of them")
      ->required();
  cmd->add_option("-o,--output", args->output,
                  "Output file (one input file) or folder (mirrors the input "
                  "folders)");
  cmd->add_flag("--in-place", args->batch.in_place,
                "Replace each input with its anonymized version (no -o)");
  cmd->add_flag("--overwrite", args->batch.overwrite,
                "Replace outputs that already exist (default: skip them)");
  cmd->add_option("-j,--jobs", args->batch.jobs,
                  "Files processed in parallel (default: one per core)")
      ->default_val(std::thread::hardware_concurrency())
      ->check(CLI::Range(1, 256));
  cmd->add_option("--report", args->batch.report_path,
                  "Also write what was found per file as JSON Lines (the "
                  "schema of 'faceveil detect'); never an input or an "
                  "output, and an existing file only with --overwrite");
  cmd->add_flag("-q,--quiet", args->batch.quiet,
                "No progress, no summary (failures are still reported)");
  args->settings.AddTo(cmd, "anonymize");
  AddPeopleOptions(cmd, &args->people);
  args->settings.AddTo(cmd, "detect");
  cmd->add_option("--max-pixels", args->pipeline.decode.max_pixels,
                  "Refuse images with more pixels than this (decompression "
                  "bombs)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--crf", args->batch.video.crf,
                  "Video quality: x264 constant rate factor (lower is "
                  "better)")
      ->capture_default_str()
      ->check(CLI::Range(0, 51));
  cmd->add_option("--preset", args->batch.video.preset,
                  "Video encoder speed: ultrafast ... veryslow")
      ->capture_default_str();
  cmd->add_flag("--keep-subtitles", args->batch.video.keep_subtitles,
                "Video: keep subtitle tracks. Off by default: drones and dash "
                "cameras write their GPS position there, so a kept track can "
                "tell where the video was made");
  args->batch.detect_every = 0;  // the video default, see the footer
  cmd->add_option("--detect-every", args->batch.detect_every,
                  "Video: full detection (--mode) on every N-th frame; a "
                  "quick whole-frame pass and tracking cover the frames "
                  "between. 0: automatic (" +
                      std::to_string(kDefaultVideoDetectEvery) + ")")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd->footer(
      "\nExamples:\n"
      "  faceveil anonymize party.jpg -o party-anon.jpg\n"
      "  faceveil anonymize ~/Pictures/trip -o ~/Pictures/trip-anon   "
      "# whole folder, mirrored\n"
      "  faceveil anonymize *.jpg -o out/ --style pixelate --report "
      "faces.jsonl\n"
      "  faceveil anonymize clip.mp4 -o clip-anon.mp4\n"
      "  faceveil anonymize party/ -o party-anon/ --keep-person me.jpg "
      "--keep-person us.jpg#2\n"
      "      # everyone hidden but me and face 2 of us.jpg\n\n"
      "Nothing but the outputs is written; inputs are never changed unless\n"
      "--in-place is given. Outputs carry no GPS position, camera serial,\n"
      "owner name or thumbnail. Exit status: 0 all done, 1 some files "
      "failed\nor an input folder held no photo or video, 2 bad command "
      "line.\n\n" +
      DetectionOptionsHelp() + PeopleOptionsHelp() + VideoHelp());
  cmd->callback([args, exit_code] { *exit_code = RunAnonymize(*args); });
}

}  // namespace faceveil::cli

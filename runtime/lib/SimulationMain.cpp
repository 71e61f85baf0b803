//===- SimulationMain.cpp - main() of standalone simulations --------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Error.h"
#include "cajal/Runtime/Interrupt.h"
#include "cajal/Runtime/Simulation.h"

#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

/// Exit codes: 130 is what shells report for a process ended by SIGINT.
constexpr int ExitOk = 0;
constexpr int ExitError = 1;
constexpr int ExitInterrupted = 130;

void printUsage(std::FILE *out, const char *program, const cajal_model *model) {
  std::fprintf(
      out,
      "usage: %s [options]\n"
      "Runs the network %s (dt = %g s, %llu steps, seed %llu by default).\n"
      "\n"
      "options:\n"
      "  -o, --output DIR  write .npy files and summary.json into DIR\n"
      "  --duration T      simulate T seconds (e.g. 0.5, 0.5s, 200ms)\n"
      "  --steps N         simulate N steps\n"
      "  --seed N          random seed\n"
      "  --threads N       threads for set-up and steps (default: "
      "CAJAL_THREADS or all;\n"
      "                    steps then use as many as the model's size calls "
      "for)\n"
      "  --csv             also write .csv files (needs --output)\n"
      "  --quiet           print neither the summary nor a progress bar\n"
      "  -h, --help        print this help\n",
      program, model->name ? model->name : "", model->dt,
      (unsigned long long)model->default_steps,
      (unsigned long long)model->default_seed);
}

/// Parses a decimal unsigned 64-bit integer (no sign, no trailing text).
bool parseUnsigned(const char *text, uint64_t &value) {
  if (!text || *text < '0' || *text > '9')
    return false;
  char *end;
  errno = 0;
  const unsigned long long parsed = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  value = parsed;
  return true;
}

/// Parses seconds: a plain number, or one followed by "s", "ms" or "us".
bool parseDuration(const char *text, double &seconds) {
  if (!text || !*text)
    return false;
  char *end;
  errno = 0;
  const double value = std::strtod(text, &end);
  if (errno != 0 || end == text || !std::isfinite(value) || value < 0.0)
    return false;
  const std::string unit = end;
  if (unit.empty() || unit == "s")
    seconds = value;
  else if (unit == "ms")
    seconds = value * 1e-3;
  else if (unit == "us")
    seconds = value * 1e-6;
  else
    return false;
  return true;
}

/// Reports a bad command line on stderr and returns the exit code.
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int usageError(const char *program, const char *format, ...) {
  std::fprintf(stderr, "%s: ", program);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n(run %s --help for the options)\n", program);
  return ExitError;
}

} // namespace

extern "C" int cajal_sim_main(const cajal_model *model, int argc, char **argv) {
  const char *program = argc > 0 && argv[0] ? argv[0] : "simulation";
  if (!model) {
    std::fprintf(stderr, "error: no model\n");
    return ExitError;
  }
  cajal_run_options options = {};
  bool quiet = false, haveSteps = false, haveDuration = false;
  uint64_t steps = model->default_steps;
  double duration = 0.0;

  for (int k = 1; k < argc; ++k) {
    std::string arg = argv[k];
    // "--name=value" is the same as "--name value".
    const char *inlineValue = nullptr;
    if (arg.rfind("--", 0) == 0) {
      const size_t equals = arg.find('=');
      if (equals != std::string::npos) {
        inlineValue = argv[k] + equals + 1;
        arg.resize(equals);
      }
    }
    auto value = [&]() -> const char * {
      if (inlineValue)
        return inlineValue;
      return k + 1 < argc ? argv[++k] : nullptr;
    };
    auto takesNoValue = [&] { return inlineValue == nullptr; };

    if (arg == "-h" || arg == "--help") {
      printUsage(stdout, program, model);
      return ExitOk;
    }
    if (arg == "-o" || arg == "--output") {
      const char *dir = value();
      if (!dir || !*dir)
        return usageError(program, "%s needs a directory", arg.c_str());
      options.output_dir = dir;
    } else if (arg == "--duration") {
      const char *text = value();
      if (!parseDuration(text, duration))
        return usageError(program,
                          "--duration needs seconds such as 0.5, 0.5s or "
                          "200ms, not '%s'",
                          text ? text : "");
      haveDuration = true;
    } else if (arg == "--steps") {
      const char *text = value();
      if (!parseUnsigned(text, steps))
        return usageError(program, "--steps needs a number of steps, not '%s'",
                          text ? text : "");
      haveSteps = true;
    } else if (arg == "--seed") {
      const char *text = value();
      if (!parseUnsigned(text, options.seed))
        return usageError(program,
                          "--seed needs a non-negative integer, not '%s'",
                          text ? text : "");
      options.has_seed = 1;
    } else if (arg == "--threads") {
      const char *text = value();
      uint64_t threads = 0;
      if (!parseUnsigned(text, threads) || threads < 1 || threads > 256)
        return usageError(program,
                          "--threads needs a number from 1 to 256, not '%s'",
                          text ? text : "");
      options.threads = uint32_t(threads);
    } else if (arg == "--csv" && takesNoValue()) {
      options.write_csv = 1;
    } else if (arg == "--quiet" && takesNoValue()) {
      quiet = true;
    } else {
      return usageError(program, "unknown argument '%s'", argv[k]);
    }
  }
  if (haveSteps && haveDuration)
    return usageError(program, "--steps and --duration exclude each other");
  if (options.write_csv && !options.output_dir)
    return usageError(program, "--csv needs --output DIR");
  if (haveDuration) {
    const double count = std::nearbyint(duration / model->dt);
    if (!(count < 9.2e18))
      return usageError(program, "--duration %g s is too many steps", duration);
    steps = uint64_t(count);
  }
  options.progress = quiet ? 1 : 0;
  options.target = model->cuda_schedule ? "cuda" : "cpu";

  cajal_install_interrupt_handler();
  cajal_sim *sim = cajal_sim_create(model, &options);
  if (!sim) {
    std::fprintf(stderr, "error: %s\n", cajal_last_error());
    return ExitError;
  }
  const int status = cajal_sim_run(sim, steps);
  if (status != CAJAL_OK && status != CAJAL_SIM_INTERRUPTED) {
    std::fprintf(stderr, "error: %s\n", cajal_last_error());
    cajal_sim_destroy(sim);
    return ExitError;
  }
  if (cajal_sim_finish(sim) != CAJAL_OK) {
    std::fprintf(stderr, "error: %s\n", cajal_last_error());
    cajal_sim_destroy(sim);
    return ExitError;
  }
  if (status == CAJAL_SIM_INTERRUPTED)
    std::fprintf(stderr, "interrupted after %llu of %llu steps\n",
                 (unsigned long long)cajal_sim_steps_done(sim),
                 (unsigned long long)steps);
  if (!quiet)
    cajal_sim_print_summary(sim, stdout);
  cajal_sim_destroy(sim);
  return status == CAJAL_SIM_INTERRUPTED ? ExitInterrupted : ExitOk;
}

//===- Interrupt.cpp - Graceful stop on SIGINT and SIGTERM ----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Interrupt.h"

#include <csignal>
#include <signal.h>

namespace {

/// The only state a signal handler may portably touch.
volatile std::sig_atomic_t Interrupted = 0;

/// Sets the flag; on a repeated signal restores the default action and
/// re-raises it (signal() and raise() are async-signal-safe).
extern "C" void handleInterrupt(int signal) {
  if (Interrupted) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  Interrupted = 1;
}

} // namespace

extern "C" void cajal_install_interrupt_handler(void) {
  struct sigaction action = {};
  action.sa_handler = handleInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

extern "C" int cajal_interrupted(void) { return Interrupted != 0; }

extern "C" void cajal_request_interrupt(void) { Interrupted = 1; }

extern "C" void cajal_clear_interrupt(void) { Interrupted = 0; }

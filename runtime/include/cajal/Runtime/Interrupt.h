//===- Interrupt.h - Graceful stop on SIGINT and SIGTERM --------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// An interrupted run must leave complete output of what it simulated
/// (architecture principle 9). The signal handler only sets a flag; the
/// simulation loop polls cajal_interrupted() once per step and, when it is
/// set, stops stepping, flushes and closes its recorders and writes the
/// summary. A second signal while the flag is set ends the process the
/// default way, so a stuck run can still be killed with a second Ctrl-C.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_INTERRUPT_H
#define CAJAL_RUNTIME_INTERRUPT_H

#ifdef __cplusplus
extern "C" {
#endif

/// Installs the SIGINT and SIGTERM handlers that set the interrupt flag
/// (they do no I/O). Call once, before the simulation loop.
void cajal_install_interrupt_handler(void);

/// Non-zero once an interrupt was requested.
int cajal_interrupted(void);

/// Sets the interrupt flag, as the signal handler does (for hosts that stop
/// a run themselves, and for tests).
void cajal_request_interrupt(void);

/// Clears the interrupt flag, e.g. before a new run in the same process.
void cajal_clear_interrupt(void);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_INTERRUPT_H

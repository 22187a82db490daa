/*
 * Health probes run by a container's own berth-monitor (probe.c): the
 * PROBE request of the attach socket (docs/runtime-monitor.md).
 *
 * Lifecycle of one probe, driven by the monitor's poll loop:
 *   probe_new(timeout, plan length)  a slot; the client then sends the plan
 *   probe_feed()                     takes plan bytes; once complete, forks
 *                                    the nsexec child that starts the command
 *   probe_pollfds()/probe_ready()    read its output (the first PROBE_OUTPUT_CAP
 *                                    bytes are kept, the rest read and dropped)
 *                                    and the child's report (pid or error)
 *   probe_reaped()                   from the monitor's SIGCHLD handling
 *   probe_tick()                     kills a command past its timeout
 *   probe_done()/probe_reply()       the answer for the client; probe_free()
 *   probe_abandon()                  the client went away: kill, free when reaped
 */
#ifndef BERTH_PROBE_H
#define BERTH_PROBE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROBE_OUTPUT_CAP 4096   /* moby's maxOutputLen */
#define PROBE_PLAN_CAP (1 << 20) /* args and env of one check */

/* A slot for a probe whose plan has plan_len bytes; -1 when none is free or the plan is too large. */
int probe_new(unsigned timeout_ms, size_t plan_len);

/* Takes up to n plan bytes; returns how many were used. Launches once the plan is complete. */
size_t probe_feed(int slot, const char *p, size_t n, int64_t now_ms);

/* Adds the fds of running probes to p (at most max); returns how many were added. */
int probe_pollfds(struct pollfd *p, int max);

/* Handles the revents of the fds probe_pollfds added, in the same order. */
void probe_ready(const struct pollfd *p, int n, int64_t now_ms);

/* A child the monitor reaped: true when it was a probe's (or may become one's). */
bool probe_reaped(pid_t pid, int status, int64_t now_ms);

/* Kills commands past their timeout; returns ms until the next deadline, or -1. */
int probe_tick(int64_t now_ms);

bool probe_done(int slot);

/* The answer line and body for the client (valid until probe_free). */
void probe_reply(int slot, char *head, size_t head_cap, const char **body, size_t *body_len);

void probe_free(int slot);

/* The client is gone: the command is killed and the slot freed once it is reaped. */
void probe_abandon(int slot);

#endif

/*
 * Health probes in a container's own monitor: see probe.h for the
 * lifecycle and docs/runtime-monitor.md for the PROBE request.
 *
 * Why here: a probe started as an exec session costs berthd a monitor
 * launch, two socket connections, a plan file, an exit file with fsyncs and
 * a directory to remove, for every check of every container. The
 * container's monitor is already running, is the subreaper the command ends
 * up under, and reads pipes in its poll loop anyway: berthd sends one
 * request and reads one answer.
 *
 * A probe forks a "starter" that runs nsexec (joins the container, forks
 * the command, reports "P<pid>" or "E<message>" on a pipe, exits). The
 * command's stdout and stderr share one pipe, read here: the first
 * PROBE_OUTPUT_CAP bytes are kept and the rest read and dropped, so a
 * flood costs no memory and never blocks the command. At the timeout the
 * command's process group is killed. The answer waits for the command's
 * exit status; output still in the pipe then is read, later writers (its
 * background children) are ignored.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsexec.h"

#define MAX_PROBES 8
#define REPORT_CAP 4096
#define READ_CHUNK (32 * 1024)
#define EARLY_REAPS 32

enum pstate { P_FREE, P_PLAN, P_STARTING, P_RUNNING };

struct probe {
  enum pstate state;
  bool abandoned, failed, answered, timed_out, truncated, cmd_done, starter_done;
  unsigned timeout_ms;
  char *plan;
  size_t plan_len, plan_got;
  pid_t starter, cmd;
  int cmd_status;
  int out_fd, rep_fd;
  int64_t deadline;
  size_t out_len, rep_len;
  char out[PROBE_OUTPUT_CAP];
  char rep[REPORT_CAP];
};

static struct probe probes[MAX_PROBES];

/* Children reaped before their probe learnt their pid (the command reparents to us when the starter exits). */
static struct {
  pid_t pid;
  int status;
} early[EARLY_REAPS];
static unsigned n_early;

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static struct probe *slot_of(int slot) {
  return slot >= 0 && slot < MAX_PROBES && probes[slot].state != P_FREE ? &probes[slot] : NULL;
}

static void release(struct probe *pr) {
  close_fd(&pr->out_fd);
  close_fd(&pr->rep_fd);
  free(pr->plan);
  memset(pr, 0, sizeof *pr);
  pr->out_fd = pr->rep_fd = -1;
}

/* Freed once the client has its answer (or is gone) and no child of ours is left unreaped. */
static void maybe_release(struct probe *pr) {
  if (!pr->abandoned) return;
  if (pr->state == P_PLAN || (pr->starter_done && (pr->cmd == 0 || pr->cmd_done) && pr->rep_fd < 0)) release(pr);
}

static void fail(struct probe *pr, const char *msg) {
  pr->failed = true;
  size_t n = strlen(msg);
  if (n >= REPORT_CAP) n = REPORT_CAP - 1;
  memmove(pr->rep, msg, n);
  pr->rep_len = n;
}

int probe_new(unsigned timeout_ms, size_t plan_len) {
  if (plan_len == 0 || plan_len > PROBE_PLAN_CAP || timeout_ms == 0) return -1;
  for (int i = 0; i < MAX_PROBES; i++) {
    struct probe *pr = &probes[i];
    if (pr->state != P_FREE) continue;
    memset(pr, 0, sizeof *pr);
    pr->out_fd = pr->rep_fd = -1;
    pr->plan = malloc(plan_len);
    if (!pr->plan) return -1;
    pr->state = P_PLAN;
    pr->timeout_ms = timeout_ms;
    pr->plan_len = plan_len;
    return i;
  }
  return -1;
}

/* The starter, in the forked child: stdio is /dev/null and the output pipe; only the report pipe stays open. */
static void starter(struct probe *pr, int out_w, int rep_w) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int sigs[] = {SIGPIPE, SIGHUP, SIGINT, SIGTERM};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || dup2(null, 0) < 0 || dup2(out_w, 1) < 0 || dup2(out_w, 2) < 0) _exit(127);
  if (rep_w > 3) close_range(3, (unsigned)rep_w - 1, 0);
  close_range((unsigned)rep_w + 1, ~0U, 0);
  _exit(nsexec_probe(pr->plan, pr->plan_len, rep_w));
}

static void launch(struct probe *pr) {
  int out[2], rep[2];
  if (pipe2(out, O_CLOEXEC) < 0) {
    fail(pr, "pipe: cannot start the health check");
    return;
  }
  if (pipe2(rep, O_CLOEXEC) < 0) {
    close(out[0]);
    close(out[1]);
    fail(pr, "pipe: cannot start the health check");
    return;
  }
  pid_t pid = fork();
  if (pid == 0) starter(pr, out[1], rep[1]);
  close(out[1]);
  close(rep[1]);
  free(pr->plan);
  pr->plan = NULL;
  if (pid < 0) {
    close(out[0]);
    close(rep[0]);
    fail(pr, "fork: cannot start the health check");
    return;
  }
  pr->starter = pid;
  pr->out_fd = out[0];
  pr->rep_fd = rep[0];
  fcntl(pr->out_fd, F_SETFL, O_NONBLOCK);
  fcntl(pr->rep_fd, F_SETFL, O_NONBLOCK);
  pr->state = P_STARTING;
}

size_t probe_feed(int slot, const char *p, size_t n, int64_t now_ms) {
  (void)now_ms;
  struct probe *pr = slot_of(slot);
  if (!pr || pr->state != P_PLAN) return n; /* input after the plan is ignored */
  size_t take = pr->plan_len - pr->plan_got;
  if (take > n) take = n;
  memcpy(pr->plan + pr->plan_got, p, take);
  pr->plan_got += take;
  if (pr->plan_got == pr->plan_len) launch(pr);
  return take;
}

static void kill_command(struct probe *pr) {
  if (pr->cmd > 0 && !pr->cmd_done) {
    kill(-pr->cmd, SIGKILL); /* the command is a session leader (nsexec's setsid): its children go too */
    kill(pr->cmd, SIGKILL);
  }
}

static bool read_output(struct probe *pr);

/* The command is gone: what it wrote before it exited is in the pipe now (64 KiB at most); later
 * writers are its background children, which are not waited for. */
static void command_exited(struct probe *pr, int status) {
  pr->cmd_done = true;
  pr->cmd_status = status;
  for (int i = 0; i < 16 && read_output(pr); i++) {
  }
  close_fd(&pr->out_fd);
}

/* The starter's report is complete (EOF): the command's pid, or why it did not start. */
static void on_report(struct probe *pr, int64_t now_ms) {
  close_fd(&pr->rep_fd);
  if (pr->rep_len > 1 && pr->rep[0] == 'P') {
    pr->rep[pr->rep_len] = 0;
    pr->cmd = (pid_t)atoi(pr->rep + 1);
  }
  if (pr->cmd <= 0) {
    pr->cmd = 0;
    if (pr->rep_len > 1 && pr->rep[0] == 'E') {
      memmove(pr->rep, pr->rep + 1, pr->rep_len - 1);
      pr->rep_len--;
      pr->failed = true;
    } else {
      fail(pr, "the health check's starter exited without a report");
    }
    close_fd(&pr->out_fd);
    return;
  }
  pr->state = P_RUNNING;
  pr->deadline = now_ms + pr->timeout_ms;
  for (unsigned i = 0; i < EARLY_REAPS && i < n_early; i++) {
    if (early[i].pid != pr->cmd) continue;
    early[i].pid = 0;
    command_exited(pr, early[i].status);
  }
  if (pr->abandoned) kill_command(pr);
}

/* Reads what the pipe has (4 chunks at most); true when there may be more. */
static bool read_output(struct probe *pr) {
  static char rbuf[READ_CHUNK];
  for (int round = 0; round < 4 && pr->out_fd >= 0;) {
    ssize_t n = read(pr->out_fd, rbuf, sizeof rbuf);
    if (n < 0 && errno == EINTR) continue;
    round++;
    if (n < 0 && errno == EAGAIN) return false;
    if (n <= 0) {
      close_fd(&pr->out_fd);
      return false;
    }
    size_t keep = PROBE_OUTPUT_CAP - pr->out_len;
    if (keep > (size_t)n) keep = (size_t)n;
    memcpy(pr->out + pr->out_len, rbuf, keep);
    pr->out_len += keep;
    if (keep < (size_t)n) pr->truncated = true;
  }
  return pr->out_fd >= 0;
}

static void read_report(struct probe *pr, int64_t now_ms) {
  for (;;) {
    ssize_t n = read(pr->rep_fd, pr->rep + pr->rep_len, REPORT_CAP - 1 - pr->rep_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n > 0) {
      pr->rep_len += (size_t)n;
      if (pr->rep_len < REPORT_CAP - 1) continue;
    }
    on_report(pr, now_ms); /* EOF, an error, or a report too long to be a pid */
    return;
  }
}

static struct {
  int slot, fd;
} polled[2 * MAX_PROBES];
static int n_polled;

int probe_pollfds(struct pollfd *p, int max) {
  n_polled = 0;
  for (int i = 0; i < MAX_PROBES && n_polled < max; i++) {
    struct probe *pr = &probes[i];
    if (pr->state != P_STARTING && pr->state != P_RUNNING) continue;
    int fds[2] = {pr->rep_fd, pr->out_fd};
    for (int k = 0; k < 2 && n_polled < max; k++) {
      if (fds[k] < 0) continue;
      polled[n_polled].slot = i;
      polled[n_polled].fd = fds[k];
      p[n_polled++] = (struct pollfd){fds[k], POLLIN, 0};
    }
  }
  return n_polled;
}

void probe_ready(const struct pollfd *p, int n, int64_t now_ms) {
  for (int k = 0; k < n && k < n_polled; k++) {
    if (!p[k].revents) continue;
    struct probe *pr = &probes[polled[k].slot];
    if (pr->rep_fd >= 0 && pr->rep_fd == polled[k].fd) read_report(pr, now_ms);
    else if (pr->out_fd >= 0 && pr->out_fd == polled[k].fd) read_output(pr);
    maybe_release(pr);
  }
}

bool probe_reaped(pid_t pid, int status, int64_t now_ms) {
  (void)now_ms;
  bool starting = false;
  for (int i = 0; i < MAX_PROBES; i++) {
    struct probe *pr = &probes[i];
    if (pr->state == P_FREE || pr->state == P_PLAN) continue;
    if (pid == pr->starter) {
      pr->starter_done = true;
    } else if (pr->cmd > 0 && pid == pr->cmd) {
      command_exited(pr, status);
    } else {
      if (pr->state == P_STARTING) starting = true;
      continue;
    }
    maybe_release(pr);
    return true;
  }
  if (!starting) return false;
  early[n_early % EARLY_REAPS].pid = pid;
  early[n_early % EARLY_REAPS].status = status;
  n_early++;
  return true;
}

int probe_tick(int64_t now_ms) {
  int64_t next = -1;
  for (int i = 0; i < MAX_PROBES; i++) {
    struct probe *pr = &probes[i];
    if (pr->state != P_RUNNING || pr->cmd_done) continue;
    if (!pr->timed_out && now_ms >= pr->deadline) {
      pr->timed_out = true;
      kill_command(pr);
    }
    if (!pr->timed_out && (next < 0 || pr->deadline < next)) next = pr->deadline;
  }
  return next < 0 ? -1 : (int)(next - now_ms);
}

bool probe_done(int slot) {
  struct probe *pr = slot_of(slot);
  if (!pr || pr->abandoned) return false;
  return pr->failed || (pr->state == P_RUNNING && pr->cmd_done);
}

void probe_reply(int slot, char *head, size_t head_cap, const char **body, size_t *body_len) {
  struct probe *pr = slot_of(slot);
  if (!pr) {
    snprintf(head, head_cap, "ERROR 0\n");
    *body = "";
    *body_len = 0;
    return;
  }
  if (pr->failed) {
    snprintf(head, head_cap, "ERROR %zu\n", pr->rep_len);
    *body = pr->rep;
    *body_len = pr->rep_len;
    return;
  }
  int st = pr->cmd_status;
  int code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
  snprintf(head, head_cap, "RESULT %d %d %d %zu\n", code, pr->timed_out ? 1 : 0, pr->truncated ? 1 : 0, pr->out_len);
  *body = pr->out;
  *body_len = pr->out_len;
}

void probe_free(int slot) {
  struct probe *pr = slot_of(slot);
  if (!pr) return;
  pr->abandoned = true;
  close_fd(&pr->out_fd);
  maybe_release(pr);
}

void probe_abandon(int slot) {
  struct probe *pr = slot_of(slot);
  if (!pr) return;
  kill_command(pr);
  if (pr->state == P_STARTING && !pr->starter_done) kill(pr->starter, SIGKILL);
  probe_free(slot);
}

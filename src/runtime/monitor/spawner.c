/*
 * `berth-monitor --spawner`: runs commands for berthd, so that berthd never
 * has to fork itself on a hot path. See docs/runtime-monitor.md.
 *
 * Why: Node's child_process forks the whole daemon (libuv uses fork(2)),
 * which blocks its event loop for a time that grows with its resident
 * memory (3 ms at 45 MiB, 6-12 ms at 100 MiB, more on a busy machine). Every
 * container start launches a monitor and every exit runs `runc delete`; a
 * small resident helper forks in a fraction of a millisecond instead.
 *
 * Protocol (stdin → stdout, one helper per berthd, requests run concurrently):
 *   request:  u32 little-endian length L, then L bytes of NUL-terminated
 *             fields: id, timeout in ms (0: none), working directory ("":
 *             the helper's), capture-fd3 ("1": give the command a pipe on fd
 *             3 and return what it wrote), then argv[0..].
 *   response: one JSON line once the command has exited and every pipe it
 *             held reached EOF (a daemonising command's grandchild may keep
 *             fd 3 open after its parent exited; the monitor does):
 *             {"id":N,"code":C,"signal":S,"stdout":"…","stderr":"…","fd3":"…"}
 *             or {"id":N,"error":"…"} when it could not be started (exec
 *             failed: the message carries strerror, e.g. "No such file or
 *             directory"). Output beyond OUT_CAP per stream is dropped.
 * The helper exits when stdin reaches EOF (berthd is gone); commands still
 * running are left to finish on their own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json-log.h"
#include "spawner.h"

#define MAX_JOBS 128
#define MAX_REQUEST (1024 * 1024)
#define MAX_ARGS 4096
#define OUT_CAP (1024 * 1024)

struct out {
  int fd;
  char *p;
  size_t len, cap;
};

struct job {
  bool used;
  char id[32];
  pid_t pid;
  bool exited;
  int status;
  int64_t deadline; /* ms, monotonic; 0: none */
  struct out o[3];  /* stdout, stderr, fd 3 */
};

static struct job jobs[MAX_JOBS];
static char *req;
static size_t req_len, req_cap;

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void out_add(struct out *o, const char *p, size_t n) {
  if (o->len + n > OUT_CAP) n = OUT_CAP - o->len;
  if (n == 0) return;
  if (o->len + n > o->cap) {
    size_t nc = o->cap ? o->cap : 4096;
    while (nc < o->len + n) nc *= 2;
    char *np = realloc(o->p, nc);
    if (!np) return;
    o->p = np;
    o->cap = nc;
  }
  memcpy(o->p + o->len, p, n);
  o->len += n;
}

/* Appends "key":"escaped" to buf (which has room: see respond()). */
static size_t put_str(char *buf, const char *key, const char *p, size_t n) {
  size_t k = (size_t)sprintf(buf, ",\"%s\":\"", key);
  k += json_escape(buf + k, (const unsigned char *)p, n);
  buf[k++] = '"';
  return k;
}

static void respond_raw(const char *line, size_t n) {
  if (write_all(1, line, n) < 0) _exit(0); /* berthd is gone */
}

static void respond_error(const char *id, const char *what, const char *arg, int err) {
  char msg[1024], line[6 * sizeof msg + 128];
  snprintf(msg, sizeof msg, "%s %s: %s", what, arg, strerror(err));
  size_t n = (size_t)sprintf(line, "{\"id\":%s", id);
  n += put_str(line + n, "error", msg, strlen(msg));
  memcpy(line + n, "}\n", 2);
  respond_raw(line, n + 2);
}

static void respond(struct job *j) {
  size_t total = 128;
  for (int i = 0; i < 3; i++) total += 6 * j->o[i].len + 16;
  char *line = malloc(total);
  if (!line) _exit(1);
  int code = WIFEXITED(j->status) ? WEXITSTATUS(j->status) : -1;
  int sig = WIFSIGNALED(j->status) ? WTERMSIG(j->status) : 0;
  size_t n = (size_t)sprintf(line, "{\"id\":%s,\"code\":%d,\"signal\":%d", j->id, code, sig);
  static const char *names[3] = {"stdout", "stderr", "fd3"};
  for (int i = 0; i < 3; i++) n += put_str(line + n, names[i], j->o[i].p ? j->o[i].p : "", j->o[i].len);
  memcpy(line + n, "}\n", 2);
  respond_raw(line, n + 2);
  free(line);
  for (int i = 0; i < 3; i++) free(j->o[i].p);
  memset(j, 0, sizeof *j);
}

static bool job_done(const struct job *j) {
  return j->exited && j->o[0].fd < 0 && j->o[1].fd < 0 && j->o[2].fd < 0;
}

static const char *argv0_of(char **field) { return field[4]; }

/* Parses one request and starts its command. */
static void start(char *p, size_t len) {
  char *field[MAX_ARGS + 5];
  int nf = 0;
  for (size_t off = 0; off < len && nf < MAX_ARGS + 4;) {
    char *end = memchr(p + off, 0, len - off);
    if (!end) break;
    field[nf++] = p + off;
    off = (size_t)(end - p) + 1;
  }
  if (nf < 5) {
    respond_error(nf > 0 && strlen(field[0]) < 20 && strspn(field[0], "0123456789") == strlen(field[0]) ? field[0] : "0",
                  "malformed", "request", EINVAL);
    return;
  }
  const char *id = field[0];
  if (strlen(id) >= sizeof jobs[0].id || strspn(id, "0123456789") != strlen(id)) id = "0";
  struct job *j = NULL;
  for (int i = 0; i < MAX_JOBS && !j; i++)
    if (!jobs[i].used) j = &jobs[i];
  if (!j) {
    respond_error(id, "spawn", argv0_of(field), EAGAIN);
    return;
  }
  long timeout = strtol(field[1], NULL, 10);
  const char *cwd = field[2];
  bool fd3 = strcmp(field[3], "1") == 0;
  char **argv = &field[4];
  field[nf] = NULL;

  int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}}, errp[2] = {-1, -1};
  for (int i = 0; i < (fd3 ? 3 : 2); i++)
    if (pipe2(pipes[i], O_CLOEXEC) < 0) goto fail;
  if (pipe2(errp, O_CLOEXEC) < 0) goto fail;
  int e = 0;
  pid_t pid = fork();
  if (pid < 0) goto fail;
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    /* Move the pipe ends above 3 first, so the dup2s below cannot clobber one another. */
    int w[3];
    for (int i = 0; i < 3; i++) w[i] = pipes[i][1] >= 0 ? fcntl(pipes[i][1], F_DUPFD_CLOEXEC, 10) : -1;
    if (dup2(devnull, 0) < 0 || dup2(w[0], 1) < 0 || dup2(w[1], 2) < 0 || (fd3 && dup2(w[2], 3) < 0)) _exit(127);
    close_range(fd3 ? 4 : 3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (cwd[0] && chdir(cwd) < 0) {
      int e = errno;
      if (write(errp[1], &e, sizeof e) < 0) _exit(127);
      _exit(127);
    }
    execvp(argv[0], argv);
    int e = errno;
    if (write(errp[1], &e, sizeof e) < 0) _exit(127);
    _exit(127);
  }
  close(errp[1]);
  for (int i = 0; i < 3; i++)
    if (pipes[i][1] >= 0) close(pipes[i][1]);
  ssize_t r;
  do r = read(errp[0], &e, sizeof e);
  while (r < 0 && errno == EINTR);
  close(errp[0]);
  if (r == (ssize_t)sizeof e) { /* exec (or chdir) failed: reap and report */
    for (int i = 0; i < 3; i++)
      if (pipes[i][0] >= 0) close(pipes[i][0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    respond_error(id, "spawn", argv[0], e);
    return;
  }
  memset(j, 0, sizeof *j);
  j->used = true;
  snprintf(j->id, sizeof j->id, "%s", id);
  j->pid = pid;
  j->deadline = timeout > 0 ? mono_ms() + timeout : 0;
  for (int i = 0; i < 3; i++) {
    j->o[i].fd = pipes[i][0];
    if (j->o[i].fd >= 0) fcntl(j->o[i].fd, F_SETFL, O_NONBLOCK);
  }
  return;
fail:
  e = errno;
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 2; k++)
      if (pipes[i][k] >= 0) close(pipes[i][k]);
  for (int k = 0; k < 2; k++)
    if (errp[k] >= 0) close(errp[k]);
  respond_error(id, "spawn", argv[0], e);
}

/* Reads what stdin has; starts every complete request. Returns false at EOF. */
static bool read_requests(void) {
  if (req_cap - req_len < 65536) {
    size_t nc = req_cap ? req_cap * 2 : 65536;
    char *np = realloc(req, nc);
    if (!np) _exit(1);
    req = np;
    req_cap = nc;
  }
  ssize_t n = read(0, req + req_len, req_cap - req_len);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  req_len += (size_t)n;
  size_t off = 0;
  while (req_len - off >= 4) {
    uint32_t l = (uint32_t)(unsigned char)req[off] | (uint32_t)(unsigned char)req[off + 1] << 8 |
                 (uint32_t)(unsigned char)req[off + 2] << 16 | (uint32_t)(unsigned char)req[off + 3] << 24;
    if (l > MAX_REQUEST) _exit(2); /* not our client */
    if (req_len - off - 4 < l) break;
    start(req + off + 4, l);
    off += 4 + l;
  }
  memmove(req, req + off, req_len - off);
  req_len -= off;
  return true;
}

static void reap(int sfd) {
  struct signalfd_siginfo si;
  while (read(sfd, &si, sizeof si) > 0) {
  }
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, WNOHANG);
    if (p < 0 && errno == EINTR) continue;
    if (p <= 0) return;
    for (int i = 0; i < MAX_JOBS; i++)
      if (jobs[i].used && !jobs[i].exited && jobs[i].pid == p) {
        jobs[i].exited = true;
        jobs[i].status = st;
      }
  }
}

int spawner_main(void) {
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) return 1;
  bool input = true;
  for (;;) {
    struct pollfd p[2 + 3 * MAX_JOBS];
    struct out *owner[2 + 3 * MAX_JOBS];
    int np = 0;
    int64_t now = mono_ms(), next = -1;
    p[np++] = (struct pollfd){sfd, POLLIN, 0};
    p[np++] = (struct pollfd){input ? 0 : -1, POLLIN, 0};
    for (int i = 0; i < MAX_JOBS; i++) {
      struct job *j = &jobs[i];
      if (!j->used) continue;
      if (job_done(j)) {
        respond(j);
        continue;
      }
      if (j->deadline && !j->exited) {
        if (now >= j->deadline) {
          kill(j->pid, SIGKILL);
          j->deadline = 0;
        } else if (next < 0 || j->deadline < next) {
          next = j->deadline;
        }
      }
      for (int k = 0; k < 3; k++)
        if (j->o[k].fd >= 0) {
          owner[np] = &j->o[k];
          p[np++] = (struct pollfd){j->o[k].fd, POLLIN, 0};
        }
    }
    if (!input) {
      bool busy = false;
      for (int i = 0; i < MAX_JOBS; i++) busy |= jobs[i].used;
      if (!busy) return 0;
    }
    int timeout = next < 0 ? -1 : (int)(next > now ? next - now : 0);
    if (poll(p, (nfds_t)np, timeout) < 0) {
      if (errno != EINTR) usleep(10000);
      continue;
    }
    if (p[0].revents) reap(sfd);
    if (p[1].revents && !read_requests()) input = false;
    for (int i = 2; i < np; i++) {
      if (!p[i].revents) continue;
      struct out *o = owner[i];
      char buf[65536];
      ssize_t n = read(o->fd, buf, sizeof buf);
      if (n > 0) out_add(o, buf, (size_t)n);
      else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(o->fd);
        o->fd = -1;
      }
    }
  }
}

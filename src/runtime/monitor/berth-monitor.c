/*
 * berth-monitor: supervises one container process (or one exec session)
 * started by runc, and outlives berthd. See docs/runtime-monitor.md.
 *
 * Lifecycle: parse args -> daemonise (the spawned process exits 0 at once)
 * -> listen on the attach socket -> run runc with our pipes/pty as its stdio
 * -> report {"pid","monitorPid"} or {"error"} on the sync fd -> event loop
 * (log output, serve attach/watch/ctl clients, reap children) -> the process
 * exits -> drain output -> write the exit file -> tell watchers -> exit 0.
 *
 * One thread, one poll() loop. Every fd is O_CLOEXEC except the stdio handed
 * to runc, and all memory is bounded (per-client and stdin buffers have caps).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "json-log.h"
#include "nsexec.h"
#include "probe.h"
#include "spawner.h"

#define READ_CHUNK (32 * 1024)
#define CLIENT_BUF_CAP (1024 * 1024) /* a client further behind than this is dropped */
#define STDIN_BUF_CAP (1024 * 1024)
#define MAX_CLIENTS 64
#define HEADER_CAP 256
#define WAIT_ATTACH_MS 30000
#define DRAIN_MS 2000
#define FINAL_FLUSH_MS 5000
#define CONSOLE_MS 5000
#define ERR_TAIL 2048

/* ---- options ---- */
static char *o_attach, *o_exit, *o_pidfile, *o_log, *o_console;
static bool o_stdin, o_stdin_once, o_wait_attach;
static int o_sync = -1;
static char **o_argv;
static char orig_cwd[PATH_MAX];

/* ---- small helpers ---- */
static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* ---- bounded byte queue (client output, pending stdin) ---- */
struct buf {
  char *p;
  size_t off, len, cap;
};

static bool buf_push(struct buf *b, const void *d, size_t n, size_t limit) {
  if (n == 0) return true;
  if (b->len + n > limit) return false;
  if (b->off + b->len + n > b->cap) {
    if (b->off > 0) {
      memmove(b->p, b->p + b->off, b->len);
      b->off = 0;
    }
    if (b->len + n > b->cap) {
      size_t nc = b->cap ? b->cap : 4096;
      while (nc < b->len + n) nc *= 2;
      if (nc > limit) nc = limit;
      char *np = realloc(b->p, nc);
      if (!np) return false;
      b->p = np;
      b->cap = nc;
    }
  }
  memcpy(b->p + b->off + b->len, d, n);
  b->len += n;
  return true;
}

static void buf_free(struct buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

static void buf_drop(struct buf *b, size_t n) {
  b->off += n;
  b->len -= n;
  if (b->len == 0) {
    b->off = 0;
    if (b->cap > 64 * 1024) buf_free(b); /* give memory back after a burst */
  }
}

/* Writes what a non-blocking fd accepts; -1 on a fatal error. */
static int buf_flush(struct buf *b, int fd) {
  while (b->len > 0) {
    ssize_t w = write(fd, b->p + b->off, b->len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return -1;
    }
    buf_drop(b, (size_t)w);
  }
  return 0;
}

/* ---- sync fd reporting ---- */
static void report(const char *json) {
  if (o_sync < 0) return;
  write_all(o_sync, json, strlen(json));
  close_fd(&o_sync);
}

static void unlink_sockets(void);

/*
 * Every error reported is a failed start, followed by cleanup_and_fail: the
 * sockets go first, so a client that reads the error never finds them.
 */
static void report_error(const char *fmt, ...) {
  unlink_sockets();
  char msg[ERR_TAIL + 256];
  static char esc[sizeof msg * 6 + 32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t n = json_escape(esc + 10, (const unsigned char *)msg, strlen(msg));
  memcpy(esc, "{\"error\":\"", 10);
  memcpy(esc + 10 + n, "\"}\n", 4);
  report(esc);
}

/* ---- process state ---- */
static int sig_fd = -1, listen_fd = -1, console_fd = -1, log_fd = -1, master_fd = -1;
static int stdin_w = -1;  /* non-tty: write end of the process's stdin pipe */
static int errpipe_r = -1; /* tty: runc's own stdout/stderr, for error messages */
static pid_t runc_pid = -1, target_pid = -1;
static bool runc_done;
static int runc_status;
static bool target_done;
static int exit_code, exit_signal;
static int64_t exit_ms;
static struct timespec exit_rt;
static bool finished; /* exit file written; flushing clients */

struct early_reap {
  pid_t pid;
  int status;
  int64_t ms;
  struct timespec rt;
};
static struct early_reap early[32]; /* reaped before the pid file was read */
static unsigned n_early;

static void record_target(int status, int64_t ms, const struct timespec *rt) {
  target_done = true;
  exit_ms = ms;
  exit_rt = *rt;
  if (WIFSIGNALED(status)) {
    exit_signal = WTERMSIG(status);
    exit_code = 128 + exit_signal;
  } else {
    exit_signal = 0;
    exit_code = WEXITSTATUS(status);
  }
}

static void reap(void) {
  struct signalfd_siginfo si;
  while (read(sig_fd, &si, sizeof si) > 0) {
  }
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, WNOHANG);
    if (p < 0 && errno == EINTR) continue;
    if (p <= 0) break;
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    if (p == runc_pid) {
      runc_done = true;
      runc_status = st;
    } else if (target_pid > 0) {
      if (p == target_pid && !target_done) record_target(st, now_ms(), &rt);
      else probe_reaped(p, st, now_ms());
    } else {
      early[n_early % 32] = (struct early_reap){p, st, now_ms(), rt};
      n_early++;
    }
  }
}

/* ---- output sources and the json-file log ---- */
struct source {
  int fd;
  int stream; /* 1 stdout, 2 stderr */
  struct log_stream log;
};
static struct source src[2] = {{.fd = -1, .stream = 1, .log = {.name = "stdout"}},
                               {.fd = -1, .stream = 2, .log = {.name = "stderr"}}};


/* ---- attach clients ---- */
enum ckind { C_HEADER, C_ATTACH, C_WATCH, C_CTL, C_PROBE };
struct client {
  int fd;
  enum ckind kind;
  bool want_out, want_err, want_in;
  bool rd_eof;     /* peer half-closed (or sent EOF) */
  bool hup;        /* peer gone but unread stdin waits for backpressure */
  bool closing;    /* close once out is flushed */
  bool exit_sent;  /* WATCH: EXIT line queued */
  bool in_handled; /* stdin-once already applied for this client */
  int probe;       /* C_PROBE: its slot in probe.c until answered, else -1 */
  bool prober;     /* has sent PROBE: after an answer it may send the next one */
  size_t linelen;
  char line[HEADER_CAP];
  struct buf out;
};
static struct client clients[MAX_CLIENTS];
static int n_clients;
static bool attached; /* first ATTACH arrived (--wait-attach) */

static struct buf stdin_pending;
static bool stdin_closed;

static int stdin_target(void) { return o_console ? master_fd : stdin_w; }

static void stdin_pump(void) {
  int fd = stdin_target();
  if (fd < 0) {
    buf_free(&stdin_pending);
    return;
  }
  if (buf_flush(&stdin_pending, fd) < 0) { /* EPIPE: the reader is gone */
    buf_free(&stdin_pending);
    stdin_closed = true;
  }
  if (stdin_pending.len == 0 && stdin_closed) close_fd(&stdin_w);
}

static void stdin_write(const char *p, size_t n) {
  if (!o_stdin || stdin_closed || stdin_target() < 0) return;
  if (!buf_push(&stdin_pending, p, n, STDIN_BUF_CAP)) return;
  stdin_pump();
}

/* Non-tty: close the pipe (after pending bytes); tty: send EOT once. */
static void close_stdin(void) {
  if (!o_stdin || stdin_closed) return;
  if (o_console) buf_push(&stdin_pending, "\x04", 1, STDIN_BUF_CAP + 1);
  stdin_closed = true;
  stdin_pump();
}

static void drop_client(struct client *c) {
  if (c->fd < 0) return;
  if (c->kind == C_PROBE && c->probe >= 0) probe_abandon(c->probe);
  c->probe = -1;
  if (c->kind == C_ATTACH && c->want_in && o_stdin_once && !c->in_handled) {
    c->in_handled = true;
    close_stdin();
  }
  close_fd(&c->fd);
  buf_free(&c->out);
}

/* Queues hdr+payload as one unit; a client too far behind is dropped. */
static void client_send(struct client *c, const void *hdr, size_t hn, const void *p, size_t n) {
  if (c->fd < 0) return;
  size_t done = 0, total = hn + n;
  if (c->out.len == 0) {
    struct iovec iov[2] = {{(void *)hdr, hn}, {(void *)p, n}};
    ssize_t w;
    do w = writev(c->fd, iov, 2);
    while (w < 0 && errno == EINTR);
    if (w < 0 && errno != EAGAIN) {
      drop_client(c);
      return;
    }
    done = w < 0 ? 0 : (size_t)w;
  }
  if (done == total) return;
  bool ok;
  if (done < hn)
    ok = buf_push(&c->out, (const char *)hdr + done, hn - done, CLIENT_BUF_CAP) &&
         buf_push(&c->out, p, n, CLIENT_BUF_CAP);
  else
    ok = buf_push(&c->out, (const char *)p + (done - hn), total - done, CLIENT_BUF_CAP);
  if (!ok) drop_client(c);
}

static void deliver(const struct source *s, const char *p, size_t n) {
  unsigned char hdr[8] = {(unsigned char)s->stream, 0, 0, 0, (unsigned char)(n >> 24),
                          (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n};
  for (int i = 0; i < n_clients; i++) {
    struct client *c = &clients[i];
    if (c->fd < 0 || c->kind != C_ATTACH || c->closing) continue;
    if (o_console) {
      if (c->want_out || c->want_err) client_send(c, NULL, 0, p, n);
    } else if (s->stream == 1 ? c->want_out : c->want_err) {
      client_send(c, hdr, 8, p, n);
    }
  }
}

static void exit_json(char *out, size_t cap) {
  char ts[48];
  format_time(ts, &exit_rt);
  snprintf(out, cap, "{\"exitCode\":%d,\"signal\":%d,\"finishedAt\":\"%s\"}", exit_code, exit_signal,
           ts);
}

static void ctl_line(char *line) {
  unsigned rows, cols;
  if (sscanf(line, "RESIZE %u %u", &rows, &cols) == 2) {
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (master_fd >= 0) ioctl(master_fd, TIOCSWINSZ, &ws);
  } else if (strcmp(line, "CLOSE-STDIN") == 0) {
    close_stdin();
  }
}

static void client_header(struct client *c, char *line) {
  if (strcmp(line, "WATCH") == 0) {
    c->kind = C_WATCH;
  } else if (strcmp(line, "CTL") == 0) {
    c->kind = C_CTL;
  } else if (strncmp(line, "PROBE ", 6) == 0) {
    /* PROBE <timeout ms> <plan bytes>, then the plan (probe.h) */
    unsigned timeout_ms;
    size_t len;
    char end;
    c->probe = sscanf(line + 6, "%u %zu%c", &timeout_ms, &len, &end) == 2 ? probe_new(timeout_ms, len) : -1;
    if (c->probe < 0) {
      static const char why[] = "bad health check request, or too many at once";
      char head[32];
      snprintf(head, sizeof head, "ERROR %zu\n", sizeof why - 1);
      client_send(c, head, strlen(head), why, sizeof why - 1);
      c->closing = true;
      c->kind = C_CTL; /* nothing more is read */
      return;
    }
    c->kind = C_PROBE;
    c->prober = true;
  } else if (strncmp(line, "ATTACH", 6) == 0 && (line[6] == ' ' || line[6] == 0)) {
    c->kind = C_ATTACH;
    char *save = NULL;
    for (char *t = strtok_r(line + 6, " ,", &save); t; t = strtok_r(NULL, " ,", &save)) {
      if (strcmp(t, "stdin") == 0) c->want_in = o_stdin;
      else if (strcmp(t, "stdout") == 0) c->want_out = true;
      else if (strcmp(t, "stderr") == 0) c->want_err = true;
    }
    attached = true;
  } else {
    drop_client(c);
  }
}

static void client_data(struct client *c, const char *p, size_t n) {
  while (n > 0 && c->fd >= 0) {
    if (c->kind == C_PROBE) {
      size_t used = probe_feed(c->probe, p, n, now_ms());
      p += used;
      n -= used;
      if (used == 0) return;
    } else if (c->kind == C_HEADER || c->kind == C_CTL) {
      const char *nl = memchr(p, '\n', n);
      size_t take = nl ? (size_t)(nl - p) : n;
      if (c->linelen + take >= HEADER_CAP) {
        drop_client(c);
        return;
      }
      memcpy(c->line + c->linelen, p, take);
      c->linelen += take;
      if (!nl) return;
      p += take + 1;
      n -= take + 1;
      if (c->linelen > 0 && c->line[c->linelen - 1] == '\r') c->linelen--;
      c->line[c->linelen] = 0;
      c->linelen = 0;
      if (c->kind == C_HEADER) client_header(c, c->line);
      else ctl_line(c->line);
    } else {
      if (c->kind == C_ATTACH && c->want_in) stdin_write(p, n);
      return; /* WATCH and output-only ATTACH input is ignored */
    }
  }
}

static bool stdin_blocked(const struct client *c) {
  return c->kind == C_ATTACH && c->want_in && stdin_pending.len > 0;
}

static void client_readable(struct client *c) {
  static char rbuf[READ_CHUNK];
  for (int round = 0; round < 4 && c->fd >= 0 && !stdin_blocked(c); round++) {
    ssize_t n = read(c->fd, rbuf, sizeof rbuf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) drop_client(c);
      return;
    }
    if (n == 0) {
      c->rd_eof = true;
      if (c->kind == C_ATTACH && c->want_in && o_stdin_once && !c->in_handled) {
        c->in_handled = true;
        close_stdin();
      }
      if (c->kind == C_HEADER || c->kind == C_CTL) drop_client(c);
      return;
    }
    client_data(c, rbuf, (size_t)n);
  }
}

static void accept_clients(void) {
  for (;;) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return; /* EAGAIN, or EMFILE: retry on the next wake-up */
    }
    if (n_clients >= MAX_CLIENTS) {
      close(fd);
      continue;
    }
    struct client *c = &clients[n_clients++];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->probe = -1;
  }
}

static void compact_clients(void) {
  int j = 0;
  for (int i = 0; i < n_clients; i++) {
    struct client *c = &clients[i];
    if (c->fd >= 0 && c->closing && c->out.len == 0) drop_client(c);
    if (c->fd < 0) continue;
    if (j != i) clients[j] = *c;
    j++;
  }
  n_clients = j;
}

/* ---- output reading ---- */
static void read_source(struct source *s) {
  static char rbuf[READ_CHUNK];
  for (int round = 0; round < 4 && s->fd >= 0;) {
    ssize_t n = read(s->fd, rbuf, sizeof rbuf);
    if (n < 0 && errno == EINTR) continue;
    round++;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) { /* EOF, or EIO once a pty's slave side is gone */
      if (s->fd != master_fd) close(s->fd);
      s->fd = -1;
      return;
    }
    if (log_fd >= 0) log_feed(log_fd, &s->log, rbuf, (size_t)n);
    deliver(s, rbuf, (size_t)n);
  }
}

/* ---- exit file (temp, fsync, rename, fsync dir) ---- */
static void write_exit_file(void) {
  char json[160], tmp[PATH_MAX + 64], dir[PATH_MAX];
  exit_json(json, sizeof json - 1);
  strcat(json, "\n");
  snprintf(dir, sizeof dir, "%s", o_exit);
  char *slash = strrchr(dir, '/'); /* o_exit is absolute */
  const char *base = slash + 1;
  *slash = 0;
  snprintf(tmp, sizeof tmp, "%s/.tmp-%s-%d", dir[0] ? dir : "", base, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  int bad = write_all(fd, json, strlen(json));
  while (!bad && fsync(fd) < 0 && errno == EINTR) {
  }
  close(fd);
  if (bad || rename(tmp, o_exit) < 0) {
    unlink(tmp);
    return;
  }
  int dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

static void finish(void) {
  for (int i = 0; i < 2; i++) {
    if (log_fd >= 0) log_flush(log_fd, &src[i].log);
    if (src[i].fd >= 0 && src[i].fd != master_fd) close(src[i].fd);
    src[i].fd = -1;
  }
  close_fd(&log_fd);
  write_exit_file();
  buf_free(&stdin_pending);
  stdin_closed = true;
  close_fd(&stdin_w);
  close_fd(&master_fd);
  finished = true;
}

/* ---- startup ---- */
static void unlink_sockets(void) {
  if (listen_fd >= 0) unlink(o_attach);
  if (console_fd >= 0) unlink(o_console);
}

static void cleanup_and_fail(void) {
  unlink_sockets();
  _exit(1);
}

static int listen_unix(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  unlink(path); /* a stale socket from a previous monitor */
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 32) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* Receives the pty master runc sends with SCM_RIGHTS; -2 means try again. */
static int recv_master(int conn) {
  char name[4096];
  struct iovec iov = {name, sizeof name};
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } u;
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                     .msg_controllen = sizeof u.b};
  ssize_t n = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? -2 : -1;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(h), sizeof fd);
      return fd;
    }
  }
  return n == 0 ? -1 : -2;
}

static pid_t spawn_runtime(int in, int out, int err) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  /* Child: undo the monitor's signal set-up, which exec would inherit. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int sigs[] = {SIGPIPE, SIGHUP, SIGINT, SIGTERM};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  close_range(3, ~0U, 0);
  if (chdir(orig_cwd) < 0) {
    dprintf(2, "chdir %s: %s\n", orig_cwd, strerror(errno));
    _exit(127);
  }
  execvp(o_argv[0], o_argv);
  dprintf(2, "exec %s: %s\n", o_argv[0], strerror(errno));
  _exit(127);
}

/* The last lines runc wrote (non-blocking read of what is in the pipe). */
static void read_err_tail(int fd, char *out, size_t cap) {
  char chunk[4096];
  size_t len = 0;
  out[0] = 0;
  if (fd < 0) return;
  set_nonblock(fd);
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) {
      if (len == cap - 1) { /* keep the tail: shift out the oldest half */
        memmove(out, out + cap / 2, len - cap / 2);
        len -= cap / 2;
      }
      out[len++] = chunk[i];
    }
  }
  while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' ' || out[len - 1] == '\r')) len--;
  out[len] = 0;
}

/* Whether the directory that will hold path exists and is writable. */
static bool dir_writable(const char *path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == dir) slash[1] = 0;
  else if (slash) *slash = 0;
  return access(dir, W_OK) == 0;
}

static char *absolute(const char *p) {
  if (!p || p[0] == '/') return p ? strdup(p) : NULL;
  char *r = malloc(strlen(orig_cwd) + strlen(p) + 2);
  if (r) sprintf(r, "%s/%s", orig_cwd, p);
  return r;
}

static void usage_fail(const char *msg) {
  fprintf(stderr, "berth-monitor: %s\n", msg);
  report_error("berth-monitor: %s", msg);
  exit(2);
}

static void parse_args(int argc, char **argv) {
  char *attach = NULL, *exitf = NULL, *pidf = NULL, *log = NULL, *cons = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      o_argv = &argv[i + 1];
      break;
    }
    if (strcmp(a, "--stdin") == 0) o_stdin = true;
    else if (strcmp(a, "--stdin-once") == 0) o_stdin_once = true;
    else if (strcmp(a, "--wait-attach") == 0) o_wait_attach = true;
    else if (i + 1 >= argc) usage_fail("missing value for an option");
    else if (strcmp(a, "--attach-socket") == 0) attach = argv[++i];
    else if (strcmp(a, "--exit-file") == 0) exitf = argv[++i];
    else if (strcmp(a, "--pid-file") == 0) pidf = argv[++i];
    else if (strcmp(a, "--log-path") == 0) log = argv[++i];
    else if (strcmp(a, "--console-socket") == 0) cons = argv[++i];
    else if (strcmp(a, "--sync-fd") == 0) {
      o_sync = atoi(argv[++i]);
      if (o_sync < 3) usage_fail("--sync-fd must be 3 or more");
      fcntl(o_sync, F_SETFD, FD_CLOEXEC);
    } else usage_fail("unknown option");
  }
  if (!getcwd(orig_cwd, sizeof orig_cwd)) strcpy(orig_cwd, "/");
  if (!attach || !exitf || !pidf) usage_fail("--attach-socket, --exit-file and --pid-file are required");
  if (!o_argv || !o_argv[0]) usage_fail("missing runtime command after --");
  o_attach = absolute(attach);
  o_exit = absolute(exitf);
  o_pidfile = absolute(pidf);
  o_log = absolute(log);
  o_console = absolute(cons);
}

static void daemonise(void) {
  pid_t p = fork();
  if (p < 0) {
    report_error("fork: %s", strerror(errno));
    exit(1);
  }
  if (p > 0) _exit(0); /* berthd reaps this one; the child lives on */
  setsid();
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* Drop every fd the launcher leaked to us but the sync fd: a stray pipe end
   * held here would keep someone else's reader from ever seeing EOF. */
  if (o_sync > 3) close_range(3, (unsigned)o_sync - 1, 0);
  close_range(o_sync >= 3 ? (unsigned)o_sync + 1 : 3, ~0U, 0);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) close(null);
  }
  if (chdir("/") < 0) { /* do not pin berthd's cwd; paths are absolute now */
  }
}

/* Starts runc, waits for it (and the pty master), reports to the sync fd. */
static void start_process(void) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (pipe2(err, O_CLOEXEC) < 0) goto sysfail;
  if (!o_console && pipe2(out, O_CLOEXEC) < 0) goto sysfail;
  if (!o_console && o_stdin && pipe2(in, O_CLOEXEC) < 0) goto sysfail;
  runc_pid = spawn_runtime(in[0] >= 0 ? in[0] : devnull, o_console ? err[1] : out[1], err[1]);
  if (runc_pid < 0) goto sysfail;
  close(devnull);
  close_fd(&in[0]);
  close_fd(&out[1]);
  close_fd(&err[1]);
  if (o_console) {
    errpipe_r = err[0];
  } else {
    src[0].fd = out[0];
    src[1].fd = err[0];
    stdin_w = in[1];
    set_nonblock(out[0]);
    set_nonblock(err[0]);
    if (stdin_w >= 0) set_nonblock(stdin_w);
  }

  int conn = -1;
  int64_t console_deadline = -1;
  while (!runc_done || (console_fd >= 0 && master_fd < 0)) {
    int timeout = -1;
    if (runc_done) {
      if (!WIFEXITED(runc_status) || WEXITSTATUS(runc_status) != 0) break;
      if (console_deadline < 0) console_deadline = now_ms() + CONSOLE_MS;
      timeout = (int)(console_deadline - now_ms());
      if (timeout <= 0) break;
    }
    struct pollfd p[3] = {{sig_fd, POLLIN, 0}, {console_fd, POLLIN, 0}, {conn, POLLIN, 0}};
    if (conn >= 0 || master_fd >= 0) p[1].fd = -1;
    if (poll(p, 3, timeout) < 0 && errno != EINTR) goto sysfail;
    if (p[0].revents) reap();
    if (p[1].revents) conn = accept4(console_fd, NULL, NULL, SOCK_CLOEXEC);
    if (p[2].revents) {
      int fd = recv_master(conn);
      if (fd != -2) close_fd(&conn);
      if (fd >= 0) master_fd = fd;
    }
  }
  close_fd(&conn);
  if (!WIFEXITED(runc_status) || WEXITSTATUS(runc_status) != 0) {
    char tail[ERR_TAIL];
    read_err_tail(o_console ? errpipe_r : src[1].fd, tail, sizeof tail);
    if (WIFSIGNALED(runc_status))
      report_error("%s killed by signal %d%s%s", o_argv[0], WTERMSIG(runc_status), tail[0] ? ": " : "", tail);
    else if (tail[0])
      report_error("%s", tail);
    else
      report_error("%s exited with status %d", o_argv[0], WEXITSTATUS(runc_status));
    cleanup_and_fail();
  }
  close_fd(&errpipe_r);
  char pidbuf[32] = "";
  int pfd = open(o_pidfile, O_RDONLY | O_CLOEXEC);
  ssize_t n = pfd >= 0 ? read(pfd, pidbuf, sizeof pidbuf - 1) : -1;
  if (pfd >= 0) close(pfd);
  target_pid = n > 0 ? (pid_t)atoi(pidbuf) : -1;
  if (target_pid <= 0) {
    report_error("read pid file %s: %s", o_pidfile, n < 0 ? strerror(errno) : "no pid");
    cleanup_and_fail();
  }
  if (console_fd >= 0) {
    close_fd(&console_fd);
    unlink(o_console);
    if (master_fd < 0) {
      kill(target_pid, SIGKILL); /* unsupervisable: do not leave it running */
      report_error("no console received from %s on %s", o_argv[0], o_console);
      _exit(1);
    }
    set_nonblock(master_fd);
    src[0].fd = master_fd;
  }
  for (unsigned i = 0; i < n_early && i < 32; i++)
    if (early[i].pid == target_pid) record_target(early[i].status, early[i].ms, &early[i].rt);
  char msg[96];
  snprintf(msg, sizeof msg, "{\"pid\":%d,\"monitorPid\":%d}\n", (int)target_pid, (int)getpid());
  report(msg);
  return;
sysfail:
  report_error("start %s: %s", o_argv[0], strerror(errno));
  cleanup_and_fail();
}

/* ---- the event loop ---- */
static void run_loop(void) {
  int64_t start = now_ms(), reading_since = 0, final_deadline = 0;
  bool reading = false;
  for (;;) {
    int64_t now = now_ms();
    if (!reading && (!o_wait_attach || attached || now - start >= WAIT_ATTACH_MS)) {
      reading = true;
      reading_since = now;
    }
    if (!finished && target_done && reading) {
      int64_t deadline = (exit_ms > reading_since ? exit_ms : reading_since) + DRAIN_MS;
      if ((src[0].fd < 0 && src[1].fd < 0) || now >= deadline) {
        finish();
        final_deadline = now + FINAL_FLUSH_MS;
      }
    }
    /* Watchers learn the exit once it is final, or at once while output is held for an attach. */
    bool announce = finished || (target_done && !reading);
    for (int i = 0; i < n_clients; i++) {
      struct client *c = &clients[i];
      if (c->fd < 0) continue;
      if (c->kind == C_WATCH && announce && !c->exit_sent) {
        char line[200];
        memcpy(line, "EXIT ", 5);
        exit_json(line + 5, sizeof line - 6);
        strcat(line, "\n");
        c->exit_sent = c->closing = true;
        client_send(c, line, strlen(line), NULL, 0);
      } else if (c->kind == C_PROBE && c->probe >= 0 && probe_done(c->probe)) {
        char head[96];
        const char *body;
        size_t len;
        probe_reply(c->probe, head, sizeof head, &body, &len);
        client_send(c, head, strlen(head), body, len);
        probe_free(c->probe);
        c->probe = -1;
        c->kind = C_HEADER; /* the connection stays for the next check (berthd keeps one per container) */
      } else if (finished && (c->prober || (c->kind != C_WATCH && c->kind != C_HEADER))) {
        c->closing = true;
      }
    }
    compact_clients();
    if (finished && (n_clients == 0 || now >= final_deadline)) return;

    struct pollfd p[5 + MAX_CLIENTS + 16];
    int np = 0;
    p[np++] = (struct pollfd){sig_fd, POLLIN, 0};
    p[np++] = (struct pollfd){listen_fd, POLLIN, 0};
    for (int i = 0; i < 2; i++)
      p[np++] = (struct pollfd){reading ? src[i].fd : -1, POLLIN, 0};
    int in_fd = stdin_pending.len > 0 ? stdin_target() : -1;
    p[np++] = (struct pollfd){in_fd, POLLOUT, 0};
    for (int i = 0; i < n_clients; i++) {
      struct client *c = &clients[i];
      short ev = c->out.len > 0 ? POLLOUT : 0;
      bool blocked = stdin_blocked(c);
      if (!c->rd_eof && !blocked) ev |= POLLIN;
      p[np++] = (struct pollfd){(c->hup && ev == 0) ? -1 : c->fd, ev, 0};
    }

    int probe_base = np;
    np += probe_pollfds(&p[np], 16);

    int timeout = -1;
    int64_t next = -1;
    if (!reading) next = start + WAIT_ATTACH_MS;
    else if (target_done && !finished) next = (exit_ms > reading_since ? exit_ms : reading_since) + DRAIN_MS;
    else if (finished) next = final_deadline;
    if (next >= 0) timeout = next > now ? (int)(next - now) : 0;
    int probe_wait = probe_tick(now);
    if (probe_wait >= 0 && (timeout < 0 || probe_wait < timeout)) timeout = probe_wait;
    if (poll(p, (nfds_t)np, timeout) < 0) {
      if (errno != EINTR) usleep(10000); /* ENOMEM: never abandon the process */
      continue;
    }
    if (p[0].revents) reap();
    probe_ready(&p[probe_base], np - probe_base, now_ms());
    for (int i = 0; i < 2; i++)
      if (p[2 + i].revents && src[i].fd >= 0) read_source(&src[i]);
    if (p[4].revents) stdin_pump();
    int nc = n_clients; /* clients accepted below are polled next round */
    for (int i = 0; i < nc; i++) {
      struct client *c = &clients[i];
      short re = p[5 + i].revents;
      if (c->fd < 0 || re == 0) continue;
      if ((re & POLLOUT) && buf_flush(&c->out, c->fd) < 0) {
        drop_client(c);
        continue;
      }
      if ((p[5 + i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR))) client_readable(c);
      if (c->fd >= 0 && (re & (POLLHUP | POLLERR))) {
        if ((re & POLLERR) || c->rd_eof || !stdin_blocked(c)) drop_client(c);
        else c->hup = true; /* read the rest once stdin drains */
      }
    }
    if (p[1].revents) accept_clients();
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--spawner") == 0) return spawner_main();
  if (argc == 3 && strcmp(argv[1], "--nsexec") == 0) return nsexec_main(argv[2]);
  parse_args(argc, argv);
  daemonise();
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) {
    report_error("signalfd: %s", strerror(errno));
    _exit(1);
  }
  listen_fd = listen_unix(o_attach);
  if (listen_fd < 0) {
    report_error("listen on %s: %s", o_attach, strerror(errno));
    _exit(1);
  }
  if (o_console) {
    console_fd = listen_unix(o_console);
    if (console_fd < 0) {
      report_error("listen on %s: %s", o_console, strerror(errno));
      cleanup_and_fail();
    }
  }
  if (!dir_writable(o_exit)) {
    report_error("exit file directory for %s: %s", o_exit, strerror(errno));
    cleanup_and_fail();
  }
  if (o_log) {
    log_fd = open(o_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (log_fd < 0) {
      report_error("open log %s: %s", o_log, strerror(errno));
      cleanup_and_fail();
    }
  }
  start_process();
  run_loop();
  unlink(o_attach);
  return 0;
}

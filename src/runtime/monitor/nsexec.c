/*
 * berth-monitor --nsexec PLAN: starts one process inside a running
 * container — what `runc exec -d` does, without runc's two Go start-ups and
 * the copy of its own binary it makes for every exec (~25 ms on this
 * machine; this takes ~1 ms). See docs/runtime-monitor.md.
 *
 * The monitor runs this mode as its "runtime command", exactly where it would
 * run `runc exec -d`: same contract. Stdio is inherited from the monitor (or a
 * pty is made in the container and its master sent over --console-socket),
 * the new process's host pid goes to the pid file, exit 0 once it has
 * exec'd; on failure a message on stderr and exit 1. The process is then
 * reparented to the monitor (a child subreaper), which reaps it.
 *
 * The plan (written by src/runtime/exec-plan.ts) is a file of NUL-terminated
 * "key=value" entries; list keys repeat. It carries only resolved values
 * (numbers, paths), so this file needs no JSON parser:
 *   pid, cgroups-path      the container's init and the cgroup it must be in
 *   ns                     namespace types to join, in order (mnt last)
 *   cgroup-procs           cgroup.procs files to join (one per hierarchy)
 *   pid-file, console-socket, tty, rows, cols
 *   arg, env, cwd, uid, gid, group, umask, rlimit ("resource soft hard"),
 *   oom-score-adj, no-new-privileges, cap-{bounding,effective,permitted,
 *   inheritable,ambient} (capability numbers)
 *
 * nsexec_probe() runs the same steps for a health probe in a child of the
 * container's own monitor (probe.c): the plan comes from memory and the
 * command's pid (or the error) is reported on a pipe.
 *
 * Order, as runc's: verify the init is still the container's -> open its
 * namespaces -> join the cgroups -> setns -> fork (the child is the first
 * process in the pid namespace's view) -> child: setsid, tty, stdio owner,
 * cwd, rlimits, bounding set, groups/gid/uid, capabilities, no_new_privs,
 * execve. Errors before execve come back over a close-on-exec pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "json-log.h"
#include "nsexec.h"

#define PLAN_CAP (8 << 20) /* args and env together are bounded by ARG_MAX anyway */
#define MSG_CAP 4096

enum { CAP_B, CAP_E, CAP_P, CAP_I, CAP_A, CAP_SETS };
static const char *const cap_keys[CAP_SETS] = {"cap-bounding", "cap-effective", "cap-permitted",
                                               "cap-inheritable", "cap-ambient"};

struct list {
  char **v;
  size_t n, cap;
};

struct plan {
  long pid;
  const char *cgroups_path, *pid_file, *console_socket, *cwd;
  struct list ns, cgroup_procs, args, env, groups, rlimits;
  long uid, gid, umask, oom;
  bool has_oom, tty, nnp;
  unsigned rows, cols;
  uint64_t caps[CAP_SETS];
};

/* Probe mode (nsexec_probe): where "P<pid>" or "E<message>" goes instead of the pid file and stderr. */
static int report_fd = -1;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (report_fd >= 0) {
    char msg[MSG_CAP];
    msg[0] = 'E';
    int n = vsnprintf(msg + 1, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n > 0) write_all(report_fd, msg, 1 + ((size_t)n < sizeof msg - 1 ? (size_t)n : sizeof msg - 2));
    _exit(1);
  }
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

/* Go's errno texts are glibc's with a lower-case first letter; runc's messages use Go's. */
static const char *errtext(int e) {
  static char buf[128];
  snprintf(buf, sizeof buf, "%s", strerror(e));
  if (buf[0] >= 'A' && buf[0] <= 'Z') buf[0] = (char)(buf[0] - 'A' + 'a');
  return buf;
}

static void push(struct list *l, char *s) {
  if (l->n + 1 >= l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 16;
    char **nv = realloc(l->v, nc * sizeof *nv);
    if (!nv) die("nsexec: out of memory");
    l->v = nv;
    l->cap = nc;
  }
  l->v[l->n++] = s;
  l->v[l->n] = NULL;
}

static long number(const char *key, const char *v, long min, long max) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < min || n > max) die("nsexec: plan: bad %s %s", key, v);
  return n;
}

static char *read_plan(const char *path, size_t *plan_len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("nsexec: open plan %s: %s", path, errtext(errno));
  char *buf = malloc(PLAN_CAP + 1);
  if (!buf) die("nsexec: out of memory");
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, PLAN_CAP - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("nsexec: read plan: %s", errtext(errno));
    if (n == 0) break;
    len += (size_t)n;
    if (len == PLAN_CAP) die("nsexec: plan larger than %d bytes", PLAN_CAP);
  }
  close(fd);
  *plan_len = len;
  return buf;
}

/* Parses the entries in place: values point into buf. */
static void parse_plan(char *buf, size_t len, struct plan *p) {
  memset(p, 0, sizeof *p);
  p->pid = p->uid = p->gid = -1;
  p->umask = 022; /* runc's default when the spec sets none */
  for (char *e = buf; e < buf + len;) {
    char *nul = memchr(e, 0, (size_t)(buf + len - e));
    if (!nul) die("nsexec: plan: unterminated entry");
    char *eq = strchr(e, '=');
    if (!eq) die("nsexec: plan: entry without '=': %s", e);
    *eq = 0;
    const char *k = e;
    char *v = eq + 1;
    e = nul + 1;
    if (!strcmp(k, "pid")) p->pid = number(k, v, 1, INT32_MAX);
    else if (!strcmp(k, "cgroups-path")) p->cgroups_path = v;
    else if (!strcmp(k, "pid-file")) p->pid_file = v;
    else if (!strcmp(k, "console-socket")) p->console_socket = v;
    else if (!strcmp(k, "cwd")) p->cwd = v;
    else if (!strcmp(k, "ns")) push(&p->ns, v);
    else if (!strcmp(k, "cgroup-procs")) push(&p->cgroup_procs, v);
    else if (!strcmp(k, "arg")) push(&p->args, v);
    else if (!strcmp(k, "env")) push(&p->env, v);
    else if (!strcmp(k, "group")) push(&p->groups, v);
    else if (!strcmp(k, "rlimit")) push(&p->rlimits, v);
    else if (!strcmp(k, "uid")) p->uid = number(k, v, 0, UINT32_MAX - 1);
    else if (!strcmp(k, "gid")) p->gid = number(k, v, 0, UINT32_MAX - 1);
    else if (!strcmp(k, "umask")) p->umask = number(k, v, 0, 0777);
    else if (!strcmp(k, "oom-score-adj")) p->oom = number(k, v, -1000, 1000), p->has_oom = true;
    else if (!strcmp(k, "tty")) p->tty = !strcmp(v, "1");
    else if (!strcmp(k, "no-new-privileges")) p->nnp = !strcmp(v, "1");
    else if (!strcmp(k, "rows")) p->rows = (unsigned)number(k, v, 0, 65535);
    else if (!strcmp(k, "cols")) p->cols = (unsigned)number(k, v, 0, 65535);
    else {
      bool known = false;
      for (int s = 0; s < CAP_SETS; s++) {
        if (strcmp(k, cap_keys[s])) continue;
        p->caps[s] |= 1ULL << number(k, v, 0, 63);
        known = true;
      }
      if (!known) die("nsexec: plan: unknown key %s", k);
    }
  }
  if (p->pid < 0 || !p->cgroups_path || !p->cwd || p->uid < 0 || p->gid < 0 || p->args.n == 0)
    die("nsexec: plan: pid, cgroups-path, cwd, uid, gid and arg are required");
  if (p->tty && !p->console_socket) die("nsexec: plan: tty needs console-socket");
}

/* Reads a small file relative to dirfd; NULL on error (errno set). */
static char *read_small(int dirfd, const char *name, size_t cap) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  char *buf = malloc(cap + 1);
  size_t len = 0;
  ssize_t n;
  while (buf && len < cap && (n = read(fd, buf + len, cap - len)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      close(fd);
      errno = e;
      return NULL;
    }
    len += (size_t)n;
  }
  close(fd);
  if (buf) buf[len] = 0;
  return buf;
}

/* Whether /proc/<pid>/cgroup places the process in cgroups_path (some hierarchy). */
static bool in_cgroup(const char *cgroup_file, const char *cgroups_path) {
  for (const char *line = cgroup_file; line && *line;) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    const char *colon = memchr(line, ':', n);
    colon = colon ? memchr(colon + 1, ':', n - (size_t)(colon + 1 - line)) : NULL;
    if (colon && (size_t)(line + n - colon - 1) == strlen(cgroups_path) &&
        !memcmp(colon + 1, cgroups_path, strlen(cgroups_path)))
      return true;
    line = nl ? nl + 1 : NULL;
  }
  return false;
}

static void join_cgroups(const struct plan *p) {
  char pid[24];
  int n = snprintf(pid, sizeof pid, "%d", (int)getpid());
  for (size_t i = 0; i < p->cgroup_procs.n; i++) {
    const char *f = p->cgroup_procs.v[i];
    int fd = open(f, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) continue; /* a hierarchy runc did not use */
    if (fd < 0 || write(fd, pid, (size_t)n) != n) die("nsexec: join cgroup %s: %s", f, errtext(errno));
    close(fd);
  }
}

static int ns_flag(const char *type) {
  static const struct { const char *name; int flag; } t[] = {
      {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
      {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (!strcmp(type, t[i].name)) return t[i].flag;
  return 0;
}

/* ---- in the child, inside the container: errors go back over the pipe ---- */
static int err_fd = -1;

static void child_fail(const char *fmt, ...) {
  char msg[MSG_CAP];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (n > 0) write_all(err_fd, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
  _exit(127);
}

/* A pty in the container's devpts; the master goes to the monitor, the slave becomes stdio. */
static void setup_tty(int console, unsigned rows, unsigned cols) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) child_fail("open /dev/ptmx: %s", errtext(errno));
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) child_fail("unlockpt: %s", errtext(errno));
  unsigned ptn = 0;
  if (ioctl(master, TIOCGPTN, &ptn) < 0) child_fail("ptsname: %s", errtext(errno));
  char name[64];
  snprintf(name, sizeof name, "/dev/pts/%u", ptn);
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY); /* no path lookup: Linux 4.13+ */
  if (slave < 0) slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) child_fail("open %s: %s", name, errtext(errno));
  if (rows && cols) {
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    ioctl(slave, TIOCSWINSZ, &ws);
  }
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } u;
  memset(&u, 0, sizeof u);
  struct iovec iov = {name, strlen(name)};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &master, sizeof master);
  ssize_t sent;
  do sent = sendmsg(console, &m, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) child_fail("send the console to the monitor: %s", errtext(errno));
  close(master);
  close(console);
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) child_fail("dup2: %s", errtext(errno));
  if (slave > 2) close(slave);
  if (ioctl(0, TIOCSCTTY, 0) < 0) child_fail("set the controlling terminal: %s", errtext(errno));
}

/* As runc: stdio belongs to the process's user, so it can reopen /dev/stdout; /dev/null is left alone. */
static void chown_stdio(uid_t uid) {
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid == uid) continue;
    if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3) continue;
    if (fchown(fd, uid, (gid_t)-1) < 0) { /* best effort, as runc (EPERM in user namespaces) */
    }
  }
}

static const char *env_get(const struct list *env, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < env->n; i++)
    if (!strncmp(env->v[i], name, n) && env->v[i][n] == '=') return env->v[i] + n + 1;
  return NULL;
}

/* runc sets HOME from the container's /etc/passwd when the environment has none. */
static void ensure_home(struct list *env, uid_t uid) {
  if (env_get(env, "HOME")) return;
  const char *home = "/";
  char *passwd = read_small(AT_FDCWD, "/etc/passwd", 1 << 20);
  for (char *line = passwd; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    char *f[7] = {0};
    int nf = 0;
    for (char *s = line; nf < 7; nf++) {
      f[nf] = s;
      char *c = strchr(s, ':');
      if (!c) {
        nf++;
        break;
      }
      *c = 0;
      s = c + 1;
    }
    if (nf >= 6 && f[2][0] && strtoul(f[2], NULL, 10) == uid && f[5][0]) {
      home = f[5];
      break;
    }
    line = nl ? nl + 1 : NULL;
  }
  char *entry = malloc(strlen(home) + 6);
  if (!entry) child_fail("out of memory");
  sprintf(entry, "HOME=%s", home);
  push(env, entry);
}

static void set_rlimits(const struct list *rl) {
  for (size_t i = 0; i < rl->n; i++) {
    int res;
    unsigned long long soft, hard;
    if (sscanf(rl->v[i], "%d %llu %llu", &res, &soft, &hard) != 3) child_fail("bad rlimit %s", rl->v[i]);
    struct rlimit r = {.rlim_cur = (rlim_t)soft, .rlim_max = (rlim_t)hard};
    if (setrlimit(res, &r) < 0) child_fail("error setting rlimit type %d: %s", res, errtext(errno));
  }
}

static void set_user_and_caps(const struct plan *p, int last_cap) {
  for (int c = 0; c <= last_cap && c < 64; c++)
    if (!(p->caps[CAP_B] & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      child_fail("drop capability %d from the bounding set: %s", c, errtext(errno));
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) child_fail("keep capabilities: %s", errtext(errno));
  size_t ng = p->groups.n;
  gid_t *gids = calloc(ng ? ng : 1, sizeof *gids);
  if (!gids) child_fail("out of memory");
  for (size_t i = 0; i < ng; i++) gids[i] = (gid_t)strtoul(p->groups.v[i], NULL, 10);
  if (setgroups(ng, gids) < 0) child_fail("setgroups: %s", errtext(errno));
  if (setresgid((gid_t)p->gid, (gid_t)p->gid, (gid_t)p->gid) < 0) child_fail("setgid %ld: %s", p->gid, errtext(errno));
  if (setresuid((uid_t)p->uid, (uid_t)p->uid, (uid_t)p->uid) < 0) child_fail("setuid %ld: %s", p->uid, errtext(errno));
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) child_fail("keep capabilities: %s", errtext(errno));
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  for (int w = 0; w < 2; w++) {
    data[w].effective = (uint32_t)(p->caps[CAP_E] >> (32 * w));
    data[w].permitted = (uint32_t)(p->caps[CAP_P] >> (32 * w));
    data[w].inheritable = (uint32_t)(p->caps[CAP_I] >> (32 * w));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) child_fail("capset: %s", errtext(errno));
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    child_fail("clear ambient capabilities: %s", errtext(errno));
  for (int c = 0; c < 64; c++)
    if ((p->caps[CAP_A] & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      child_fail("raise ambient capability %d: %s", c, errtext(errno));
}

static bool executable(const char *path, int *err) {
  struct stat st;
  if (stat(path, &st) < 0) {
    *err = errno;
    return false;
  }
  if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111)) {
    *err = EACCES;
    return false;
  }
  return true;
}

/* Go's exec.LookPath, with the process's own PATH — what runc uses, with its words. */
static const char *look_path(const char *file, const struct list *env) {
  int err = 0;
  if (strchr(file, '/')) {
    if (executable(file, &err)) return file;
    if (err == EACCES) child_fail("exec: \"%s\": permission denied", file);
    child_fail("exec: \"%s\": stat %s: %s", file, file, errtext(err));
  }
  const char *path = env_get(env, "PATH");
  static char full[4096];
  for (const char *d = path; d && *d;) {
    const char *colon = strchr(d, ':');
    size_t n = colon ? (size_t)(colon - d) : strlen(d);
    snprintf(full, sizeof full, "%.*s/%s", (int)(n ? n : 1), n ? d : ".", file);
    if (executable(full, &err)) return full;
    if (!colon) break;
    d = colon + 1;
  }
  child_fail("exec: \"%s\": executable file not found in $PATH", file);
  return NULL;
}

static void child(struct plan *p, int console, int last_cap) {
  if (setsid() < 0) child_fail("setsid: %s", errtext(errno));
  if (p->tty) setup_tty(console, p->rows, p->cols);
  chown_stdio((uid_t)p->uid);
  if (chdir(p->cwd) < 0) child_fail("chdir to cwd (\"%s\") set in config.json failed: %s", p->cwd, errtext(errno));
  umask((mode_t)p->umask);
  set_rlimits(&p->rlimits);
  if (p->has_oom) {
    char v[16];
    int n = snprintf(v, sizeof v, "%ld", p->oom);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, v, (size_t)n) != n) child_fail("set oom_score_adj: %s", errtext(errno));
    close(fd);
  }
  ensure_home(&p->env, (uid_t)p->uid);
  set_user_and_caps(p, last_cap);
  const char *file = look_path(p->args.v[0], &p->env); /* as the user, like runc */
  if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail("set no_new_privs: %s", errtext(errno));
  execve(file, p->args.v, p->env.v ? p->env.v : (char *[]){NULL});
  child_fail("exec %s: %s", file, errtext(errno));
}

static int start(struct plan *p);

int nsexec_main(const char *plan_path) {
  size_t len;
  char *buf = read_plan(plan_path, &len);
  struct plan p;
  parse_plan(buf, len, &p);
  if (!p.pid_file) die("nsexec: plan: pid-file is required");
  return start(&p);
}

int nsexec_probe(char *plan, size_t len, int report) {
  report_fd = report;
  struct plan p;
  parse_plan(plan, len, &p);
  if (p.tty) die("nsexec: a health check has no terminal");
  return start(&p);
}

/* Joins the container and starts the process in it; 0 once it has exec'd. */
static int start(struct plan *pl) {
  struct plan p = *pl;
  char *last = read_small(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", 32);
  int last_cap = last ? atoi(last) : 40;

  /* Hold the init's /proc entry: if its pid is reused meanwhile, reads through it fail. */
  char proc[32];
  snprintf(proc, sizeof proc, "/proc/%ld", p.pid);
  int procfd = open(proc, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  char *cg = procfd >= 0 ? read_small(procfd, "cgroup", 1 << 16) : NULL;
  if (!cg || !in_cgroup(cg, p.cgroups_path)) die("container process %ld is not running (not in cgroup %s)", p.pid, p.cgroups_path);
  int nsfd[16];
  size_t nns = p.ns.n < 16 ? p.ns.n : 16;
  for (size_t i = 0; i < nns; i++) {
    char name[32];
    if (!ns_flag(p.ns.v[i])) die("nsexec: plan: unknown namespace %s", p.ns.v[i]);
    snprintf(name, sizeof name, "ns/%s", p.ns.v[i]);
    nsfd[i] = openat(procfd, name, O_RDONLY | O_CLOEXEC);
    if (nsfd[i] < 0) die("open %s/%s: %s", proc, name, errtext(errno));
  }
  int pidfd = -1;
  if (report_fd < 0) {
    pidfd = open(p.pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (pidfd < 0) die("open pid file %s: %s", p.pid_file, errtext(errno));
  }
  int console = -1;
  if (p.tty) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(p.console_socket) >= sizeof sa.sun_path) die("console socket path too long: %s", p.console_socket);
    strcpy(sa.sun_path, p.console_socket);
    console = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (console < 0 || connect(console, (struct sockaddr *)&sa, sizeof sa) < 0)
      die("connect to console socket %s: %s", p.console_socket, errtext(errno));
  }
  join_cgroups(&p);
  /* No process in the container may open /proc/<us>/exe (this binary, on the host) before execve. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (size_t i = 0; i < nns; i++) {
    if (setns(nsfd[i], ns_flag(p.ns.v[i])) < 0) die("join %s namespace of %s: %s", p.ns.v[i], proc, errtext(errno));
    close(nsfd[i]);
  }
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) < 0) die("pipe: %s", errtext(errno));
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", errtext(errno));
  if (pid == 0) {
    close(errpipe[0]);
    err_fd = errpipe[1];
    child(&p, console, last_cap);
  }
  close(errpipe[1]);
  if (console >= 0) close(console);
  char msg[MSG_CAP];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(errpipe[0], msg + len, sizeof msg - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || (len += (size_t)n) == sizeof msg - 1) break;
  }
  msg[len] = 0;
  if (len > 0) {
    waitpid(pid, NULL, 0);
    die("exec failed: unable to start container process: %s", msg);
  }
  char pidbuf[24];
  if (report_fd >= 0) {
    int n = snprintf(pidbuf, sizeof pidbuf, "P%d", (int)pid);
    return write_all(report_fd, pidbuf, (size_t)n) < 0 ? 1 : 0;
  }
  int n = snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
  if (write(pidfd, pidbuf, (size_t)n) != n) die("write pid file %s: %s", p.pid_file, errtext(errno));
  close(pidfd);
  return 0;
}

/*
 * berth-blob-sink: moves one large upload body from a client's socket into a
 * registry upload file, hashing it on the way.
 *
 * Why a separate program: in node, a 300 MB body arrives as ~4,800 freshly
 * allocated 64 KiB buffers that the garbage collector must chase, passes
 * through the stream machinery and is written by the thread pool; on a
 * 2-core machine that costs the registry as much CPU as the client spends
 * sending it. Here one reused buffer goes read → hash → write, with
 * OpenSSL's SHA-256 (which uses the CPU's SHA extensions).
 *
 *   berth-blob-sink LENGTH ALGORITHM IDLE_MS      receive (upload)
 *   berth-blob-sink --send OFFSET LENGTH IDLE_MS  send (download)
 *
 * Receiving:
 *   fd 0  the bytes node had already read from the body (a pipe, read to EOF)
 *   fd 3  the client socket (non-blocking: shared with node, which stopped reading it)
 *   fd 4  the upload's data file, opened for appending
 *
 * It writes prefix + the next (LENGTH - prefix) socket bytes to fd 4 and
 * prints "<hex digest> <bytes written>\n" on stdout. Exit status: 0 done;
 * 3 the client closed before LENGTH bytes; 4 no byte for IDLE_MS; 2 usage;
 * 1 any other error (message on stderr). On any failure node truncates the
 * file back: a chunk is all or nothing.
 *
 * Sending: LENGTH bytes of fd 4 from OFFSET go to the socket (fd 3) by
 * sendfile(2) — page cache to socket, no copy through user space (node has
 * no sendfile). Node has written the response head already. Prints the bytes
 * sent; exit 3 when the client went away, 4 when it read nothing for IDLE_MS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (1 << 20)
#define SOCK_FD 3
#define FILE_FD 4

static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int fail(const char *what) {
  fprintf(stderr, "berth-blob-sink: %s: %s\n", what, strerror(errno));
  return 1;
}

static int send_file(int argc, char **argv) {
  if (argc != 5) return 2;
  char *end;
  off_t off = (off_t)strtoll(argv[2], &end, 10);
  if (*end != '\0') return 2;
  unsigned long long left = strtoull(argv[3], &end, 10);
  if (*end != '\0') return 2;
  int idle_ms = atoi(argv[4]);
  unsigned long long sent = 0;
  while (left > 0) {
    ssize_t n = sendfile(SOCK_FD, FILE_FD, &off, left < (1ULL << 30) ? (size_t)left : (size_t)1 << 30);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        struct pollfd p = {.fd = SOCK_FD, .events = POLLOUT};
        int r = poll(&p, 1, idle_ms);
        if (r < 0 && errno != EINTR) return fail("poll");
        if (r == 0) {
          fprintf(stderr, "berth-blob-sink: client read nothing for %d ms after %llu bytes\n", idle_ms, sent);
          return 4;
        }
        continue;
      }
      if (errno == EPIPE || errno == ECONNRESET) return 3;
      return fail("sendfile");
    }
    if (n == 0) {
      fprintf(stderr, "berth-blob-sink: file ended %llu bytes early\n", left);
      return 1;
    }
    left -= (unsigned long long)n;
    sent += (unsigned long long)n;
  }
  printf("%llu\n", sent);
  return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN); /* a client gone is EPIPE, reported as such */
  if (argc >= 2 && strcmp(argv[1], "--send") == 0) return send_file(argc, argv);
  if (argc != 4) {
    fprintf(stderr, "usage: berth-blob-sink LENGTH ALGORITHM IDLE_MS\n");
    return 2;
  }
  char *end;
  unsigned long long length = strtoull(argv[1], &end, 10);
  if (*end != '\0') return 2;
  const EVP_MD *md = EVP_get_digestbyname(argv[2]);
  if (md == NULL) {
    fprintf(stderr, "berth-blob-sink: unknown digest %s\n", argv[2]);
    return 2;
  }
  int idle_ms = atoi(argv[3]);

  unsigned char *buf = malloc(BUF_SIZE);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (buf == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, md, NULL) != 1) return fail("init");
  unsigned long long done = 0;

  /* The prefix node already took off the socket. */
  for (;;) {
    ssize_t n = read(0, buf, BUF_SIZE);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("read prefix");
    }
    if (n == 0) break;
    if (done + (unsigned long long)n > length) {
      fprintf(stderr, "berth-blob-sink: prefix longer than the body\n");
      return 1;
    }
    EVP_DigestUpdate(ctx, buf, (size_t)n);
    if (write_all(FILE_FD, buf, (size_t)n) < 0) return fail("write");
    done += (unsigned long long)n;
  }

  while (done < length) {
    unsigned long long want = length - done;
    ssize_t n = read(SOCK_FD, buf, want < BUF_SIZE ? (size_t)want : BUF_SIZE);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        struct pollfd p = {.fd = SOCK_FD, .events = POLLIN};
        int r = poll(&p, 1, idle_ms);
        if (r < 0 && errno != EINTR) return fail("poll");
        if (r == 0) {
          fprintf(stderr, "berth-blob-sink: no data for %d ms after %llu of %llu bytes\n", idle_ms, done, length);
          return 4;
        }
        continue;
      }
      if (errno == ECONNRESET) return 3;
      return fail("read socket");
    }
    if (n == 0) return 3;
    EVP_DigestUpdate(ctx, buf, (size_t)n);
    if (write_all(FILE_FD, buf, (size_t)n) < 0) return fail("write");
    done += (unsigned long long)n;
  }

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  if (EVP_DigestFinal_ex(ctx, digest, &dlen) != 1) return fail("digest");
  for (unsigned int i = 0; i < dlen; i++) printf("%02x", digest[i]);
  printf(" %llu\n", done);
  return fflush(stdout) == 0 ? 0 : 1;
}

/* Docker json-file log writing for berth-monitor; see json-log.h. */
#define _GNU_SOURCE
#include "json-log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int write_all(int fd, const char *p, size_t n) {
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

/* RFC3339Nano in UTC, trailing zeros of the fraction trimmed as Go does. */
void format_time(char out[48], const struct timespec *ts) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  size_t n = strftime(out, 48, "%Y-%m-%dT%H:%M:%S", &tm);
  if (ts->tv_nsec > 0) {
    char frac[24];
    snprintf(frac, sizeof frac, "%09ld", ts->tv_nsec);
    size_t len = 9;
    while (len > 0 && frac[len - 1] == '0') len--;
    frac[len] = 0;
    n += (size_t)snprintf(out + n, 48 - n, ".%s", frac);
  }
  snprintf(out + n, 48 - n, "Z");
}

/*
 * Compatible with Go's encoding/json (and Docker's json-file writer): control
 * chars, <, >, & as \u00XX; invalid UTF-8 bytes as \ufffd; U+2028/U+2029
 * escaped, so a log line reads back exactly as Docker's would.
 */
size_t json_escape(char *out, const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0, i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        out[o++] = '\\';
        out[o++] = (char)c;
      } else if (c == '\n') {
        out[o++] = '\\';
        out[o++] = 'n';
      } else if (c == '\r') {
        out[o++] = '\\';
        out[o++] = 'r';
      } else if (c == '\t') {
        out[o++] = '\\';
        out[o++] = 't';
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        memcpy(out + o, "\\u00", 4);
        out[o + 4] = hex[c >> 4];
        out[o + 5] = hex[c & 15];
        o += 6;
      } else {
        out[o++] = (char)c;
      }
      i++;
      continue;
    }
    /* Decode one UTF-8 sequence; reject overlongs, surrogates, > U+10FFFF. */
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if (c >= 0xc2 && c <= 0xdf) len = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) len = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) len = 4, cp = c & 0x07, min = 0x10000;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) ok = false;
      else cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      memcpy(out + o, "\\ufffd", 6);
      o += 6;
      i++;
    } else if (cp == 0x2028 || cp == 0x2029) {
      memcpy(out + o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
      o += 6;
      i += len;
    } else {
      memcpy(out + o, s + i, len);
      o += len;
      i += len;
    }
  }
  return o;
}

static void write_line(int fd, struct log_stream *ls) {
  static char rec[LOG_LINE_CAP * 6 + 128];
  char ts[48];
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  format_time(ts, &rt);
  memcpy(rec, "{\"log\":\"", 8);
  size_t n = 8 + json_escape(rec + 8, (const unsigned char *)ls->line, ls->len);
  n += (size_t)snprintf(rec + n, sizeof rec - n, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n",
                        ls->name, ts);
  write_all(fd, rec, n); /* a full disk must not stop the container: ignore */
  ls->len = 0;
}

void log_feed(int fd, struct log_stream *ls, const char *p, size_t n) {
  while (n > 0) {
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) + 1 : n;
    size_t room = LOG_LINE_CAP - ls->len;
    if (take > room) take = room;
    memcpy(ls->line + ls->len, p, take);
    ls->len += take;
    p += take;
    n -= take;
    if (ls->line[ls->len - 1] == '\n' || ls->len == LOG_LINE_CAP) write_line(fd, ls);
  }
}

void log_flush(int fd, struct log_stream *ls) {
  if (ls->len > 0) write_line(fd, ls);
}

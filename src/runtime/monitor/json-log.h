/*
 * Docker's json-file log format, as berth-monitor writes it: one JSON object
 * a line, {"log":"text\n","stream":"stdout","time":"RFC3339Nano"}. Output is
 * split on '\n' per stream; a line without a newline is written once it
 * reaches LOG_LINE_CAP bytes, or by log_flush() at exit (then "log" has no
 * trailing newline, like Docker's partial messages).
 */
#ifndef BERTH_JSON_LOG_H
#define BERTH_JSON_LOG_H

#include <stddef.h>
#include <time.h>

#define LOG_LINE_CAP (16 * 1024)

/* One output stream's partial line; name is "stdout" or "stderr". */
struct log_stream {
  const char *name;
  size_t len;
  char line[LOG_LINE_CAP];
};

/* Appends output to the stream's line and writes every completed line to fd. */
void log_feed(int fd, struct log_stream *ls, const char *p, size_t n);

/* Writes a pending partial line, if any. */
void log_flush(int fd, struct log_stream *ls);

/* JSON string body, escaped like Go's encoding/json; out must hold 6*n bytes. */
size_t json_escape(char *out, const unsigned char *s, size_t n);

/* RFC3339Nano in UTC, e.g. 2026-11-23T13:45:01.123456789Z (Go trims trailing zeros). */
void format_time(char out[48], const struct timespec *ts);

/* write(2) until done, retrying EINTR and short writes; -1 on error. */
int write_all(int fd, const char *p, size_t n);

#endif

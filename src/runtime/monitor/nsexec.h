/* `berth-monitor --nsexec PLAN`: starts a process in a running container (nsexec.c). */
#ifndef BERTH_NSEXEC_H
#define BERTH_NSEXEC_H

#include <stddef.h>

/* Runs the plan in the file at plan_path; returns the exit status (0: started). */
int nsexec_main(const char *plan_path);

/*
 * The same for a health probe (probe.c), in a child the monitor forked: the
 * plan is in memory (parsed in place, pid-file not needed) and the outcome
 * goes to report_fd as "P<pid>" or "E<message>". Returns the exit status.
 */
int nsexec_probe(char *plan, size_t len, int report_fd);

#endif

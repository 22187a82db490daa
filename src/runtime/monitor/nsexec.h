/* `berth-monitor --nsexec PLAN`: starts a process in a running container (nsexec.c). */
#ifndef BERTH_NSEXEC_H
#define BERTH_NSEXEC_H

/* Runs the plan in the file at plan_path; returns the exit status (0: started). */
int nsexec_main(const char *plan_path);

#endif

/* `berth-monitor --spawner`: the command runner berthd forks through (spawner.c). */
#ifndef BERTH_SPAWNER_H
#define BERTH_SPAWNER_H

/* Serves requests on stdin until EOF; returns the exit status. */
int spawner_main(void);

#endif

/**
 * Forwards signals the CLI receives to the container (`--sig-proxy`, on by
 * default for attached `run` and `start -a`), as docker's ForwardAllSignals.
 *
 * Lifecycle: forwardSignals() once the container exists → every proxied
 * signal becomes POST /containers/{id}/kill?signal=NAME → the returned stop()
 * when the session ends. A third SIGINT while forwarding keeps failing exits
 * the CLI (130), so a wedged daemon cannot trap the user.
 */

const PROXIED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM'];

export function forwardSignals(kill: (signal: string) => Promise<void>, onError: (err: unknown) => void): () => void {
  let failedInterrupts = 0;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of PROXIED) {
    const handler = (): void => {
      kill(sig).then(
        () => {
          if (sig === 'SIGINT') failedInterrupts = 0;
        },
        (err: unknown) => {
          onError(err);
          if (sig === 'SIGINT' && ++failedInterrupts >= 3) process.exit(130);
        },
      );
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return () => {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  };
}

/**
 * Local terminal handling for `-t` sessions: raw mode while attached, and
 * propagating the terminal size to the container's pty.
 *
 * Lifecycle: setRawTerminal() before streaming → the returned restore() when
 * the stream ends (idempotent, also registered for process exit so a crash
 * never leaves the user's shell raw); monitorTtySize() after start → its
 * stop() when done.
 */

/** [height, width] of a terminal output, or undefined when it is not a tty. */
export function terminalSize(out: NodeJS.WriteStream): [number, number] | undefined {
  if (!out.isTTY || !out.rows || !out.columns) return undefined;
  return [out.rows, out.columns];
}

/** Puts stdin in raw mode; returns an idempotent restore function. */
export function setRawTerminal(stdin: NodeJS.ReadStream): () => void {
  if (!stdin.isTTY) return () => undefined;
  stdin.setRawMode(true);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    try {
      stdin.setRawMode(false);
    } catch {
      // the terminal may already be gone (hangup); nothing to restore
    }
  };
  process.on('exit', restore);
  return restore;
}

export type ResizeFn = (height: number, width: number) => Promise<void>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the current size now (retrying briefly: the process may not have its
 * pty yet right after start, as docker's initTtySize does) and again on
 * every SIGWINCH. Returns a function that stops listening.
 */
export function monitorTtySize(out: NodeJS.WriteStream, resize: ResizeFn, onError: (err: unknown) => void): () => void {
  const send = async (): Promise<void> => {
    const size = terminalSize(out);
    if (size !== undefined) await resize(size[0], size[1]);
  };
  void (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await send();
        return;
      } catch (err) {
        if (attempt >= 10) {
          onError(err);
          return;
        }
        await sleep(10 * attempt);
      }
    }
  })();
  const onWinch = (): void => {
    send().catch(() => undefined);
  };
  process.on('SIGWINCH', onWinch);
  return () => process.off('SIGWINCH', onWinch);
}

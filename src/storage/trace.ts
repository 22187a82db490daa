/**
 * Step timings for the hot paths (start, exit, remove), printed to stderr when
 * BERTH_TRACE=1: how `bench/` figures are explained, not guessed.
 */
const enabled = process.env.BERTH_TRACE === '1';

export interface Trace {
  step(name: string): void;
  end(): void;
}

const noop: Trace = { step() {}, end() {} };

export function startTrace(label: string): Trace {
  if (!enabled) return noop;
  const t0 = performance.now();
  let last = t0;
  const parts: string[] = [];
  return {
    step(name: string) {
      const now = performance.now();
      parts.push(`${name}=${(now - last).toFixed(1)}`);
      last = now;
    },
    end() {
      process.stderr.write(`trace ${label} total=${(performance.now() - t0).toFixed(1)}ms ${parts.join(' ')}\n`);
    },
  };
}

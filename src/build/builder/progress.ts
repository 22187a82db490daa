/**
 * The `/build` response: Docker's JSON message stream, one object a line.
 * The docker CLI prints `stream` texts as they come, takes the image ID
 * from `aux`, and fails with `errorDetail`; the berth CLI does the same and
 * adds timings. With q=1 (quiet) step output is held back and only the
 * final ID is sent as a stream line, as moby does.
 */
import type { Writable } from 'node:stream';

export class BuildProgress {
  constructor(
    private readonly out: Writable,
    private readonly quiet: boolean,
  ) {}

  #send(message: object): void {
    if (!this.out.writableEnded && !this.out.destroyed) this.out.write(JSON.stringify(message) + '\r\n');
  }

  /** Step output and the builder's own lines; suppressed when quiet. */
  stream(text: string): void {
    if (!this.quiet && text !== '') this.#send({ stream: text });
  }

  /** Always sent, even when quiet (the -q answer itself). */
  result(imageId: string): void {
    this.#send({ aux: { ID: imageId } });
    if (this.quiet) this.#send({ stream: `${imageId}\n` });
  }

  error(message: string, code?: number): void {
    this.#send({ errorDetail: { ...(code !== undefined ? { code } : {}), message }, error: message });
  }
}

/** Where a build step writes its progress. */
export interface ProgressSink {
  stream(text: string): void;
}

/**
 * Progress of stages that build at the same time, printed as if they had
 * built one after the other: the first unfinished stage (in file order)
 * writes through; the others are held until every stage before them is done.
 */
export class OrderedStageOutput {
  readonly #held = new Map<number, string[]>();
  readonly #done = new Set<number>();
  #current = 0;

  constructor(
    private readonly out: ProgressSink,
    private readonly order: readonly number[],
  ) {}

  sink(stageIndex: number): ProgressSink {
    return {
      stream: (text: string) => {
        if (this.order[this.#current] === stageIndex) this.out.stream(text);
        else this.#held.set(stageIndex, [...(this.#held.get(stageIndex) ?? []), text]);
      },
    };
  }

  /** The stage has finished (or failed): let the next ones through, in order. */
  finish(stageIndex: number): void {
    this.#done.add(stageIndex);
    while (this.#current < this.order.length && this.#done.has(this.order[this.#current]!)) {
      this.#current += 1;
      const next = this.order[this.#current];
      if (next === undefined) break;
      for (const text of this.#held.get(next) ?? []) this.out.stream(text);
      this.#held.delete(next);
    }
  }

  /** After a failure: print what every stage still holds, in order. */
  flushAll(): void {
    for (const i of this.order.slice(this.#current + 1)) {
      for (const text of this.#held.get(i) ?? []) this.out.stream(text);
      this.#held.delete(i);
    }
  }
}

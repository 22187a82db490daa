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

/**
 * One layer of a pull: the blob streams from the registry into the content
 * store (hashed once, as it is written) and, at the same time, into a staged
 * snapshot where it is unpacked (images/transfer/layer-stager.ts, as `load`
 * does), so that when the last byte arrives the layer is both stored and
 * unpacked. Nothing is visible before the digest checks out: a blob that does
 * not match is dropped with its staged snapshot ("filesystem layer
 * verification failed", as Docker says).
 *
 * Progress, as moby's layer download writes it: "Downloading" with byte
 * counts, "Verifying Checksum", "Download complete". A transfer cut off by
 * the network is tried again from the start, up to three times ("Retrying in
 * N seconds"); a digest mismatch or a refusal is not.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContentStore } from '../content/content-store.js';
import { BerthError, DataLossError, InvalidArgumentError } from '../errors.js';
import type { Descriptor } from '../images/oci-types.js';
import { STAGE_HEAD, type LayerStager, type StageSink } from '../images/transfer/layer-stager.js';
import { repositoryScope } from './manifest-fetch.js';
import type { ProgressOutput } from './progress.js';
import type { RegistryClient } from './registry-client.js';

const ATTEMPTS = 3;

export interface LayerDownload {
  client: RegistryClient;
  /** Repository path in the registry ("library/busybox"). */
  path: string;
  layer: Descriptor;
  /** The layer's id in progress lines (12 hex digits of its digest). */
  id: string;
  content: ContentStore;
  stager: LayerStager;
  out: ProgressOutput;
  signal: AbortSignal;
}

export async function downloadLayer(d: LayerDownload): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await downloadOnce(d);
      return;
    } catch (err) {
      if (d.signal.aborted || attempt >= ATTEMPTS || !isTransient(err)) throw err;
      const delay = attempt;
      d.out.update(d.id, `Retrying in ${delay} second${delay === 1 ? '' : 's'}`);
      await sleep(delay * 1000, undefined, { signal: d.signal });
    }
  }
}

/** A failure of the connection rather than an answer or the content. */
function isTransient(err: unknown): boolean {
  if (err instanceof BerthError) return err.kind === 'unavailable';
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'ECONNREFUSED' || (err as Error)?.message === 'aborted';
}

async function downloadOnce(d: LayerDownload): Promise<void> {
  const { layer, id, out } = d;
  const res: IncomingMessage = await d.client.request({
    method: 'GET',
    url: `/v2/${d.path}/blobs/${layer.digest}`,
    scopes: [repositoryScope(d.path, 'pull')],
    signal: d.signal,
  });
  const writer = await d.content.writer();
  let sink: StageSink | undefined;
  let head: Buffer[] | undefined = [];
  let headLength = 0;
  let current = 0;
  // The stager decides from a whole tar header (or gzip's magic) whether to unpack as it streams.
  const openStage = async () => {
    const bytes = Buffer.concat(head!);
    head = undefined;
    sink = await d.stager.open(bytes);
    await sink?.write(bytes);
  };
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      current += chunk.length;
      if (current > layer.size) throw new DataLossError(`filesystem layer verification failed for digest ${layer.digest}: more than ${layer.size} bytes`);
      if (head !== undefined) {
        head.push(chunk);
        headLength += chunk.length;
        await writer.write(chunk);
        if (headLength >= STAGE_HEAD) await openStage();
      } else if (sink !== undefined) {
        await Promise.all([writer.write(chunk), sink.write(chunk)]);
      } else {
        await writer.write(chunk);
      }
      out.bytes(id, 'Downloading', current, layer.size);
    }
    if (head !== undefined) await openStage();
    out.update(id, 'Verifying Checksum');
    try {
      await writer.commit({ digest: layer.digest, size: layer.size });
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new DataLossError(`filesystem layer verification failed for digest ${layer.digest}`, { cause: err });
      throw err;
    }
    out.update(id, 'Download complete');
    await sink?.end(layer.digest);
  } catch (err) {
    res.destroy();
    await writer.abort();
    await sink?.abort();
    throw err;
  }
}

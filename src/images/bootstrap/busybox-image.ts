/**
 * Makes a busybox base image with no network: one layer holding the host's
 * static busybox (Debian's busybox-static), a symlink per applet, and a
 * minimal /etc. Timestamps come from the busybox binary, so the same binary
 * always gives the same layer digest and image ID.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import tarStream, { type Header as TarHeaders } from 'tar-stream';
import type { ContentStore } from '../../content/content-store.js';
import type { Digest } from '../../content/digest.js';
import { FailedPreconditionError, isErrno } from '../../errors.js';
import { runTool } from '../../host/exec-tool.js';
import type { ImageRecord } from '../image-store.js';
import type { ImageService } from '../image-service.js';
import { MediaTypes, type ImageConfig } from '../oci-types.js';

export const DEFAULT_BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

const ETC_FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
  'etc/group': 'root:x:0:\ndaemon:x:1:\ntty:x:5:\nwheel:x:10:root\nnogroup:x:65534:\n',
  'etc/shadow': 'root:*:0:0:99999:7:::\nnobody:*:0:0:99999:7:::\n',
  'etc/hostname': 'localhost\n',
  'etc/hosts': '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n',
};
const DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o555], ['root', 0o700],
  ['sys', 0o555], ['tmp', 0o1777], ['usr', 0o755], ['usr/sbin', 0o755], ['var', 0o755], ['var/spool', 0o755],
  ['var/spool/mail', 0o755], ['var/www', 0o755],
];

export async function findBusybox(candidates = DEFAULT_BUSYBOX_PATHS): Promise<string> {
  for (const p of candidates) {
    try {
      const st = await fs.stat(p);
      if (st.isFile()) return p;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  throw new FailedPreconditionError(`no static busybox found (looked at ${candidates.join(', ')}): install Debian's busybox-static`);
}

/** Builds the layer tar as a stream; the caller stores it and learns its digest. */
export async function busyboxLayer(busybox: string): Promise<Readable> {
  const st = await fs.stat(busybox);
  const mtime = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
  const applets = (await runTool(busybox, ['--list'])).split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s) && s !== 'busybox');
  const pack = tarStream.pack();
  const entry = (header: Partial<TarHeaders> & { name: string }, body?: string) =>
    new Promise<void>((resolve, reject) => pack.entry({ ...header, uid: 0, gid: 0, mtime } as TarHeaders, body ?? '', (err) => (err ? reject(err) : resolve())));

  void (async () => {
    for (const [name, mode] of DIRS) await entry({ name: `${name}/`, type: 'directory', mode });
    const body = pack.entry({ name: 'bin/busybox', type: 'file', mode: 0o755, size: st.size, uid: 0, gid: 0, mtime });
    await new Promise<void>((resolve, reject) => {
      createReadStream(busybox).on('error', reject).pipe(body).on('finish', resolve).on('error', reject);
    });
    for (const a of [...new Set(applets)].sort()) await entry({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mode: 0o777 });
    for (const [name, text] of Object.entries(ETC_FILES)) {
      await entry({ name, type: 'file', mode: name === 'etc/shadow' ? 0o640 : 0o644 }, text);
    }
    pack.finalize();
  })().catch((err: Error) => pack.destroy(err));
  return Readable.from(pack);
}

export async function bootstrapBusybox(
  images: ImageService,
  content: ContentStore,
  opts: { tag?: string; busyboxPath?: string } = {},
): Promise<ImageRecord> {
  const busybox = opts.busyboxPath ?? (await findBusybox());
  const layer = await content.ingest(await busyboxLayer(busybox));
  const created = new Date(Math.floor((await fs.stat(busybox)).mtimeMs / 1000) * 1000).toISOString();
  const version = (await runTool(busybox, ['--help']).catch(() => '')).split('\n')[0]?.trim() ?? 'busybox';
  const config: ImageConfig = {
    created,
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [layer.digest as Digest] },
    history: [
      { created, created_by: `berth image bootstrap busybox (${version})` },
      { created, created_by: 'CMD ["sh"]', empty_layer: true },
    ],
  };
  return images.create({
    config,
    layers: [{ mediaType: MediaTypes.ociLayer, digest: layer.digest, size: layer.size }],
    tags: [opts.tag ?? 'busybox:latest'],
  });
}

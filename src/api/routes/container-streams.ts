/**
 * Engine API routes that stream: attach, logs, wait, resize, and exec.
 *
 * Attach hijacks the connection first (the docker CLI waits for the 101
 * before it starts the container), then joins the client to the monitor's
 * attach socket — at once for a running container, or at start for a new one.
 */
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ConflictError, InvalidArgumentError } from '../../errors.js';
import { isRunning } from '../../containers/container.js';
import { followLog, LogWindow, readLog, type LogEntry } from '../../containers/log-reader.js';
import type { ExecConfigWire } from '../../containers/exec-service.js';
import { openAttach, resizeTty } from '../../runtime/monitor/monitor-client.js';
import { encodeFrame } from '../../runtime/monitor/stream-frames.js';
import { getTimestamp, parseUnixTimestamp } from '../../units/timestamp.js';
import { queryBool, queryInt, type HijackedStream, type Router } from '../router.js';
import type { Services } from './services.js';

/** Joins a hijacked client and a monitor connection until either side ends. */
function splice(client: HijackedStream, monitor: Socket, withStdin: boolean, settled?: Promise<unknown>): void {
  monitor.pipe(client.output, { end: false });
  // For exec, the client asks for the exit code as soon as the stream ends: record it first.
  // finished() also settles for a monitor connection that ended before we got here (no output).
  void finished(monitor, { writable: false }).then(
    () => (settled ?? Promise.resolve()).finally(() => client.close()),
    () => client.close(),
  );
  if (withStdin) {
    client.input.on('data', (d: Buffer) => monitor.write(d));
    client.input.on('end', () => monitor.end()); // half-close: the monitor closes stdin (StdinOnce)
  }
  client.input.on('close', () => {
    if (!withStdin) monitor.destroy();
  });
  client.output.on('error', () => monitor.destroy());
  // Reading the exec start body may have paused the socket; a paused stream
  // stays paused when listeners are added, so stdin (and EOF) would never come.
  client.input.resume();
}

/** A since/until query value as nanoseconds since the epoch; 0n when absent or "0" (no bound). */
function timestampNanos(value: string | null, now: Date): bigint {
  if (!value || value === '0') return 0n;
  const { seconds, nanos } = parseUnixTimestamp(getTimestamp(value, now));
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

export function containerStreamRoutes(r: Router, s: Services): void {
  r.add('POST', '/containers/:id/attach', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    const streams = { stdin: queryBool(ctx.query, 'stdin'), stdout: queryBool(ctx.query, 'stdout'), stderr: queryBool(ctx.query, 'stderr') };
    if (c.state.status === 'paused') throw new ConflictError(`You cannot attach to a paused container, unpause it first`);
    s.containers.events.emit('event', { type: 'container', action: 'attach', id: c.id });
    const type = c.config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
    const running = isRunning(c.state);
    const client = ctx.hijack(type);
    try {
      const monitor = running
        ? await openAttach(s.containers.taskPaths(c).attachSocket, streams)
        : await s.attach.waitForStart(c.id, streams, ctx.signal);
      splice(client, monitor, streams.stdin);
    } catch {
      client.close();
    }
  });

  r.add('POST', '/containers/:id/resize', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    const h = queryInt(ctx.query, 'h') ?? 0;
    const w = queryInt(ctx.query, 'w') ?? 0;
    if (!isRunning(c.state)) throw new ConflictError(`Container ${c.id} is not running`);
    await resizeTty(s.containers.taskPaths(c).attachSocket, h, w);
    s.containers.events.emit('event', { type: 'container', action: 'resize', id: c.id, height: h, width: w });
    ctx.noContent(200);
  });

  r.add('POST', '/containers/:id/wait', async (ctx) => {
    const condition = (ctx.query.get('condition') || 'not-running') as 'not-running' | 'next-exit' | 'removed';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new InvalidArgumentError(`invalid condition: "${condition}"`);
    // A missing container is a 404, answered before the 200 headers go out.
    const c = s.containers.store.get(ctx.params.id!);
    const code = s.containers.wait(c.id, condition);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
    const status = await code;
    ctx.res.end(JSON.stringify({ StatusCode: status, Error: null }) + '\n');
  });

  r.add('GET', '/containers/:id/logs', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    const q = ctx.query;
    const stdout = queryBool(q, 'stdout');
    const stderr = queryBool(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidArgumentError('You must choose at least one stream');
    const now = new Date();
    // As moby's strconv.Atoi: anything but a non-negative integer means all lines.
    const tailRaw = q.get('tail') ?? '';
    const tail = /^[+-]?\d+$/.test(tailRaw) && Number(tailRaw) >= 0 ? Number(tailRaw) : undefined;
    const query = {
      since: timestampNanos(q.get('since'), now),
      until: timestampNanos(q.get('until'), now),
      ...(tail !== undefined ? { tail } : {}),
    };
    const window = new LogWindow(query);
    const tty = !!c.config.Tty;
    const timestamps = queryBool(q, 'timestamps');
    ctx.res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    const out: Writable = ctx.res;
    // Streams are chosen last, after tail and the window, as Docker does.
    const write = (e: LogEntry) => {
      if (e.stream === 'stderr' ? !stderr : !stdout) return;
      const text = Buffer.from(timestamps ? `${e.time} ${e.log}` : e.log);
      out.write(tty ? text : encodeFrame(e.stream === 'stderr' ? 2 : 1, text));
    };
    const file = s.containers.logPath(c);
    const stopped = isRunning(c.state) ? s.containers.wait(c.id, 'next-exit') : undefined;
    const { entries, offset } = await readLog(file, query, window);
    for (const e of entries) write(e);
    if (queryBool(q, 'follow') && stopped && !window.ended) {
      await followLog(file, offset, window, write, stopped, ctx.signal);
    }
    out.end();
  });

  r.add('POST', '/containers/:id/exec', async (ctx) => {
    const body = await ctx.body<ExecConfigWire>();
    if (!body) throw new InvalidArgumentError('exec config cannot be empty');
    ctx.json(201, { Id: s.exec.create(ctx.params.id!, body) });
  });

  r.add('POST', '/exec/:id/start', async (ctx) => {
    const body = (await ctx.body<{ Detach?: boolean; Tty?: boolean }>()) ?? {};
    const session = s.exec.get(ctx.params.id!);
    if (body.Detach) {
      await s.exec.start(session.id, { detach: true, ...(body.Tty !== undefined ? { tty: body.Tty } : {}) });
      ctx.noContent(200);
      return;
    }
    const tty = body.Tty ?? !!session.config.Tty;
    // As moby: refusals are HTTP errors, then the connection is hijacked, and a
    // process that cannot start is reported in the stream (exit code 126).
    s.exec.checkStartable(session.id);
    const client = ctx.hijack(tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    let monitor: Socket | undefined;
    try {
      monitor = await s.exec.start(session.id, { detach: false, tty });
    } catch (err) {
      const text = Buffer.from(`${(err as Error).message}\r\n`);
      client.output.write(tty ? text : encodeFrame(1, text));
      client.close();
      return;
    }
    if (!monitor) {
      client.close();
      return;
    }
    splice(client, monitor, !!session.config.AttachStdin, session.exited);
  });

  r.add('POST', '/exec/:id/resize', async (ctx) => {
    const session = s.exec.get(ctx.params.id!);
    await resizeTty(session.paths.attachSocket, queryInt(ctx.query, 'h') ?? 0, queryInt(ctx.query, 'w') ?? 0);
    ctx.noContent(200);
  });

  r.add('GET', '/exec/:id/json', async (ctx) => {
    ctx.json(200, s.exec.inspect(ctx.params.id!));
  });
}

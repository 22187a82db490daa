/**
 * The network verbs end to end through both CLIs — network create, ls,
 * inspect, rm, prune, connect and disconnect — against a real berthd,
 * checked against what Docker prints (docker/cli network formatter and
 * commands, moby's network routes and errors): table columns and order,
 * filters, Go-typed inspect templates, per-name rm errors, the prune prompt,
 * and the errors users see.
 *
 * Every network and container a test makes is removed in t.after through the
 * API (not the CLI under test), so a failing assertion leaves no bridge or
 * iptables rule behind; the file's last hook sweeps whatever is left.
 * Subnets come from 10.231.0.0/16, which nothing else here uses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const ID12 = /^[0-9a-f]{12}$/;
const ID64 = /^[0-9a-f]{64}$/;
const PREDEFINED = ['bridge', 'host', 'none'];

/** Table rows as cells: tabwriter pads columns with at least three spaces. */
function table(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.trimEnd().split(/ {2,}/));
}

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

/** docker 28 ends a failed `network rm` with "exit status 1" (docker 27 and berth do not): compare without it. */
const withoutExitStatus = (stderr: string): string => stderr.replace(/exit status 1\n$/, '');

for (const which of cliUnderTest) describe(`network verbs (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  /** Runs a command that must succeed; returns stdout. */
  const ok = (args: string[], input?: string): string => {
    const r = cli(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `${which} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const names = (args: string[] = []): string[] => lines(ok(['network', 'ls', '--format', '{{.Name}}', ...args]));

  /** What a test made, removed through the API after it (containers first: they hold endpoints). */
  function ledger(t: TestContext): { net: (name: string) => string; ctr: (name: string) => string } {
    const nets: string[] = [];
    const ctrs: string[] = [];
    t.after(async () => {
      for (const c of ctrs) await d.api('DELETE', `/containers/${c}?force=1`);
      for (const n of nets) await d.api('DELETE', `/networks/${n}`);
    });
    return {
      net: (name) => (nets.push(name), name),
      ctr: (name) => (ctrs.push(name), name),
    };
  }

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    if (d === undefined) return;
    // Anything a failed test left: custom networks go through the daemon, so their bridges and rules go too.
    const list = await d.api('GET', '/networks').catch(() => undefined);
    for (const n of Array.isArray(list?.body) ? (list.body as Array<{ Name: string }>) : []) {
      if (!PREDEFINED.includes(n.Name)) await d.api('DELETE', `/networks/${n.Name}`).catch(() => undefined);
    }
    await d.cleanup();
  });

  describe('network create and ls', () => {
    it('prints the new ID, and ls shows NETWORK ID NAME DRIVER SCOPE sorted by name, the predefined networks included', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', own.net('front')]).trim();
      assert.match(id, ID64);
      const rows = table(ok(['network', 'ls']));
      assert.deepEqual(rows[0], ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE']);
      assert.deepEqual(rows.find((r) => r[1] === 'front'), [id.slice(0, 12), 'front', 'bridge', 'local']);
      assert.deepEqual(rows.find((r) => r[1] === 'bridge')!.slice(2), ['bridge', 'local']);
      assert.deepEqual(rows.find((r) => r[1] === 'host')!.slice(2), ['host', 'local']);
      assert.deepEqual(rows.find((r) => r[1] === 'none')!.slice(2), ['null', 'local']);
      for (const r of rows.slice(1)) assert.match(r[0]!, ID12);
      // Natural order: net9 before net10, both after bridge.
      ok(['network', 'create', own.net('net10')]);
      ok(['network', 'create', own.net('net9')]);
      assert.deepEqual(names(), ['bridge', 'front', 'host', 'net9', 'net10', 'none']);
      // `list` is an alias; -q prints IDs, --no-trunc full ones.
      assert.ok(lines(ok(['network', 'list', '-q'])).includes(id.slice(0, 12)));
      assert.ok(lines(ok(['network', 'ls', '-q', '--no-trunc'])).includes(id));
      assert.equal(table(ok(['network', 'ls', '--no-trunc', '-f', 'name=front']))[1]![0], id);
    });

    it('stores every create flag, as inspect shows', (t) => {
      const own = ledger(t);
      const id = ok([
        'network', 'create', '-d', 'bridge', '--subnet', '10.231.1.0/24', '--gateway', '10.231.1.254', '--ip-range', '10.231.1.128/25',
        '--internal', '--attachable', '--label', 'tier=front', '--label', 'flag', '-o', 'com.example.opt=1', own.net('full'),
      ]).trim();
      const [n] = JSON.parse(ok(['network', 'inspect', 'full'])) as Record<string, any>[];
      assert.deepEqual(Object.keys(n!), [
        'Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels',
      ]);
      assert.equal(n!['Name'], 'full');
      assert.equal(n!['Id'], id);
      assert.ok(Math.abs(Date.parse(n!['Created']) - Date.now()) < 120_000, n!['Created']);
      assert.equal(n!['Scope'], 'local');
      assert.equal(n!['Driver'], 'bridge');
      assert.equal(n!['EnableIPv6'], false);
      assert.equal(n!['IPAM'].Driver, 'default');
      assert.deepEqual(n!['IPAM'].Config, [{ Subnet: '10.231.1.0/24', IPRange: '10.231.1.128/25', Gateway: '10.231.1.254' }]);
      assert.deepEqual([n!['Internal'], n!['Attachable'], n!['Ingress'], n!['ConfigOnly']], [true, true, false, false]);
      assert.deepEqual(n!['ConfigFrom'], { Network: '' });
      assert.deepEqual(n!['Containers'], {});
      assert.equal(n!['Options']['com.example.opt'], '1');
      assert.deepEqual(n!['Labels'], { flag: '', tier: 'front' });
    });

    it('gives a network without --subnet a pool of its own, with a gateway', (t) => {
      const own = ledger(t);
      ok(['network', 'create', own.net('auto1')]);
      ok(['network', 'create', own.net('auto2')]);
      const pool = (name: string): string[] => ok(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}', name]).trim().split(' ');
      const [s1, g1] = pool('auto1');
      const [s2, g2] = pool('auto2');
      assert.match(s1!, /^\d+\.\d+\.\d+\.\d+\/\d+$/);
      assert.match(g1!, /^\d+\.\d+\.\d+\.\d+$/);
      assert.notEqual(s1, s2);
      assert.notEqual(g1, g2);
    });

    it('filters by name, id, driver, label, scope, type and dangling', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', '--label', 'tier=front', '--label', 'solo', own.net('web-a')]).trim();
      ok(['network', 'create', '--label', 'tier=back', own.net('web-b')]);
      ok(['network', 'create', own.net('db')]);
      const shown = (...filters: string[]): string[] => names(filters.flatMap((f) => ['-f', f]));
      assert.deepEqual(shown('name=web'), ['web-a', 'web-b']);
      assert.deepEqual(shown('name=web-a', 'name=db'), ['db', 'web-a'], 'the same key twice is an OR');
      assert.deepEqual(shown(`id=${id.slice(0, 10)}`), ['web-a']);
      assert.deepEqual(shown('label=tier'), ['web-a', 'web-b']);
      assert.deepEqual(shown('label=tier=back'), ['web-b']);
      assert.deepEqual(shown('label=tier', 'label=solo'), ['web-a'], 'labels must all match');
      assert.deepEqual(shown('driver=null'), ['none']);
      assert.deepEqual(shown('driver=bridge'), ['bridge', 'db', 'web-a', 'web-b']);
      assert.deepEqual(shown('scope=local'), ['bridge', 'db', 'host', 'none', 'web-a', 'web-b']);
      assert.deepEqual(shown('type=builtin'), ['bridge', 'host', 'none']);
      assert.deepEqual(shown('type=custom'), ['db', 'web-a', 'web-b']);
      assert.deepEqual(shown('dangling=true'), ['db', 'web-a', 'web-b']);
      assert.deepEqual(shown('dangling=false'), ['bridge', 'host', 'none']);
    });

    it('renders --format templates, json rows and custom tables', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', '--internal', '--label', 'k=v', own.net('fmt')]).trim();
      assert.equal(
        ok(['network', 'ls', '-f', 'name=fmt', '--format', '{{.ID}} {{.Name}} {{.Driver}} {{.Scope}} {{.IPv6}} {{.Internal}} {{.Label "k"}} {{.Labels}}']),
        `${id.slice(0, 12)} fmt bridge local false true v k=v\n`,
      );
      const row = JSON.parse(ok(['network', 'ls', '-f', 'name=fmt', '--format', '{{json .}}'])) as Record<string, string>;
      assert.deepEqual(Object.keys(row), ['CreatedAt', 'Driver', 'ID', 'IPv4', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope']);
      assert.match(row['CreatedAt']!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \S+$/);
      assert.equal(ok(['network', 'ls', '-f', 'name=fmt', '--format', 'json']), ok(['network', 'ls', '-f', 'name=fmt', '--format', '{{json .}}']));
      assert.equal(ok(['network', 'ls', '-f', 'name=fmt', '--format', 'table {{.Name}}\t{{.Internal}}']), 'NAME      INTERNAL\nfmt       true\n');
      assert.equal(ok(['network', 'ls', '-f', 'name=fmt', '--format', 'raw']), `network_id: ${id.slice(0, 12)}\nname: fmt\ndriver: bridge\nscope: local\n\n`);
    });

    it('refuses what docker refuses, with its words', (t) => {
      const own = ledger(t);
      ok(['network', 'create', '--subnet', '10.231.2.0/24', own.net('taken')]);
      // None of these may come to exist; if one does, it still goes after the test.
      for (const n of ['overlap', 'x', 'v6']) own.net(n);
      const cases: Array<[string[], number, string | RegExp]> = [
        [['network', 'create', 'taken'], 1, 'Error response from daemon: network with name taken already exists\n'],
        [['network', 'create', 'bridge'], 1, 'Error response from daemon: operation is not permitted on predefined bridge network\n'],
        [['network', 'create', '--subnet', '10.231.2.0/25', 'overlap'], 1, /^Error response from daemon: .*Pool overlaps with other one on this address space/],
        [['network', 'create', '-d', 'nope', 'x'], 1, 'Error response from daemon: plugin "nope" not found\n'],
        [['network', 'create', '--subnet', '10.231.3.0/24', '--gateway', '10.231.4.1', 'x'], 1, 'no matching subnet for gateway 10.231.4.1\n'],
        [['network', 'create', '--gateway', '10.231.4.1', 'x'], 1, 'every ip-range or gateway must have a corresponding subnet\n'],
        [['network', 'create', '--ipv6', 'v6'], 1, /^Error response from daemon: /],
        [['network', 'create', '--label', '=v', 'x'], 125, /^invalid argument "=v" for "--label" flag: invalid label '=v': empty name\n\nUsage: {2}\w+ network create \[OPTIONS\] NETWORK\n/],
        [['network', 'create'], 1, /^\w+: '\w+ network create' requires 1 argument\n/],
        [['network', 'ls', '-f', 'colour=red'], 1, "Error response from daemon: invalid filter 'colour'\n"],
        [['network', 'ls', '-f', 'dangling=maybe'], 1, 'Error response from daemon: invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")\n'],
        [['network', 'ls', '-f', 'type=nope'], 1, "Error response from daemon: invalid filter: 'type'='nope'\n"],
      ];
      for (const [args, code, stderr] of cases) {
        const r = cli(args);
        assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
        if (typeof stderr === 'string') assert.equal(r.stderr, stderr, args.join(' '));
        else assert.match(r.stderr, stderr, args.join(' '));
        assert.equal(r.stdout, '', args.join(' '));
      }
      assert.deepEqual(names(['-f', 'type=custom']), ['taken']);
    });
  });

  describe('network inspect', () => {
    it('prints an indented JSON array; missing networks are reported after the others (exit 1)', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', own.net('insp')]).trim();
      const r = cli(['network', 'inspect', 'insp', 'nope', id.slice(0, 12)]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'Error response from daemon: network nope not found\n');
      assert.match(r.stdout, /^\[\n {4}\{\n {8}"Name": "insp",\n/);
      const found = JSON.parse(r.stdout) as Array<{ Id: string }>;
      assert.deepEqual(found.map((n) => n.Id), [id, id]);
      const none = cli(['network', 'inspect', 'nope']);
      assert.deepEqual([none.code, none.stdout, none.stderr], [1, '[]\n', 'Error response from daemon: network nope not found\n']);
      const empty = cli(['network', 'inspect', ' ']);
      assert.deepEqual([empty.code, empty.stderr], [1, 'invalid network name or ID: value is empty\n']);
    });

    it('runs -f templates on the Go-typed network, falling back to the raw JSON', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', '--subnet', '10.231.5.0/24', '--gateway', '10.231.5.1', '--label', 'a=1', own.net('tmpl')]).trim();
      const f = (tmpl: string, ...refs: string[]): RunResult => cli(['network', 'inspect', '-f', tmpl, ...(refs.length ? refs : ['tmpl'])]);
      assert.equal(f('{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}} {{.Labels}} {{.ConfigFrom}} {{.Containers}}').stdout, 'tmpl bridge local false map[a:1] {} map[]\n');
      assert.equal(f('{{.IPAM.Config}}').stdout, '[{10.231.5.0/24  10.231.5.1 map[]}]\n');
      assert.equal(f('{{json .IPAM.Config}}').stdout, '[{"Subnet":"10.231.5.0/24","Gateway":"10.231.5.1"}]\n');
      assert.match(f('{{.Created}}').stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \S+\n$/);
      // .ID is the Go field; .Id only the raw JSON's key, which docker tries second.
      assert.equal(f('{{.ID}}').stdout, `${id}\n`);
      assert.equal(f('{{.Id}}').stdout, `${id}\n`);
      const both = f('{{.Id}} {{.ID}}');
      assert.deepEqual([both.code, both.stderr], [1, 'template parsing error: template: :1:10: executing "" at <.ID>: map has no entry for key "ID"\n']);
      const missing = f('{{.Nope}}');
      assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '\n', 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\n']);
      const unparsable = f('{{.Name');
      assert.deepEqual([unparsable.code, unparsable.stderr], [64, 'template parsing error: template: :1: unclosed action\n']);
      const some = f('{{.Name}}', 'tmpl', 'nope', 'bridge');
      assert.deepEqual([some.code, some.stdout, some.stderr], [1, 'tmpl\nbridge\n', 'Error response from daemon: network nope not found\n']);
    });
  });

  describe('network rm', () => {
    it('prints each network removed, reports each failure and exits 1', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', own.net('rm-a')]).trim();
      ok(['network', 'create', own.net('rm-b')]);
      ok(['network', 'create', own.net('rm-c')]);
      const r = cli(['network', 'rm', 'rm-a', 'nope', 'bridge', 'rm-b']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'rm-a\nrm-b\n');
      assert.equal(
        withoutExitStatus(r.stderr),
        'Error response from daemon: network nope not found\nError response from daemon: bridge is a pre-defined network and cannot be removed\n',
      );
      assert.ok(!names().includes('rm-a') && !names().includes('rm-b'));
      assert.ok(lines(ok(['network', 'ls', '-q', '--no-trunc'])).every((x) => x !== id));
      // The name given is what is printed: here, an ID prefix.
      const cId = ok(['network', 'inspect', '-f', '{{.ID}}', 'rm-c']).trim();
      assert.equal(ok(['network', 'remove', cId.slice(0, 12)]), `${cId.slice(0, 12)}\n`);
      // -f: a missing network is no error.
      const forced = cli(['network', 'rm', '-f', 'nope']);
      assert.deepEqual([forced.code, forced.stdout, withoutExitStatus(forced.stderr)], [0, '', '']);
      const none = cli(['network', 'rm']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /^\w+: '\w+ network rm' requires at least 1 argument\n/);
    });

    it('refuses a network a container uses', (t) => {
      const own = ledger(t);
      const id = ok(['network', 'create', '--subnet', '10.231.6.0/24', own.net('busy')]).trim();
      ok(['run', '-d', '--name', own.ctr('busy-ctr'), '--network', 'busy', 'busybox', 'sleep', '300']);
      const r = cli(['network', 'rm', 'busy']);
      assert.equal(r.code, 1);
      assert.equal(withoutExitStatus(r.stderr), `Error response from daemon: error while removing network: network busy id ${id} has active endpoints\n`);
      assert.ok(names().includes('busy'));
    });
  });

  describe('network prune', () => {
    const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';

    it('asks first, and keeps everything unless the answer is y', (t) => {
      const own = ledger(t);
      ok(['network', 'create', own.net('keep-me')]);
      assert.equal(ok(['network', 'prune'], 'n\n'), WARNING);
      assert.equal(ok(['network', 'prune']), WARNING, 'no answer is a no');
      assert.ok(names().includes('keep-me'));
    });

    it('removes unused custom networks only, honouring label filters, and lists them', (t) => {
      const own = ledger(t);
      ok(['network', 'create', '--label', 'keep', own.net('p-labelled')]);
      ok(['network', 'create', own.net('p-plain')]);
      ok(['network', 'create', '--subnet', '10.231.7.0/24', own.net('p-used')]);
      ok(['run', '-d', '--name', own.ctr('p-ctr'), '--network', 'p-used', 'busybox', 'sleep', '300']);
      // until=1h: only networks older than an hour, so none.
      assert.equal(ok(['network', 'prune', '-f', '--filter', 'until=1h']), '');
      assert.equal(ok(['network', 'prune', '-f', '--filter', 'label!=keep']), 'Deleted Networks:\np-plain\n\n');
      assert.equal(ok(['network', 'prune', '--filter', 'label=keep'], 'y\n'), `${WARNING}Deleted Networks:\np-labelled\n\n`);
      assert.equal(ok(['network', 'prune', '-f']), '', 'p-used is in use; predefined networks are never pruned');
      assert.deepEqual(names(), ['bridge', 'host', 'none', 'p-used']);
      const bad = cli(['network', 'prune', '-f', '--filter', 'colour=red']);
      assert.deepEqual([bad.code, bad.stderr], [1, "Error response from daemon: invalid filter 'colour'\n"]);
    });
  });

  describe('network connect and disconnect', () => {
    it('attaches a running container with an address and an alias, then detaches it', (t) => {
      const own = ledger(t);
      ok(['network', 'create', '--subnet', '10.231.8.0/24', own.net('join')]);
      ok(['run', '-d', '--name', own.ctr('joiner'), 'busybox', 'sleep', '300']);
      assert.equal(ok(['network', 'connect', '--alias', 'svc', '--ip', '10.231.8.50', 'join', 'joiner']), '');
      const members = (): string => ok(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'join']);
      assert.equal(members(), 'joiner 10.231.8.50/24\n');
      const settings = JSON.parse(ok(['inspect', '-f', '{{json .NetworkSettings.Networks.join}}', 'joiner'])) as { IPAddress: string; Aliases: string[] | null };
      assert.equal(settings.IPAddress, '10.231.8.50');
      assert.ok(settings.Aliases?.includes('svc'), JSON.stringify(settings));
      // The container sees its new interface.
      assert.match(ok(['exec', 'joiner', 'ip', '-4', 'addr']), /inet 10\.231\.8\.50\/24/);
      assert.equal(ok(['network', 'disconnect', 'join', 'joiner']), '');
      assert.equal(members(), '\n');
      const missing = cli(['network', 'connect', 'nope', 'joiner']);
      assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: network nope not found\n']);
      const few = cli(['network', 'disconnect', 'join']);
      assert.equal(few.code, 1);
      assert.match(few.stderr, /^\w+: '\w+ network disconnect' requires 2 arguments\n/);
    });
  });
});

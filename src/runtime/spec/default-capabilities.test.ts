import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import {
  DEFAULT_CAPABILITIES,
  KNOWN_CAPABILITIES,
  capabilitiesFromMask,
  capabilityMask,
  tweakCapabilities,
} from './default-capabilities.js';

const ALL = [...KNOWN_CAPABILITIES];

describe('tweakCapabilities', () => {
  it('keeps the defaults when nothing is added or dropped', () => {
    assert.deepEqual(tweakCapabilities([], [], false, ALL), DEFAULT_CAPABILITIES);
  });

  it('accepts names with or without CAP_ and in any case', () => {
    const caps = tweakCapabilities(['NET_ADMIN', 'cap_sys_ptrace', 'Sys_Time'], ['chown', 'CAP_KILL'], false, ALL);
    assert.ok(caps.includes('CAP_NET_ADMIN') && caps.includes('CAP_SYS_PTRACE') && caps.includes('CAP_SYS_TIME'));
    assert.ok(!caps.includes('CAP_CHOWN') && !caps.includes('CAP_KILL'));
    assert.equal(caps.length, DEFAULT_CAPABILITIES.length - 2 + 3);
  });

  it('drops ALL and keeps only what is added', () => {
    assert.deepEqual(tweakCapabilities(['NET_BIND_SERVICE'], ['ALL'], false, ALL), ['CAP_NET_BIND_SERVICE']);
    assert.deepEqual(tweakCapabilities([], ['all'], false, ALL), []);
  });

  it('adds ALL minus what is dropped', () => {
    const caps = tweakCapabilities(['ALL'], ['SYS_ADMIN'], false, ALL);
    assert.equal(caps.length, ALL.length - 1);
    assert.ok(!caps.includes('CAP_SYS_ADMIN'));
  });

  it('gives a privileged container every capability the daemon holds, ignoring add/drop', () => {
    const held = ALL.filter((c) => c !== 'CAP_SYS_RESOURCE');
    assert.deepEqual(tweakCapabilities([], ['ALL'], true, held), held);
  });

  it("rejects unknown capabilities with Docker's message", () => {
    assert.throws(
      () => tweakCapabilities(['FOO'], [], false, ALL),
      (e: unknown) => e instanceof InvalidArgumentError && e.message === 'unknown capability: "CAP_FOO"',
    );
    assert.throws(() => tweakCapabilities([], ['CAP_BAR'], false, ALL), { message: 'unknown capability: "CAP_BAR"' });
  });

  it('rejects a known capability the daemon itself does not hold', () => {
    const held = ALL.filter((c) => c !== 'CAP_SYS_RESOURCE');
    assert.throws(() => tweakCapabilities(['SYS_RESOURCE'], [], false, held), {
      message: 'capability not supported by your kernel or not available in the current environment: "CAP_SYS_RESOURCE"',
    });
  });
});

describe('capability masks', () => {
  it("encodes Docker's default set as the well-known CapEff a80425fb", () => {
    assert.equal(capabilityMask(DEFAULT_CAPABILITIES), '00000000a80425fb');
  });

  it('decodes a /proc status mask back to names', () => {
    assert.deepEqual(capabilitiesFromMask('00000000a80425fb').sort(), [...DEFAULT_CAPABILITIES].sort());
    assert.equal(capabilitiesFromMask('000001ffffffffff').length, 41);
  });
});

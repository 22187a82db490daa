import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorKind } from '../errors.js';
import { normalizeReference } from '../reference/reference.js';
import { errcodeText, pullError, RegistryError } from './registry-errors.js';

const err = (status: number, code: string, message: string) => new RegistryError(status, [{ code, message }], errcodeText({ code, message }));

describe('registry errors', () => {
  it("read as distribution's errcode: the code in words, then the message", () => {
    assert.equal(errcodeText({ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }), 'manifest unknown: manifest unknown');
    assert.equal(errcodeText({ code: 'DENIED' }), 'denied');
  });

  it('take their kind from the HTTP status', () => {
    assert.equal(errorKind(err(404, 'BLOB_UNKNOWN', 'blob unknown')), 'not_found');
    assert.equal(errorKind(err(401, 'UNAUTHORIZED', 'authentication required')), 'unauthenticated');
    assert.equal(errorKind(err(403, 'DENIED', 'no')), 'permission_denied');
    assert.equal(errorKind(err(503, 'UNAVAILABLE', 'later')), 'unavailable');
  });

  it("word a failed pull as moby's translatePullError does", () => {
    const ref = normalizeReference('127.0.0.1:5000/team/app:v1');
    assert.equal(
      (pullError(err(404, 'MANIFEST_UNKNOWN', 'manifest unknown'), ref) as Error).message,
      'manifest for 127.0.0.1:5000/team/app:v1 not found: manifest unknown: manifest unknown',
    );
    assert.equal(
      (pullError(err(404, 'NAME_UNKNOWN', 'repository name not known to registry'), ref) as Error).message,
      'repository 127.0.0.1:5000/team/app not found: name unknown: repository name not known to registry',
    );
    const denied = pullError(err(403, 'DENIED', 'requested access to the resource is denied'), normalizeReference('nosuch'));
    assert.equal((denied as Error).message, "pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
    assert.equal(errorKind(denied), 'not_found');
    assert.equal(errorKind(pullError(err(401, 'UNAUTHORIZED', 'authentication required'), ref)), 'unauthenticated');
  });
});

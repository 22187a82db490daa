import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectToYaml } from './serialize.js';
import type { ComposeProject } from './types.js';

const project: ComposeProject = {
  name: 'demo',
  workingDir: '/srv/demo',
  configFiles: ['/srv/demo/compose.yaml'],
  services: {
    web: { name: 'web', image: 'busybox', ports: [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }], environment: { A: '1', U: null } },
    db: { name: 'db', image: 'busybox', networks: { back: { aliases: ['database'] } } },
  },
  disabledServices: {},
  networks: { default: { name: 'demo_default' }, back: { name: 'demo_back' } },
  volumes: { data: { name: 'demo_data' } },
  environment: {},
  profiles: [],
};

describe('config output', () => {
  it('prints the resolved model as compose config does', () => {
    const text = projectToYaml(project);
    assert.deepEqual(parse(text), {
      name: 'demo',
      services: {
        db: { image: 'busybox', networks: { back: { aliases: ['database'] } } },
        web: {
          environment: { A: '1', U: null },
          image: 'busybox',
          networks: { default: null },
          ports: [{ mode: 'ingress', protocol: 'tcp', published: '8080', target: 80 }],
        },
      },
      networks: { back: { name: 'demo_back' }, default: { name: 'demo_default' } },
      volumes: { data: { name: 'demo_data' } },
    });
    assert.match(text, /^name: demo\nservices:\n  db:\n/);
    assert.match(text, /published: "8080"/);
  });
});

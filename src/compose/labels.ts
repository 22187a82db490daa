/**
 * The `com.docker.compose.*` labels: how a project's containers, networks
 * and volumes are found again on the engine (there is no other record of a
 * project), and what `docker compose` and `docker-compose` 1.29 read to
 * recognise them.
 */
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  image: 'com.docker.compose.image',
  dependsOn: 'com.docker.compose.depends_on',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  environmentFile: 'com.docker.compose.project.environment_file',
  version: 'com.docker.compose.version',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  replace: 'com.docker.compose.replace',
} as const;

/**
 * The compose version the labels claim. Tools that read the label expect a
 * compose release number; this is the `docker compose` behaviour Berth follows.
 */
export const COMPOSE_VERSION = '2.29.0';

/** The label filter that selects one project's objects. */
export function projectFilter(project: string): { label: string[] } {
  return { label: [`${LABEL.project}=${project}`] };
}

/** The engine name of a service replica: `<project>-<service>-<n>` (compose v2). */
export function containerName(project: string, service: string, number: number): string {
  return `${project}-${service}-${number}`;
}

/** The image a service without `image:` is built as: `<project>-<service>`. */
export function defaultImageName(project: string, service: string): string {
  return `${project}-${service}`;
}

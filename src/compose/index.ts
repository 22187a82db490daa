/**
 * Compose: multi-container projects from compose files, driven through the
 * Engine API from the client side (as docker's compose plugin is).
 *
 * The path of `berth compose up -d`, in order:
 *   src/cmd/berth.ts                         `compose` → the compose commands alone
 *                                            (src/cli/commands/compose/compose.ts buildComposeProgram)
 *   src/cli/commands/compose/up.ts          flags → UpOptions
 *   src/cli/commands/compose/compose-cli.ts  project flags → loadProject(); the ComposeBackend
 *   loader.ts                                files → ComposeProject (yaml-file, interpolate, dotenv,
 *                                            schema, service-shape, extends, merge, normalize-service,
 *                                            top-level, dependency-graph)
 *   converge.ts                              images, networks/volumes (project-resources), services in
 *                                            dependency order (dependency-graph, dependency-wait),
 *                                            replicas reconciled by config hash (config-hash,
 *                                            project-containers — listed once — container-spec,
 *                                            labels); `restart: true` dependents of a recreated
 *                                            service restarted
 *
 * `down` is down.ts; start/stop/restart/pause/unpause/kill/rm are service-ops.ts;
 * `config` prints serialize.ts's view of the model.
 */
export type { ComposeBackend, ImageProvider, Progress } from './backend.js';
export { serviceConfigHash } from './config-hash.js';
export { createBody, replicaName, serviceImage } from './container-spec.js';
export { ensureImages, findOrphans, selectServices, up, wantedReplicas, type UpOptions } from './converge.js';
export { dependencyOrder, findCycle, inDependencyOrder, validateDependencies, withDependencies } from './dependency-graph.js';
export { down, type DownOptions } from './down.js';
export { COMPOSE_VERSION, LABEL } from './labels.js';
export { loadProject, type LoadResult } from './loader.js';
export { listProjectContainers, listProjects, type ProjectContainer } from './project-containers.js';
export { projectToJson, projectToYaml } from './serialize.js';
export * from './service-ops.js';
export type * from './types.js';

/**
 * OCI runtime spec generation: `validateResources` at create time,
 * `buildContainerSpec` at start (→ bundle config.json, written with
 * `specToJson`), `buildExecProcess` for each exec (→ process.json).
 */
export { buildContainerSpec, specToJson, OCI_VERSION, INIT_PATH_IN_CONTAINER, DEFAULT_INIT_BINARY } from './spec-builder.js';
export { buildExecProcess, containerEnv, replaceOrAppendEnv, DEFAULT_PATH_ENV, type ExecProcessOptions } from './process-spec.js';
export { validateResources, type ValidationInput } from './validate.js';
export { hostFacts, detectHostFacts, type HostFacts } from './host-facts.js';
export { DEFAULT_CAPABILITIES, tweakCapabilities, capabilityMask, capabilitiesFromMask } from './default-capabilities.js';
export type * from './types.js';

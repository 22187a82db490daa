/**
 * What the compose engine code drives, handed in by the CLI: the Engine
 * API client, how images are built and pulled (the CLI owns build contexts
 * and registry credentials), and where progress lines go.
 *
 * Lifecycle: the CLI builds one ComposeBackend per command; up/down/… use
 * it and never close the client (the CLI does, once).
 */
import type { EngineClient } from '../cli/client.js';
import type { ComposeProject, ServiceConfig } from './types.js';

export interface ImageProvider {
  /** Builds `service`'s image from its `build:` section and tags it `tag`. */
  build(project: ComposeProject, service: ServiceConfig, tag: string): Promise<void>;
  /** Pulls `image` from its registry. */
  pull(image: string): Promise<void>;
}

/** One progress event: "Container demo-web-1" "Started". */
export type Progress = (resource: string, status: string) => void;

export interface ComposeBackend {
  client: EngineClient;
  images: ImageProvider;
  progress: Progress;
  /** Non-fatal notices (orphans found, …). */
  warn: (message: string) => void;
}

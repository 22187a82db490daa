/**
 * Berth's layer explainer: GET /berth/images/{name}/layers answers an
 * image's history entries, oldest first, each with its layer's size and the
 * files it added, changed and deleted (src/images/layer-files.ts). Docker
 * has no such endpoint, so it lives under /berth/ like bootstrap; a
 * "/v1.xx" prefix is accepted too, as for every route.
 */
import { imageLayers } from '../../images/layer-files.js';
import type { Router } from '../router.js';
import type { Services } from './services.js';

/** Image names contain slashes and colons: match greedily up to the verb (as images.ts NAMED). */
const LAYERS = /^\/berth\/images\/(?<name>.+)\/layers$/;

export function layerRoutes(r: Router, s: Services): void {
  r.add('GET', LAYERS, async (ctx) => {
    // An unknown image is NotFoundError "No such image: x" from the image store: 404.
    ctx.json(200, await imageLayers({ images: s.images, snapshotter: s.snapshotter }, ctx.params.name!));
  });
}

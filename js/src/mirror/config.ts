/** A client's mirror options (`mirrorName`, `mirrors`) as the config its calls carry. */
import { DormError } from "../errors.js";
import type { DOConfig } from "../types.js";
import type { MirrorConfig, MirrorTarget } from "./types.js";

/**
 * The mirrors of database `self`, or undefined when it has none.
 *
 * @example
 * mirrorConfig("tenant:1", { mirrorName: "aggregate" }) // { self: "tenant:1", targets: [{ name: "aggregate" }] }
 */
export function mirrorConfig(self: string, doConfig: DOConfig): MirrorConfig | undefined {
  const targets: MirrorTarget[] = [];
  if (doConfig.mirrorName !== undefined) {
    targets.push(doConfig.mirrorLocationHint ? { name: doConfig.mirrorName, locationHint: doConfig.mirrorLocationHint } : { name: doConfig.mirrorName });
  }
  if (doConfig.mirrors !== undefined) {
    if (!Array.isArray(doConfig.mirrors)) throw new DormError("INVALID_ARGUMENT", 400, "mirrors must be an array of { name, locationHint? }");
    for (const target of doConfig.mirrors) {
      if (!targets.some((t) => t.name === target?.name)) targets.push({ ...target });
    }
  }
  return targets.length > 0 ? { self, targets } : undefined;
}

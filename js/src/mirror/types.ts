/** The public and wire types of mirroring. */

/** One mirror of a database: another database (by name) that receives every write. */
export interface MirrorTarget {
  /** The mirror database's name, as given to `createClient` (no version prefix is added). */
  name: string;
  /** Where to create the mirror's Durable Object the first time. */
  locationHint?: DurableObjectLocationHint;
  /** The column of the mirror's tables that names the source database (default `_dorm_source`). */
  sourceColumn?: string;
  /**
   * The `env` binding of the mirror's Durable Object namespace, when the mirror lives in another
   * namespace than its source (default: the source's own namespace).
   */
  binding?: string;
}

/** What a client sends with its calls when mirrors are configured. */
export interface MirrorConfig {
  /** The source database's own name (the tag its rows carry in mirrors). */
  self: string;
  targets: MirrorTarget[];
}

/** What a change does: upsert a row image, delete by key, clear the source's rows, or a new shape. */
export type ChangeOp = "U" | "D" | "C" | "S";

/** One change of the outbox: `[seq, shape id, op, image or key as JSON text]`. */
export type Change = [seq: number, shape: number, op: ChangeOp, row: string | null];

/** What a source sends to a mirror's `applyChanges`. */
export interface Delivery {
  /** The source database's name. */
  source: string;
  sourceColumn: string;
  /** The last sequence number the source believes the mirror has applied. */
  after: number;
  /**
   * Start over (a token, else null): drop the source's rows in every mirror table, then apply
   * (a snapshot follows). A retry carries the same token and is not a new start.
   */
  reset: string | null;
  changes: Change[];
  /** The shapes (JSON text) of the shape ids the changes use. */
  shapes: Record<string, string>;
}

/** A mirror's answer to a delivery. */
export interface DeliveryResult {
  /** True when applied (or applied before); false with `error`, or when the mirror lacks changes before `after`. */
  ok: boolean;
  /** The last sequence number of this source the mirror has applied. */
  lastSeq: number;
  /** How many changes this delivery applied (changes applied before are skipped). */
  applied: number;
  /** Why the delivery could not be applied (the source retries it with backoff). */
  error?: string;
}

/** `client.mirrorStatus()`: the state of delivery to each mirror, and of what arrived here. */
export interface MirrorStatus {
  /** This database's name as its mirrors know it (absent before mirrors are configured). */
  name?: string;
  /** The sequence number of the last change recorded here. */
  lastSeq: number;
  mirrors: MirrorTargetStatus[];
  /** When this database is a mirror: what arrived from each source. */
  sources: MirrorSourceStatus[];
}

export interface MirrorTargetStatus {
  name: string;
  /** Changes recorded but not yet delivered. */
  pending: number;
  /** The last sequence number delivered and acknowledged. */
  lastDeliveredSeq: number;
  lastDeliveredAt: string | null;
  /** Changes delivered so far. */
  delivered: number;
  /** The error of the last failed attempt, while deliveries fail (null once one succeeds). */
  lastError: string | null;
  lastErrorAt: string | null;
  /** Failed attempts in a row. */
  attempts: number;
  /** When the next attempt is due, while deliveries fail. */
  nextAttemptAt: string | null;
}

export interface MirrorSourceStatus {
  source: string;
  lastSeq: number;
  applied: number;
  appliedAt: string | null;
}

import type { Category, Plan } from '@audit/shared';

/** Stored shapes. Enums are strings, times are BSON dates, ids are the prefixed ULIDs. */
export interface EventDoc {
  _id: string;
  workspaceId: string;
  organizationId: string;
  seq: number;
  category: Category;
  action: string;
  actor: { type: string; id: string; name?: string; email?: string };
  target: { type: string; id: string; name?: string } | null;
  description: string | null;
  metadata: Record<string, unknown>;
  occurredAt: Date;
  recordedAt: Date;
  context: { ip?: string; userAgent?: string; requestId?: string };
  idempotencyKey: string | null;
  /** Always set (the caller's key, or `auto:<id>`) so one unique index works without partial indexes. */
  idem: string;
  /**
   * SHA-256 of the event's canonical form (integrity/event-hash.ts in @audit/shared), computed
   * when its `seq` is assigned. Absent on events stored before hashing existed.
   */
  hash?: string;
  /** Lower-cased search words, written once with the event. */
  tokens: string[];
}

/** An event as the export reads it: without the fields only the store uses. */
export type ExportedEventDoc = Omit<EventDoc, 'tokens' | 'idem'>;

export interface OrganizationDoc {
  _id: string;
  name: string;
  createdAt: Date;
}

export interface WorkspaceDoc {
  _id: string;
  organizationId: string;
  name: string;
  plan: Plan;
  /**
   * The last `seq` claimed, on workspaces stored before the stream log's end moved to its own
   * document (`stream_heads`, see StreamHeadsStore); read only until the workspace's next claim.
   */
  eventSeq?: number;
  /**
   * Whether any of its destinations is enabled, kept by the webhooks store so that a record call
   * in a workspace without one looks nothing up. Absent (unknown) on workspaces stored before it.
   */
  hasEnabledWebhooks?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type ApiScope = 'events:write' | 'events:read' | 'webhooks:manage';

export interface ApiKeyDoc {
  _id: string;
  /** SHA-256 of the whole key: keys are 256 random bits, so a fast hash is enough. */
  hash: string;
  /** The first characters, so people can tell keys apart without the secret. */
  hint: string;
  organizationId: string;
  /** Null for an organization-wide key. */
  workspaceId: string | null;
  scopes: ApiScope[];
  createdAt: Date;
  revokedAt: Date | null;
  /** Null for a key that never expires. Absent (read as null) on keys stored before expiry existed. */
  expiresAt?: Date | null;
  /** Throttled, so it can lag actual use by up to the write interval (see last-used.ts in the API). */
  lastUsedAt?: Date | null;
}

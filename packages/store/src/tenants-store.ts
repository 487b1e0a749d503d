import type { Collection, Db } from 'mongodb';
import type { Plan } from '@audit/shared';
import type { OrganizationDoc, WorkspaceDoc } from './documents.ts';
import { findOwned } from './tenant-lookup.ts';

export class OrganizationsStore {
  readonly col: Collection<OrganizationDoc>;
  constructor(db: Db) {
    this.col = db.collection<OrganizationDoc>('organizations');
  }

  async insert(doc: OrganizationDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  findById(id: string): Promise<OrganizationDoc | null> {
    return this.col.findOne({ _id: id });
  }
}

/** Workspaces `findRecent` keeps per process; past it the oldest read goes first. */
const RECENT_MAX = 10_000;

export class WorkspacesStore {
  readonly col: Collection<WorkspaceDoc>;
  private readonly recent = new Map<string, { doc: WorkspaceDoc; at: number }>();
  constructor(db: Db) {
    this.col = db.collection<WorkspaceDoc>('workspaces');
  }

  async insert(doc: WorkspaceDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  findById(id: string): Promise<WorkspaceDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /**
   * The workspace as read at most `maxAgeMs` ago by this process (changes made through this
   * store are seen at once; another process's after `maxAgeMs`). For the record path, which reads
   * only what never changes (the organization) and hints (the plan and destination flag decide
   * whether to wake streams, which the stream supervisor does anyway): a read fewer per call.
   */
  async findRecent(id: string, maxAgeMs: number, now = Date.now()): Promise<WorkspaceDoc | null> {
    const known = this.recent.get(id);
    if (known && now - known.at <= maxAgeMs) return known.doc;
    const doc = await this.findById(id);
    this.recent.delete(id);
    if (doc) {
      if (this.recent.size >= RECENT_MAX) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(id, { doc, at: now });
    }
    return doc;
  }

  /** A workspace only if it belongs to the organization: the tenant check for organization keys. */
  findInOrganization(organizationId: string, id: string): Promise<WorkspaceDoc | null> {
    return findOwned(this.col, id, { organizationId });
  }

  listForOrganization(organizationId: string, plans?: Plan[]): Promise<WorkspaceDoc[]> {
    const filter = plans ? { organizationId, plan: { $in: plans } } : { organizationId };
    return this.col.find(filter).sort({ _id: 1 }).limit(10_000).toArray();
  }

  /** Returns the workspace as it was before the change, or null when it does not exist. */
  setPlan(id: string, plan: Plan, now: Date): Promise<WorkspaceDoc | null> {
    this.recent.delete(id);
    return this.col.findOneAndUpdate({ _id: id }, { $set: { plan, updatedAt: now } }, { returnDocument: 'before' });
  }

  /**
   * Several workspaces at once (a pass over many tenants' destinations), each by `_id` alone: the
   * one filter FerretDB serves from an index for `_id` (an `_id` `$in` scans there).
   */
  async findMany(ids: string[]): Promise<Map<string, WorkspaceDoc>> {
    const docs = await Promise.all([...new Set(ids)].map((id) => this.findById(id)));
    return new Map(docs.filter((d) => d !== null).map((d) => [d._id, d]));
  }

  async setHasEnabledWebhooks(id: string, value: boolean): Promise<void> {
    this.recent.delete(id);
    await this.col.updateOne({ _id: id }, { $set: { hasEnabledWebhooks: value } });
  }

  /** Only while the flag is unknown: a later write by the webhooks store knows better and wins. */
  async learnHasEnabledWebhooks(id: string, value: boolean): Promise<void> {
    this.recent.delete(id);
    const unknown = { _id: id, hasEnabledWebhooks: { $exists: false } };
    await this.col.updateOne(unknown, { $set: { hasEnabledWebhooks: value } });
  }

  /** Keyset walk over every workspace of the given plans, for the retention purge. */
  pageByPlan(plans: Plan[], afterId: string | null, limit: number): Promise<WorkspaceDoc[]> {
    const filter = afterId ? { plan: { $in: plans }, _id: { $gt: afterId } } : { plan: { $in: plans } };
    return this.col.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }
}

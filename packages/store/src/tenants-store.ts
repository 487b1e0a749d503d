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

export class WorkspacesStore {
  readonly col: Collection<WorkspaceDoc>;
  constructor(db: Db) {
    this.col = db.collection<WorkspaceDoc>('workspaces');
  }

  async insert(doc: WorkspaceDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  findById(id: string): Promise<WorkspaceDoc | null> {
    return this.col.findOne({ _id: id });
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

  /**
   * Workspaces whose events were last claimed at or after `since`, found by the minutes of the
   * window (from `since`'s on), keyset on (`lastEventAt`, `_id`): the stream supervisor's look at
   * streams that may have slept through a wake-up.
   */
  pageWithEventsSince(minutes: string[], since: Date, after: { at: Date; id: string } | null, limit: number) {
    const time = after
      ? { $or: [{ lastEventAt: { $gt: after.at } }, { lastEventAt: after.at, _id: { $gt: after.id } }] }
      : { lastEventAt: { $gte: since } };
    const found = this.col.find({ eventsIn: { $in: minutes }, ...time });
    return found.sort({ lastEventAt: 1, _id: 1 }).limit(limit).toArray();
  }

  async setHasEnabledWebhooks(id: string, value: boolean): Promise<void> {
    await this.col.updateOne({ _id: id }, { $set: { hasEnabledWebhooks: value } });
  }

  /** Only while the flag is unknown: a later write by the webhooks store knows better and wins. */
  async learnHasEnabledWebhooks(id: string, value: boolean): Promise<void> {
    const unknown = { _id: id, hasEnabledWebhooks: { $exists: false } };
    await this.col.updateOne(unknown, { $set: { hasEnabledWebhooks: value } });
  }

  /** Keyset walk over every workspace of the given plans, for the retention purge. */
  pageByPlan(plans: Plan[], afterId: string | null, limit: number): Promise<WorkspaceDoc[]> {
    const filter = afterId ? { plan: { $in: plans }, _id: { $gt: afterId } } : { plan: { $in: plans } };
    return this.col.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }
}

import { newId } from '@audit/shared';
import type { Collection } from 'mongodb';
import { openStore, type EventDoc, type Store } from '@audit/store';
import { createTenantOverHttp } from '@audit/testing/drills';
import { fmt, percentile, type Bench } from '../harness.ts';
import { compareIngest, type IngestComparison } from '../ingest-compare.ts';
import { recordLatencyPaths, type LatencySample } from '../record-latency-compare.ts';
import { exportOverHttp, exportRaw, type ExportResult } from './export-run.ts';
import { cursorShapes, measureShape, type Repetitions, type ShapeResult, type Side } from './measure.ts';
import { insertNeedle, seedThroughStore, type SeedTarget } from './seed-store.ts';
import { fixedShapes, type Shape } from './shapes.ts';
import { createOrg, type Org } from './tenants.ts';

export interface SizeSettings {
  reference: number;
  reps: Repetitions;
  seedBatch: number;
  seedLanes: number;
  ingestEvents: number;
  latencyRequests: number;
  run: string;
  log: (line: string) => void;
}

export interface SizeResult {
  n: number;
  reference: number;
  seed: { events: number; ms: number };
  /** Per shape: the big workspace and the reference one, or why the shape could not be measured. */
  shapes: ({ big: ShapeResult; ref: ShapeResult } | { name: string; error: string })[];
  exports: { big: ExportResult; bigRaw: ExportResult; ref: ExportResult; refRaw: ExportResult };
  ingest: IngestComparison;
  latency: { ours: LatencySample; base: LatencySample };
}

/** The main workspace holds `main` events; the other nine share `others` between them. */
function targetsOf(org: Org, main: number, others: number): SeedTarget[] {
  const rest = org.workspaceIds.filter((id) => id !== org.main);
  const share = (k: number) => Math.floor(others / rest.length) + (k < others % rest.length ? 1 : 0);
  const target = (workspaceId: string, count: number) => ({ workspaceId, organizationId: org.organizationId, count });
  return [target(org.main, main), ...rest.map((id, k) => target(id, share(k)))];
}

/**
 * One size, on a database of its own (dropped at the end): seed, every read shape on both sides,
 * the export, then ingest beside the history (last, since it adds events).
 */
export async function runSize(b: Bench, n: number, s: SizeSettings): Promise<SizeResult> {
  const db = `large_history_${n}`;
  const api = await b.api(db);
  const { store, mongo } = await openStore(b.ferret.address, db);
  const raw = await b.raw(db);
  const col = raw.db.collection<EventDoc>('events');
  try {
    const large = await createOrg(api.url, 'Large', 10);
    const small = await createOrg(api.url, 'Reference', 10);
    const end = Date.now();
    const seed = await seedSize(store, large, small, n, end, s);
    const big: Side = { org: large, col };
    const ref: Side = { org: small, col };
    const shapes = await measureShapes(api.url, big, ref, end, s);
    const exports = await measureExports(api.url, big, ref, s);
    const { ingest, latency } = await measureIngest(api.url, col, s);
    return { n, reference: s.reference, seed, shapes, exports, ingest, latency };
  } finally {
    await raw.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await api.proc.stop();
  }
}

async function seedSize(store: Store, large: Org, small: Org, n: number, end: number, s: SizeSettings) {
  const targets = [...targetsOf(large, n, n), ...targetsOf(small, s.reference, s.reference)];
  const events = targets.reduce((sum, t) => sum + t.count, 0);
  const ref = fmt(s.reference);
  s.log(
    `\n[${fmt(n)}] seeding ${fmt(events)} events through the store (${fmt(n)} in the big workspace, ` +
      `${fmt(n)} beside it, ${ref} + ${ref} in the reference organization)`,
  );
  const ms = await seedThroughStore(store, targets, { end, batch: s.seedBatch, lanes: s.seedLanes, log: s.log });
  for (const org of [large, small]) {
    await insertNeedle(store, { workspaceId: org.main, organizationId: org.organizationId }, end);
  }
  s.log(`[${fmt(n)}] seeded ${fmt(events)} events in ${fmt(ms / 1000, 1)} s (${fmt(events / (ms / 1000))} events/s)`);
  return { events, ms };
}

type Shapes = SizeResult['shapes'];

async function measureShapes(url: string, big: Side, ref: Side, end: number, s: SizeSettings): Promise<Shapes> {
  const [bigCursors, refCursors] = [await cursorShapes(url, big), await cursorShapes(url, ref)];
  const [first, ...fixed] = fixedShapes(end);
  const pairs = [[first!, first!], ...bigCursors.map((c, i) => [c, refCursors[i]!]), ...fixed.map((f) => [f, f])];
  const shapes: Shapes = [];
  for (const [bigShape, refShape] of pairs as [Shape, Shape][]) {
    try {
      const pair = {
        big: await measureShape(url, big, bigShape, s.reps),
        ref: await measureShape(url, ref, refShape, s.reps),
      };
      const p50 = (sorted: number[]) => fmt(percentile(sorted, 50), 1);
      s.log(
        `  ${bigShape.name}: API p50 ${p50(pair.big.api)} ms (reference ${p50(pair.ref.api)}), ` +
          `raw ${p50(pair.big.raw)} ms, ${pair.big.api.length} runs`,
      );
      shapes.push(pair);
    } catch (err) {
      // A query FerretDB cannot answer within the driver's wait, or a page the two paths disagree
      // on: said in the table (and the exit code), so the shapes already measured are kept.
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      const error = `${err instanceof Error ? err.message : String(err)}${cause}`;
      s.log(`  ${bigShape.name}: FAILED: ${error}`);
      shapes.push({ name: bigShape.name, error });
    }
  }
  return shapes;
}

async function measureExports(url: string, big: Side, ref: Side, s: SizeSettings): Promise<SizeResult['exports']> {
  const exports = {
    big: await exportOverHttp(url, big.org.workspaceKey),
    bigRaw: await exportRaw(big.col, big.org.main),
    ref: await exportOverHttp(url, ref.org.workspaceKey),
    refRaw: await exportRaw(ref.col, ref.org.main),
  };
  for (const [a, r] of [
    [exports.big, exports.bigRaw],
    [exports.ref, exports.refRaw],
  ] as const) {
    if (a.rows !== r.rows) throw new Error(`export gave ${a.rows} rows, the raw find ${r.rows}`);
  }
  const e = exports.big;
  s.log(`  export: ${fmt(e.rows)} rows, first byte ${fmt(e.ttfbMs, 1)} ms, ${fmt(e.perSecond)} events/s`);
  return exports;
}

/** Recording into fresh workspaces of the same collection, the raw driver into workspaces of its own. */
async function measureIngest(url: string, col: Collection<EventDoc>, s: SizeSettings) {
  const tenant = await createTenantOverHttp(url);
  const warm = await createTenantOverHttp(url);
  const latencyTenant = await createTenantOverHttp(url);
  const rawWs = (organizationId: string) => ({ workspaceId: newId('workspace'), organizationId });
  const ws = { workspaceId: tenant.workspaceId, organizationId: tenant.organizationId };
  const ingest = await compareIngest({
    apiUrl: url,
    key: tenant.key,
    warmKey: warm.key,
    tenant: ws,
    stored: col,
    raw: col,
    rawWorkspace: rawWs(ws.organizationId),
    events: s.ingestEvents,
    batch: 500,
    clients: 4,
    run: s.run,
  });
  s.log(`  ingest: ${fmt(ingest.ours)} events/s through the API, ${fmt(ingest.base)} raw`);
  const paths = recordLatencyPaths({
    apiUrl: url,
    key: latencyTenant.key,
    raw: col,
    rawWorkspace: rawWs(latencyTenant.organizationId),
    run: s.run,
  });
  const latency = await paths.compare(1, s.latencyRequests, Math.max(20, Math.floor(s.latencyRequests / 5)));
  return { ingest, latency };
}

import type { Collection } from 'mongodb';
import type { EventDoc } from '@audit/store';
import type { Org } from './tenants.ts';
import { PAGE, rawQuery, type ListInput, type Shape } from './shapes.ts';

/** How long each series may take: `runs` calls, or fewer once `budgetMs` is spent (never under `minRuns`). */
export interface Repetitions {
  runs: number;
  budgetMs: number;
  minRuns: number;
}

/** One workspace measured (its organization for organization scope), and the raw driver's view of the collection. */
export interface Side {
  org: Org;
  col: Collection<EventDoc>;
}

export interface ShapeResult {
  shape: Shape;
  rows: number;
  /** Milliseconds per call, ascending: events.list over HTTP, and the raw driver's find. */
  api: number[];
  raw: number[];
}

interface ListAnswer {
  items: { id: string; recordedAt: string }[];
  nextCursor: string | null;
  prevCursor: string | null;
}

const listUrl = (url: string, input: ListInput) =>
  `${url}/trpc/events.list?input=${encodeURIComponent(JSON.stringify(input))}`;

/** events.list as any HTTP client calls it; the body is read in full, as a client must. */
async function fetchList(url: string, key: string, input: ListInput): Promise<string> {
  const res = await fetch(listUrl(url, input), { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  if (res.status !== 200) {
    throw new Error(`events.list ${JSON.stringify(input)} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  return text;
}

async function list(url: string, key: string, input: ListInput): Promise<ListAnswer> {
  return (JSON.parse(await fetchList(url, key, input)) as { result: { data: ListAnswer } }).result.data;
}

/** Times `call` until it has run `runs` times or has used its budget; ascending milliseconds. */
export async function timeSeries(call: () => Promise<unknown>, r: Repetitions): Promise<number[]> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < r.runs && (times.length < r.minRuns || performance.now() - started < r.budgetMs)) {
    const s = performance.now();
    await call();
    times.push(performance.now() - s);
  }
  return times.sort((a, b) => a - b);
}

const byOrg = (shape: Shape) => shape.input.scope === 'organization';
const keyFor = (side: Side, shape: Shape) => (byOrg(shape) ? side.org.orgKey : side.org.workspaceKey);
const idsFor = (side: Side, shape: Shape) => (byOrg(shape) ? side.org.workspaceIds : [side.org.main]);

/**
 * One shape on one side: first a call of each path whose rows must be the same ids in the same
 * order (which also warms both), then the API's series, then the raw driver's.
 */
export async function measureShape(url: string, side: Side, shape: Shape, r: Repetitions): Promise<ShapeResult> {
  const key = keyFor(side, shape);
  const raw = rawQuery(side.col, idsFor(side, shape), shape);
  const apiIds = (await list(url, key, shape.input)).items.map((i) => i.id);
  const rawIds = await raw();
  if (apiIds.join() !== rawIds.join()) {
    const counts = `${apiIds.length} rows vs ${rawIds.length}, first ${apiIds[0]} vs ${rawIds[0]}`;
    throw new Error(`${shape.name}: events.list and the raw find disagree (${counts})`);
  }
  const api = await timeSeries(() => fetchList(url, key, shape.input), r);
  const rawTimes = await timeSeries(raw, r);
  return { shape, rows: apiIds.length, api, raw: rawTimes };
}

/**
 * Pages through the workspace as a reader does (next cursor after next cursor) to the 20th page,
 * and returns the two cursor shapes: that page, and paging back from it (its previous cursor).
 */
export async function cursorShapes(url: string, side: Side): Promise<Shape[]> {
  const key = side.org.workspaceKey;
  let page = await list(url, key, { limit: PAGE });
  for (let p = 2; p <= 19; p++) {
    if (!page.nextCursor) throw new Error(`the workspace has fewer than 20 pages of ${PAGE} (${p - 1} is the last)`);
    page = await list(url, key, { limit: PAGE, cursor: page.nextCursor });
  }
  const last = page.items.at(-1);
  if (!page.nextCursor || !last) throw new Error(`the workspace has fewer than 20 pages of ${PAGE}`);
  const page20Input = { limit: PAGE, cursor: page.nextCursor };
  const page20 = await list(url, key, page20Input);
  const first = page20.items[0];
  if (!page20.prevCursor || !first) throw new Error('the 20th page came back without a previous cursor');
  return [
    {
      name: 'page 20 (cursor)',
      kind: 'list',
      input: page20Input,
      position: { recordedAt: new Date(last.recordedAt), id: last.id, direction: 'older' },
    },
    {
      name: 'back from page 20 (prevCursor)',
      kind: 'list',
      input: { limit: PAGE, cursor: page20.prevCursor },
      position: { recordedAt: new Date(first.recordedAt), id: first.id, direction: 'newer' },
    },
  ];
}

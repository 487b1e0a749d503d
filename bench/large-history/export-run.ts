import type { Collection } from 'mongodb';
import type { EventDoc } from '@audit/store';

export interface ExportResult {
  rows: number;
  /** From the request to the first byte of the body. */
  ttfbMs: number;
  ms: number;
  perSecond: number;
  /** The API process's resident memory before the export and its peak while it ran (MiB), from its /metrics. */
  rssBeforeMiB: number | null;
  rssPeakMiB: number | null;
}

const MiB = 1024 * 1024;

/** The API's `process_resident_memory_bytes`, in MiB; null when its /metrics does not report it. */
async function apiRss(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
  return line ? Number(line.split(' ')[1]) / MiB : null;
}

/** The whole workspace as NDJSON through `GET /export`, with the API's memory sampled every 250 ms. */
export async function exportOverHttp(url: string, key: string): Promise<ExportResult> {
  const rssBeforeMiB = await apiRss(url);
  let rssPeakMiB = rssBeforeMiB;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rss = await apiRss(url);
      if (rss !== null) rssPeakMiB = Math.max(rssPeakMiB ?? 0, rss);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    const started = performance.now();
    const res = await fetch(`${url}/export?format=ndjson`, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200 || !res.body) {
      throw new Error(`export answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    let ttfbMs: number | null = null;
    let rows = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      ttfbMs ??= performance.now() - started;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
    }
    const ms = performance.now() - started;
    return { rows, ttfbMs: ttfbMs ?? ms, ms, perSecond: rows / (ms / 1000), rssBeforeMiB, rssPeakMiB };
  } finally {
    sampling = false;
    await sampler;
  }
}

/** The same rows read by the raw driver: the export's find, sort and batch size, each document decoded. */
export async function exportRaw(col: Collection<EventDoc>, workspaceId: string): Promise<ExportResult> {
  const started = performance.now();
  let ttfbMs: number | null = null;
  let rows = 0;
  for await (const _doc of col.find({ workspaceId }).sort({ recordedAt: -1, _id: -1 }).batchSize(1000)) {
    ttfbMs ??= performance.now() - started;
    rows++;
  }
  const ms = performance.now() - started;
  return { rows, ttfbMs: ttfbMs ?? ms, ms, perSecond: rows / (ms / 1000), rssBeforeMiB: null, rssPeakMiB: null };
}

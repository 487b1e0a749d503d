import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '@audit/shared';
import { VIEWER_DIR } from './index.ts';

describe('viewer assets', () => {
  it('offers exactly the catalogue categories in its filter', async () => {
    const mod = (await import(pathToFileURL(join(VIEWER_DIR, 'js', 'categories.js')).href)) as { CATEGORIES: string[] };
    expect(mod.CATEGORIES).toEqual(CATEGORIES);
  });

  it('keeps the URL state round-trippable', async () => {
    const { readState, toSearch } = (await import(pathToFileURL(join(VIEWER_DIR, 'js', 'url-state.js')).href)) as {
      readState(s: string): Record<string, unknown>;
      toSearch(s: Record<string, unknown>): string;
    };
    const state = readState(
      '?q=actor%3Aada+%22prod+vpc%22&categories=lock,auth,bogus&scope=organization&cursor=abc&page=3&limit=25&utc=1&range=custom&from=2026-11-01T00:00:00Z&to=2026-11-02T12:30:00.000Z&live=1',
    );
    expect(state).toEqual({
      q: 'actor:ada "prod vpc"',
      categories: ['lock', 'auth'],
      scope: 'organization',
      workspaceId: '',
      cursor: 'abc',
      page: 3,
      limit: 25,
      utc: true,
      range: 'custom',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T12:30:00.000Z',
      live: true,
    });
    expect(readState(toSearch(state))).toEqual(state);
    expect(readState('?limit=1000&page=-2')).toMatchObject({ limit: 50, page: 1 });
    // A preset carries no bounds of its own: they are computed when the link is opened.
    expect(readState('?range=24h&from=2026-01-01T00:00:00Z')).toMatchObject({ range: '24h', from: '', to: '' });
    expect(readState('?range=forever&from=yesterday')).toMatchObject({ range: '', from: '' });
    expect(readState('?range=custom&from=not-a-date')).toMatchObject({ range: 'custom', from: '' });
  });

  it.each(['index.html', 'webhooks.html'])('%s loads no script or style from anywhere but itself', async (file) => {
    const html = await readFile(join(VIEWER_DIR, file), 'utf8');
    expect(html).toMatch(/<script type="module" src="js\//);
    expect(html).not.toMatch(/<script(?![^>]*src="js\/)/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/ style=/);
  });
});

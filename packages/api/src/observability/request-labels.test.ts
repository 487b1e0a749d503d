import { describe, expect, it } from 'vitest';
import { appRouter } from '../router.ts';
import { requestIdFrom } from './request-id.ts';
import { procedureLabel, statusLabel } from './request-labels.ts';

const known = new Set(Object.keys(appRouter._def.procedures));

describe('HTTP metric labels come from a closed set', () => {
  it('names a known procedure, a batch of known ones, and nothing a caller makes up', () => {
    expect(procedureLabel('/trpc/events.record', known)).toBe('events.record');
    expect(procedureLabel('/trpc/admin.apiKeys.create', known)).toBe('admin.apiKeys.create');
    expect(procedureLabel('/trpc/events.list,webhooks.list', known)).toBe('batch');
    for (const made of [
      '/trpc/events.nope',
      '/trpc/events.record,evil',
      '/trpc/',
      '/trpc/aud_01HX',
      '/trpc/constructor',
      '/trpc/__proto__',
      '/wp-admin',
      '/webhooks/whk_123',
      '/index.html',
    ])
      expect(procedureLabel(made, known)).toBe('other');
  });

  it('names the fixed routes outside tRPC', () => {
    expect(['/healthz', '/readyz', '/metrics', '/export'].map((p) => procedureLabel(p, known))).toEqual([
      'healthz',
      'readyz',
      'metrics',
      'export',
    ]);
    expect(procedureLabel('/toString', known)).toBe('other');
  });

  it('every label value over many random paths is one of the router names or a fixed one', () => {
    const allowed = new Set([...known, 'batch', 'other', 'healthz', 'readyz', 'metrics', 'export']);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(procedureLabel(`/trpc/${Math.random().toString(36).slice(2)}`, known));
    for (const v of seen) expect(allowed.has(v)).toBe(true);
    expect(seen).toEqual(new Set(['other']));
  });

  it('labels the status as sent, and a response cut short as aborted', () => {
    expect(statusLabel(200, true)).toBe('200');
    expect(statusLabel(503, true)).toBe('503');
    expect(statusLabel(200, false)).toBe('aborted');
    expect(statusLabel(0, true)).toBe('other');
  });
});

describe('request ids', () => {
  it("keeps a caller's well-formed id and replaces anything else", () => {
    expect(requestIdFrom('gw-01HX:abc.def_1')).toBe('gw-01HX:abc.def_1');
    expect(requestIdFrom('x'.repeat(128))).toBe('x'.repeat(128));
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const bad of [undefined, '', 'x'.repeat(129), 'has space', 'line\nbreak', '{"json":1}', 'ünïcode', ['a', 'b']])
      expect(requestIdFrom(bad)).toMatch(uuid);
  });
});

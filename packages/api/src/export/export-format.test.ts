import { describe, expect, it } from 'vitest';
import { csvCell, csvHeader, csvLine, ndjsonLine } from './export-format.ts';
import type { EventDoc } from '@audit/store';

const doc: EventDoc = {
  _id: 'aud_01J0000000000000000000000A',
  workspaceId: 'ws_01J0000000000000000000000A',
  organizationId: 'org_01J0000000000000000000000A',
  seq: 7,
  category: 'lock',
  action: 'created',
  actor: { type: 'user', id: 'u1', name: '=HYPERLINK("http://evil","x")', email: 'a@b.co' },
  target: { type: 'stack', id: '+cmd|calc', name: 'a, "quoted"\nname' },
  description: '@SUM(A1)',
  metadata: { k: [1, 2] },
  occurredAt: new Date('2026-11-30T05:00:00Z'),
  recordedAt: new Date('2026-11-30T05:00:01Z'),
  context: { ip: '203.0.113.9' },
  idempotencyKey: null,
  idem: 'auto:x',
  tokens: ['x'],
};

describe('CSV', () => {
  it.each(['=1+1', '+1', '-1', '@x', '\tx', '\rx', '\uFF1Dx'])('neutralizes %j as a formula', (v) => {
    // A carriage return also makes the cell quoted.
    expect(csvCell(v)).toBe(v.startsWith('\r') ? `"'${v}"` : `'${v}`);
  });

  it('quotes separators and doubles quotes, leaving plain text alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=a,b')).toBe(`"'=a,b"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(7)).toBe('7');
    expect(csvCell('')).toBe('');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\ronly')).toBe('"cr\ronly"');
  });

  it('writes one line per event under the header', () => {
    const header = csvHeader().trimEnd().split(',');
    const line = csvLine(doc, 'Prod');
    expect(header[0]).toBe('id');
    expect(line).toContain(`'=HYPERLINK(""http://evil"",""x"")`);
    expect(line).toContain("'+cmd|calc");
    expect(line).toContain("'@SUM(A1)");
    expect(line).toContain('"a, ""quoted""\nname"');
    expect(line.endsWith('\r\n')).toBe(true);
    expect(csvHeader()).toBe(`${header.join(',')}\r\n`);
  });
});

describe('NDJSON', () => {
  it('writes the API shape on one line, without internal fields', () => {
    const line = ndjsonLine(doc, 'Prod');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      id: doc._id,
      workspaceName: 'Prod',
      recordedAt: '2026-11-30T05:00:01.000Z',
      metadata: { k: [1, 2] },
    });
    expect(parsed).not.toHaveProperty('tokens');
    expect(parsed).not.toHaveProperty('idem');
  });
});

import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '@audit/shared/integrity/verify-core';
import { formatReport } from './report.ts';

const counts = { events: 12_000, sealed: 11_000, unsealed: 500, purged: 500, checkpoints: 11, purgeRecords: 1 };

describe('verify report', () => {
  it('says OK with the counts, and mentions unsealed events', () => {
    expect(
      formatReport(
        { ok: true, findings: [], counts },
        { workspaceId: 'ws_1', source: 'http://localhost:3000', since: new Date('2024-05-01T00:00:00Z') },
      ),
    ).toBe(
      [
        'Audit log of workspace ws_1 from http://localhost:3000, since 2024-05-01T00:00:00.000Z',
        '  events 12,000: sealed 11,000, unsealed 500; purged 500',
        '  checkpoints 11, purge records 1',
        'OK: every sealed event matches its checkpoint, and every signature and chain link holds.',
        '  (500 events are not sealed in a checkpoint yet, so not covered by this check.)',
      ].join('\n'),
    );
  });

  it('lists one aligned line per finding, naming checkpoint, seq and event', () => {
    const report: VerifyReport = {
      ok: false,
      counts,
      findings: [
        {
          kind: 'bad-signature',
          checkpoint: 3,
          message: 'checkpoint #3: the signature does not verify with key ed25519:ab',
        },
        { kind: 'modified', eventId: 'aud_1', seq: 17, checkpoint: 1, message: 'event aud_1 (seq 17) hashes to …' },
        { kind: 'missing', seq: 18, checkpoint: 1, message: 'seq 18, sealed in checkpoint #1, has no event' },
      ],
    };
    expect(formatReport(report, { workspaceId: 'ws_1', source: 'export.ndjson' }).split('\n').slice(3)).toEqual([
      'FAILED: 3 findings',
      '  bad signature  [checkpoint #3] checkpoint #3: the signature does not verify with key ed25519:ab',
      '  modified       [checkpoint #1, seq 17, event aud_1] event aud_1 (seq 17) hashes to …',
      '  missing        [checkpoint #1, seq 18] seq 18, sealed in checkpoint #1, has no event',
    ]);
  });
});

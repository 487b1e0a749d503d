import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventHash, HASHED_FIELDS, hashInput, type HashableEvent } from './event-hash.ts';
import { merkleRoot } from './merkle.ts';

/** The README's worked example: the canonical text and hash were computed outside this code (printf | sha256sum). */
const WORKED_EXAMPLE: HashableEvent = {
  id: 'aud_01JA2Q3R4S5T6V7W8X9Y0Z1A2B',
  workspaceId: 'ws_01JA2Q3R4S5T6V7W8X9Y0Z1A2C',
  organizationId: 'org_01JA2Q3R4S5T6V7W8X9Y0Z1A2D',
  seq: 42,
  category: 'team_member',
  action: 'role_changed',
  actor: { type: 'user', id: 'usr_7', name: 'Zoë Admin', email: 'zoe@example.com' },
  target: { type: 'user', id: 'usr_9', name: 'Sam' },
  description: 'Changed Sam from member to admin',
  metadata: { to: 'admin', from: 'member', seats: 12 },
  occurredAt: '2024-05-01T12:00:00Z',
  recordedAt: new Date('2024-05-01T12:00:00.250Z'),
  context: { ip: '203.0.113.7', requestId: 'req_1' },
};
const CANONICAL =
  '{"action":"role_changed","actor":{"email":"zoe@example.com","id":"usr_7","name":"Zoë Admin","type":"user"},"category":"team_member",' +
  '"context":{"ip":"203.0.113.7","requestId":"req_1"},"description":"Changed Sam from member to admin","id":"aud_01JA2Q3R4S5T6V7W8X9Y0Z1A2B",' +
  '"metadata":{"from":"member","seats":12,"to":"admin"},"occurredAt":"2024-05-01T12:00:00.000Z","organizationId":"org_01JA2Q3R4S5T6V7W8X9Y0Z1A2D",' +
  '"recordedAt":"2024-05-01T12:00:00.250Z","seq":42,"target":{"id":"usr_9","name":"Sam","type":"user"},"workspaceId":"ws_01JA2Q3R4S5T6V7W8X9Y0Z1A2C"}';
const HASH = '21b19b7dd4159824c1fb7f4e9c79390eacb293cc0050037ae6d19085d8fe0a4a';

describe('event hash', () => {
  it('matches the worked example byte for byte', () => {
    expect(hashInput(WORKED_EXAMPLE)).toBe(CANONICAL);
    expect(Buffer.byteLength(CANONICAL, 'utf8')).toBe(560);
    expect(eventHash(WORKED_EXAMPLE)).toBe(HASH);
    // A one-event tree's root is SHA-256(0x00 ‖ hash bytes).
    expect(merkleRoot([HASH])).toBe('94c20f96b0337dfd5af3bf1a81be1075b550250b49eb9e1d44c9bda619fc228d');
  });

  it('covers exactly the thirteen fields, whatever else the event carries', () => {
    const withExtras = { ...WORKED_EXAMPLE, hash: 'x', idempotencyKey: 'k', _id: 'y' } as HashableEvent;
    expect(eventHash(withExtras)).toBe(HASH);
    expect(Object.keys(JSON.parse(hashInput(WORKED_EXAMPLE))).sort()).toEqual([...HASHED_FIELDS].sort());
  });

  it('changes with any hashed field, including the seq and a millisecond', () => {
    const variants: Partial<HashableEvent>[] = [
      { seq: 43 },
      { metadata: { ...WORKED_EXAMPLE.metadata, seats: 13 } },
      { recordedAt: new Date('2024-05-01T12:00:00.251Z') },
      { target: null },
      { description: null },
      { actor: { ...WORKED_EXAMPLE.actor, name: 'Zoe Admin' } },
      { workspaceId: 'ws_other' },
    ];
    for (const v of variants) expect(eventHash({ ...WORKED_EXAMPLE, ...v })).not.toBe(HASH);
  });

  it('normalises dates: a Date and its ISO string hash alike; a missing target is null', () => {
    const a = {
      ...WORKED_EXAMPLE,
      occurredAt: new Date('2024-05-01T12:00:00.000Z'),
      recordedAt: '2024-05-01T12:00:00.250Z',
    };
    expect(eventHash(a)).toBe(HASH);
    const noTarget = { ...WORKED_EXAMPLE, target: undefined } as unknown as HashableEvent;
    expect(eventHash(noTarget)).toBe(eventHash({ ...WORKED_EXAMPLE, target: null }));
    expect(eventHash(WORKED_EXAMPLE)).toBe(createHash('sha256').update(Buffer.from(CANONICAL, 'utf8')).digest('hex'));
  });
});

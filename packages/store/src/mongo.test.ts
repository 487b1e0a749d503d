import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './mongo.ts';

describe('isDatabaseUnavailable', () => {
  it('recognises an unreachable server, directly or inside a bulk write', () => {
    const network = new MongoNetworkError('connection 3 to 127.0.0.1:1 closed');
    expect(isDatabaseUnavailable(network)).toBe(true);
    expect(
      isDatabaseUnavailable(new MongoServerSelectionError('connect ECONNREFUSED', { error: undefined } as never)),
    ).toBe(true);
    const bulk = new MongoBulkWriteError(network, {} as never);
    expect(bulk.name).toBe('MongoBulkWriteError');
    expect(isDatabaseUnavailable(bulk)).toBe(true);
    expect(isDatabaseUnavailable(new MongoServerError({ message: 'shutting down', code: 91 }))).toBe(true);
  });

  it('leaves real write errors alone', () => {
    expect(isDatabaseUnavailable(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(false);
    expect(
      isDatabaseUnavailable(new MongoBulkWriteError({ message: 'E11000', code: 11000, writeErrors: [] }, {} as never)),
    ).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

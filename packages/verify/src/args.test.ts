import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.ts';

const usage = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('verify arguments', () => {
  it('reads an offline check, with --flag value and --flag=value', () => {
    expect(
      parseArgs(['--events', 'e.ndjson', '--checkpoints=c.ndjson', '--keys', 'k.json', '--held', 'h.ndjson', '--json']),
    ).toEqual({
      mode: 'offline',
      events: 'e.ndjson',
      checkpoints: 'c.ndjson',
      keys: 'k.json',
      held: 'h.ndjson',
      json: true,
    });
  });

  it('reads an online check; --since is a Date; the URL loses its trailing slash', () => {
    expect(
      parseArgs([
        '--url',
        'http://localhost:3000/',
        '--key',
        'sk_1',
        '--workspace',
        'ws_1',
        '--since',
        '2024-05-01T00:00:00Z',
        '--keys',
        'pinned.json',
      ]),
    ).toEqual({
      mode: 'online',
      url: 'http://localhost:3000',
      key: 'sk_1',
      workspace: 'ws_1',
      since: new Date('2024-05-01T00:00:00Z'),
      keys: 'pinned.json',
      json: false,
    });
    expect(parseArgs(['--help'])).toEqual({ mode: 'help' });
  });

  it('names the flag at fault', () => {
    expect(usage([])).toMatch(/--events, --checkpoints and --keys .* --url and --key/);
    expect(usage(['--events', 'e', '--keys', 'k'])).toBe('missing --checkpoints');
    expect(usage(['--events'])).toBe('--events needs a value');
    expect(usage(['--events', '--keys', 'k'])).toBe('--events needs a value');
    expect(usage(['--url', 'http://x'])).toBe('--url needs --key <API key>');
    expect(usage(['--key', 'k'])).toMatch(/^--key needs --url/);
    expect(usage(['--url', 'ftp://x', '--key', 'k'])).toMatch(/^--url must be an http\(s\) URL/);
    expect(usage(['--url', 'http://x', '--key', 'k', '--events', 'e'])).toMatch(/^--events is for offline checks/);
    expect(usage(['--url', 'http://x', '--key', 'k', '--since', 'yesterday'])).toMatch(/^--since must be an ISO time/);
    expect(usage(['--colour'])).toBe('unknown flag --colour');
    expect(usage(['stray'])).toBe('unexpected argument "stray"');
    expect(usage(['--keys', 'a', '--keys', 'b'])).toBe('--keys is given twice');
  });
});

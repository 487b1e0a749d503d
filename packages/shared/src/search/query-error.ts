/** A malformed search query: where (0-based character offset into `q`) and why. */
export class QuerySyntaxError extends Error {
  readonly position: number;
  readonly reason: string;
  constructor(position: number, reason: string) {
    super(`at character ${position + 1}: ${reason}`);
    this.name = 'QuerySyntaxError';
    this.position = position;
    this.reason = reason;
  }
}

export { parseArgs, UsageError, USAGE, type Args } from './args.ts';
export { main, type Io } from './main.ts';
export { ndjson, SourceError } from './ndjson.ts';
export { formatReport } from './report.ts';
export { applySince } from './since.ts';
export {
  loadOffline,
  loadOnline,
  parseCheckpointLine,
  parseEvent,
  parseHeld,
  parseKeys,
  resolveWorkspace,
} from './sources.ts';

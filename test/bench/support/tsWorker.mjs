// Worker entry that runs a TypeScript worker module through tsx (workers do not inherit --import).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__tsFile);

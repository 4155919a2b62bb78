// Agent Trace interop: export what Airlock knows, import what other tools know.
export * from './types';
export * from './convert';

// Provenance: what AI wrote, where it is now, however the file changed.
export * from './types';
export * from './hash';
export * from './tracker';
export * from './anchor';

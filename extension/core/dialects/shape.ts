// Small guards for walking untrusted JSON bodies.
import type { SegmentRole } from '../egress/types';
import { UnparseableBodyError } from './types';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, what: string): Json {
  if (!isObject(value)) throw new UnparseableBodyError(`${what} is not a JSON object`);
  return value;
}

export function requireArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnparseableBodyError(`${what} is not an array`);
  return value;
}

/** Optional field: absent is fine, present must be an array. */
export function optionalArray(value: unknown, what: string): unknown[] {
  return value === undefined || value === null ? [] : requireArray(value, what);
}

/** Optional field: absent is fine, present must be a string or an array of strings/tokens. */
export function requireTextLike(value: unknown, what: string): void {
  if (value === undefined || value === null || typeof value === 'string' || Array.isArray(value)) return;
  throw new UnparseableBodyError(`${what} has the wrong type`);
}

export function roleOf(role: unknown): SegmentRole {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'assistant':
    case 'model':
      return 'assistant';
    case 'tool':
    case 'function':
      return 'tool-result';
    default:
      return 'user';
  }
}

export function streamFlag(body: Json): boolean {
  return body['stream'] === true;
}

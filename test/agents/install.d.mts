export const AGENTS: Record<'claude' | 'codex' | 'gemini' | 'copilot' | 'opencode', { pkg: string; version: string; bin: string }>;
export function cacheRoot(): string;
export function agentDir(name: string): string;
export function agentBin(name: string): string;
export function isInstalled(name: string): boolean;
export function install(name: string, log?: (line: string) => void): { ok: boolean; cached?: boolean; version?: string; error?: string };
export function installAll(names?: string[], log?: (line: string) => void): Record<string, { ok: boolean; cached?: boolean; version?: string; error?: string }>;

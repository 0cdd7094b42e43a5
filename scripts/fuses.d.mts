// Types for scripts/fuses.mjs (reading and checking Electron fuse wires).
export type FuseState = 'on' | 'off' | 'removed' | 'inherit';
export const SENTINEL: Buffer;
export const FUSES_V1: string[];
export function wantedFuses(file?: string): Record<string, boolean>;
export function readFuses(binary: string): { version: number; fuses: Record<string, FuseState> };
export function diffFuses(wanted: Record<string, boolean>, actual: { fuses: Record<string, FuseState> }): string[];

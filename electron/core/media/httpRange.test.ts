import { describe, expect, it } from 'vitest';
import { parseRange, rangeHeaders } from './httpRange';

describe('HTTP ranges', () => {
  it('parses the single ranges video elements send', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ kind: 'partial', start: 10, end: 19 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
  });

  it('answers unsatisfiable ranges, and serves the whole file for forms it does not support', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=20-10', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('items=0-1', 100)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=-', 100)).toEqual({ kind: 'whole' });
  });

  it('builds the headers for each case', () => {
    expect(rangeHeaders({ kind: 'whole' }, 100, 'video/mp4')).toMatchObject({ status: 200, headers: { 'content-length': '100', 'accept-ranges': 'bytes' } });
    expect(rangeHeaders({ kind: 'partial', start: 10, end: 19 }, 100, 'video/mp4')).toMatchObject({ status: 206, headers: { 'content-length': '10', 'content-range': 'bytes 10-19/100' } });
    expect(rangeHeaders({ kind: 'unsatisfiable' }, 100, 'video/mp4')).toMatchObject({ status: 416, headers: { 'content-range': 'bytes */100' } });
  });
});

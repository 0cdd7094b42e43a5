import { describe, expect, it } from 'vitest';
import { releaseRatio } from './releaseSpec';

const PIXEL = ['1280:720', '720:1280', '910:512', '512:910', '1920:1080', '1080:1920', '3840:2160'];

describe('releaseRatio', () => {
  it('raises a 512p draft to the largest same-framing size under the release cap', () => {
    expect(releaseRatio('910:512', PIXEL, '1080p')).toBe('1920:1080');
    expect(releaseRatio('910:512', PIXEL, '2160p')).toBe('3840:2160');
    expect(releaseRatio('512:910', PIXEL, '1080p')).toBe('1080:1920');
  });
  it('keeps the preview when the model has nothing bigger in that framing, or the cap forbids it', () => {
    expect(releaseRatio('1280:720', ['1280:720', '720:1280', '960:960'], '1080p')).toBe('1280:720');
    expect(releaseRatio('910:512', PIXEL, '720p')).toBe('1280:720');
    expect(releaseRatio('960:960', PIXEL, '1080p')).toBe('960:960');
  });
});

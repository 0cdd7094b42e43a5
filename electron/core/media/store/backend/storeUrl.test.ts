import { describe, expect, it } from 'vitest';
import { storeConfigFrom } from './createBackend';
import { describeStore, parseStoreUrl } from './storeUrl';

describe('store URL', () => {
  it('reads bucket, prefix, endpoint, region and path style; unset or "local" is the folders', () => {
    expect(parseStoreUrl(undefined, {})).toEqual({ kind: 'local' });
    expect(parseStoreUrl('local', {})).toEqual({ kind: 'local' });
    expect(parseStoreUrl('s3://media-bkt/studio/a?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1&pathStyle=1', {})).toEqual({
      kind: 's3',
      bucket: 'media-bkt',
      prefix: 'studio/a/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      isPathStyle: true,
    });
    expect(parseStoreUrl('s3://media-bkt', { AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL_S3: 'https://r2.example.com' })).toMatchObject({
      prefix: '',
      region: 'us-west-2',
      endpoint: 'https://r2.example.com',
      isPathStyle: false,
    });
  });

  it('refuses bad URLs naming the setting and the way out; never takes credentials', () => {
    const cases: [string, RegExp][] = [
      ['http://bkt/x', /must start with s3:\/\//],
      ['s3://AB/x', /not a valid bucket name/],
      ['s3://ab/x', /not a valid bucket name/],
      ['s3://bucket/x?endpoint=ftp://h', /not http\(s\)/],
      ['s3://bucket/x?bogus=1', /unknown option "bogus"/],
      ['s3://bucket/x?pathStyle=yes', /pathStyle/],
      ['s3://bucket/../x', /"\." or "\.\."/],
      ['s3://AKIAKEY:s3cr3tV4lue@bucket/x', /must not carry credentials.*AWS_ACCESS_KEY_ID/],
      ['s3://bucket/x?endpoint=http://u:p@h', /credentials in its endpoint/],
    ];
    for (const [url, why] of cases) {
      let err: unknown;
      try {
        parseStoreUrl(url, {}, '--store-url');
      } catch (e) {
        err = e;
      }
      expect(err, url).toMatchObject({ code: 'VALIDATION', details: { field: '--store-url' } });
      expect(String((err as Error).message), url).toMatch(why);
      expect(String((err as Error).message)).not.toMatch(/s3cr3tV4lue|AKIAKEY/);
    }
  });

  it('takes --store-url over CIRCLETAKE_STORE_URL, naming whichever was wrong', () => {
    expect(storeConfigFrom('s3://flag-bkt', { CIRCLETAKE_STORE_URL: 's3://env-bkt' })).toMatchObject({ bucket: 'flag-bkt' });
    expect(storeConfigFrom(undefined, { CIRCLETAKE_STORE_URL: 's3://env-bkt' })).toMatchObject({ bucket: 'env-bkt' });
    expect(() => storeConfigFrom(undefined, { CIRCLETAKE_STORE_URL: 'nope' })).toThrow(expect.objectContaining({ details: { field: 'CIRCLETAKE_STORE_URL' } }));
  });

  it('describes the store for doctor without any credential', () => {
    expect(describeStore(parseStoreUrl('s3://bkt-1/p?endpoint=http://h:1&pathStyle=1', {}))).toBe('s3://bkt-1/p/ (endpoint http://h:1, region us-east-1, path-style)');
    expect(describeStore({ kind: 'local' })).toBe('local folders in the data dir');
  });
});

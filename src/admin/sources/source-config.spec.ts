import { maskSecrets, maskUrl } from './source-config.js';

describe('masking source config', () => {
  it('masks URL passwords and secret-looking query parameters, keeping the rest', () => {
    expect(maskUrl('https://user:pw@host.example/path?api_key=abc&db=clinvar')).toBe(
      'https://user:***@host.example/path?api_key=***&db=clinvar',
    );
    expect(maskUrl('not a url')).toBe('not a url');
  });

  it('masks secret-named keys at any depth and URLs inside arrays', () => {
    expect(
      maskSecrets({
        token: 't0ken',
        nested: { password: 'p', batch: 5 },
        regions: [{ url: 'https://a:b@panelapp.example/api' }],
        empty: null,
      }),
    ).toEqual({
      token: '***',
      nested: { password: '***', batch: 5 },
      regions: [{ url: 'https://a:***@panelapp.example/api' }],
      empty: null,
    });
  });
});

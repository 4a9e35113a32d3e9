import { cacheRecord } from './cache-entry.js';

const fields = (json: string) => ({
  namespace: 'n',
  key: 'k',
  json,
  bytes: Buffer.byteLength(json),
  expiresAt: null,
  staleUntil: null,
});

describe('cacheRecord', () => {
  it('keeps the JSON text as given, byte for byte (key order included)', () => {
    const json = '{"z":1,"a":{"y":[1,2],"b":"é"}}';
    expect(cacheRecord(fields(json)).json).toBe(json);
  });

  it('parses the value from the text once, deeply frozen', () => {
    const record = cacheRecord(fields('{"a":{"b":[1,{"c":2}]}}'));
    const value = record.value as { a: { b: [number, { c: number }] } };
    expect(value).toEqual({ a: { b: [1, { c: 2 }] } });
    expect(record.value).toBe(value);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(() => {
      value.a.b[1].c = 3;
    }).toThrow(TypeError);
  });

  it('does not parse until the value is read', () => {
    // Invalid JSON would throw on parse: creating and reading the text must not.
    const record = cacheRecord(fields('{not json'));
    expect(record.json).toBe('{not json');
    expect(() => record.value).toThrow(SyntaxError);
  });
});

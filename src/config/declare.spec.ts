import { bool, decimal, int, oneOf, sourceUrl, text, type Variable } from './declare.js';
import { VARIABLE_GROUPS } from './variables/index.js';

const read = (variable: Variable<unknown>, raw: string) => variable.read(raw, 'X');

describe('declaring a variable', () => {
  it('reads integers, trimming spaces, and names the variable for each broken bound', () => {
    const port = int({ default: 3000, min: 1, max: 10, doc: 'd' });
    expect(read(port, ' 7 ')).toEqual({ ok: true, value: 7 });
    expect(read(port, '1.5')).toEqual({ ok: false, messages: ['X must be an integer number'] });
    expect(read(port, '0')).toEqual({ ok: false, messages: ['X must not be less than 1'] });
    expect(read(port, '11')).toEqual({ ok: false, messages: ['X must not be greater than 10'] });
    expect(port.accepts).toBe('integer 1–10');
  });

  it('reads decimals', () => {
    const threshold = decimal({ default: 0.3, min: 0, max: 4, doc: 'd' });
    expect(read(threshold, '0.75')).toEqual({ ok: true, value: 0.75 });
    expect(read(threshold, 'half').ok).toBe(false);
    expect(read(threshold, '4.5')).toEqual({
      ok: false,
      messages: ['X must not be greater than 4'],
    });
  });

  it('reads switches in the words people write', () => {
    const flag = bool({ doc: 'd' });
    expect(flag.defaultValue).toBeUndefined();
    expect(['yes', 'ON', '1', 'true'].map((w) => read(flag, w))).toEqual(
      Array(4).fill({ ok: true, value: true }),
    );
    expect(['no', 'Off', '0', 'false'].map((w) => read(flag, w))).toEqual(
      Array(4).fill({ ok: true, value: false }),
    );
    expect(read(flag, 'maybe')).toEqual({ ok: false, messages: ['X must be a boolean value'] });
  });

  it('takes enum words exactly as written', () => {
    const mode = oneOf(['smart', 'full'], { default: 'smart', doc: 'd' });
    expect(read(mode, 'full')).toEqual({ ok: true, value: 'full' });
    expect(read(mode, 'Full')).toEqual({
      ok: false,
      messages: ['X must be one of the following values: smart, full'],
    });
  });

  it('reports every rule a text breaks', () => {
    const secret = text({
      minLength: 8,
      valid: /^[a-z]+$/,
      format: 'must be lower case',
      doc: 'd',
    });
    expect(read(secret, 'abcdefgh')).toEqual({ ok: true, value: 'abcdefgh' });
    expect(read(secret, 'ABC')).toEqual({
      ok: false,
      messages: ['X must be at least 8 characters', 'X must be lower case'],
    });
    const url = sourceUrl({ default: 'https://a.example', doc: 'd' });
    expect(url.switchesToLive).toBe(true);
    expect(read(url, 'ftp://a.example')).toEqual({
      ok: false,
      messages: ['X must be an http(s) URL'],
    });
  });
});

describe('the declared variables', () => {
  const declared = VARIABLE_GROUPS.flatMap((g) =>
    Object.entries(g.variables as Record<string, Variable<unknown>>),
  );

  it('have upper-case names, each declared once, and a one-line doc', () => {
    const names = declared.map(([name]) => name);
    expect(names.filter((n) => !/^[A-Z][A-Z0-9_]*$/.test(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(declared.filter(([, v]) => v.doc.trim() === '' || v.doc.includes('\n'))).toEqual([]);
  });

  it('each have a default their own rules accept, or are optional', () => {
    const broken = declared
      .filter(([, v]) => v.defaultValue !== undefined && v.defaultValue !== '')
      .filter(([name, v]) => {
        const result = v.read(String(v.defaultValue), name);
        return !result.ok || result.value !== v.defaultValue;
      })
      .map(([name]) => name);
    expect(broken).toEqual([]);
  });
});

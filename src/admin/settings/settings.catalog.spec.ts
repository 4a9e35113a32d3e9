import { SETTINGS } from './settings.catalog.js';

describe('settings catalogue', () => {
  it('gives every setting its own positive whole-number id (the original clients address by it)', () => {
    const ids = SETTINGS.map((s) => s.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(SETTINGS.length);
  });
});

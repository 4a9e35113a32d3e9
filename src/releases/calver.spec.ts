import { compareCalVer, parseCalVer } from './calver.js';

describe('CalVer', () => {
  it('reads YYYY.M and YYYY.MM as the same month', () => {
    expect(parseCalVer('2025.9')).toEqual({ year: 2025, month: 9 });
    expect(parseCalVer('2025.09')).toEqual({ year: 2025, month: 9 });
    expect(parseCalVer('2025.12')).toEqual({ year: 2025, month: 12 });
  });

  it.each([
    '2025',
    '2025.',
    '2025.13',
    '2025.0',
    '25.1',
    '2025.1.1',
    ' 2025.1',
    '1999.5',
    'v2025.1',
  ])('refuses %p', (text) => {
    expect(parseCalVer(text)).toBeNull();
  });

  it('orders 2025.9 before 2025.10 and 2024.12 before 2025.1', () => {
    const versions = ['2025.10', '2025.9', '2025.1', '2024.12'];
    const sorted = versions.sort((a, b) => compareCalVer(parseCalVer(a)!, parseCalVer(b)!));
    expect(sorted).toEqual(['2024.12', '2025.1', '2025.9', '2025.10']);
  });
});

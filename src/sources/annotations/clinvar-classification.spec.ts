import {
  classifyGermline,
  type ClinVarClass,
  consequenceCategory,
  reviewStars,
} from './clinvar-classification.js';

describe('ClinVar germline classification rule', () => {
  it.each<[string, ClinVarClass, boolean]>([
    ['Pathogenic', 'pathogenic', false],
    ['Likely pathogenic', 'likely_pathogenic', false],
    ['Pathogenic/Likely pathogenic', 'likely_pathogenic', true],
    ['Pathogenic/Likely pathogenic/Pathogenic, low penetrance', 'likely_pathogenic', true],
    ['Pathogenic/Pathogenic, low penetrance', 'pathogenic', true],
    ['Pathogenic, low penetrance', 'pathogenic', false],
    ['Likely pathogenic, low penetrance', 'likely_pathogenic', false],
    ['Uncertain significance', 'vus', false],
    ['Likely benign', 'likely_benign', false],
    ['Benign', 'benign', false],
    ['Benign/Likely benign', 'likely_benign', true],
    ['Conflicting classifications of pathogenicity', 'conflicting', false],
    ['Conflicting interpretations of pathogenicity', 'conflicting', false],
    ['Conflicting classifications of pathogenicity; other', 'conflicting', false],
    ['Pathogenic; risk factor', 'pathogenic', false],
    ['not provided', 'not_provided', false],
    ['no classification provided', 'not_provided', false],
    ['no classifications from unflagged records', 'not_provided', false],
    ['', 'not_provided', false],
    ['risk factor', 'other', false],
    ['drug response', 'other', false],
    ['Likely pathogenic/Likely benign', 'other', true],
    ['Uncertain significance/Uncertain risk allele', 'other', true],
  ])('%j counts as %s', (description, expected, combined) => {
    expect(classifyGermline(description)).toEqual({ class: expected, combined });
  });

  it('never counts a conflicting classification as pathogenic', () => {
    expect(classifyGermline('Conflicting classifications of pathogenicity').class).not.toMatch(
      /pathogenic/,
    );
  });

  it.each([
    ['practice guideline', 4],
    ['reviewed by expert panel', 3],
    ['criteria provided, multiple submitters, no conflicts', 2],
    ['criteria provided, single submitter', 1],
    ['criteria provided, conflicting classifications', 1],
    ['no assertion criteria provided', 0],
    ['no classification provided', 0],
  ])('review status %j has %i stars', (status, stars) => {
    expect(reviewStars(status)).toBe(stars);
  });

  it.each([
    [['frameshift variant'], '', 'truncating'],
    [['nonsense'], '', 'truncating'],
    [['missense variant', 'splice donor variant'], '', 'splice'],
    [['inframe_deletion'], '', 'inframe'],
    [['intron variant'], '', 'noncoding'],
    [['5 prime UTR variant'], '', 'noncoding'],
    [['synonymous variant'], '', 'synonymous'],
    [[], 'NM_001009944.3(PKD1):c.12188_12189del (p.Leu4063fs)', 'truncating'],
    [[], 'NM_001009944.3(PKD1):c.8311G>A (p.Glu2771Lys)', 'missense'],
    [[], 'NM_001009944.3(PKD1):c.1A>G (p.=)', 'synonymous'],
    [[], 'GRCh38/hg38 16p13.3(chr16:2088708-2135898)x1', 'other'],
  ])('consequences %j / %j are %s', (consequences, title, category) => {
    expect(consequenceCategory(consequences, title)).toBe(category);
  });
});

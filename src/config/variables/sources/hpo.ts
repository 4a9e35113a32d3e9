import { decimal, group, sourceUrl, text } from '../../declare.js';

export const hpoVariables = group({
  title: 'Source: HPO',
  doc: 'The ontology, the gene-to-phenotype file and the kidney root (evidence), and the kidney terms, clinical groups and syndromic threshold of the HPO phenotype annotation.',
  variables: {
    HPO_ONTOLOGY_URL: sourceUrl({
      default: 'http://purl.obolibrary.org/obo/hp.json',
      doc: 'HPO ontology (obographs JSON)',
    }),
    HPO_GENES_TO_PHENOTYPE_URL: sourceUrl({
      shortDefault: '`…/hpoa/genes_to_phenotype.txt`',
      default: 'http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt',
      doc: 'HPO gene–phenotype–disease file',
    }),
    HPO_ROOT_TERM: text({
      default: 'HP:0010935',
      valid: /^HP:\d{7}$/,
      format: 'must look like HP:0010935',
      doc: 'kidney root: genes annotated to it or a descendant count',
    }),
    HPO_KIDNEY_TERMS: text({
      default: 'HP:0010935,HP:0000077,HP:0012210,HP:0000079',
      valid: /^HP:\d{7}(,HP:\d{7})*$/,
      format: 'must be a comma list of HPO ids',
      doc: 'HPO phenotype annotation: kidney phenotypes are these terms and their descendants',
    }),
    HPO_CLINICAL_GROUPS: text({
      defaultLabel: 'empty: the six built-in groups',
      default: '',
      valid: /^([a-z][a-z0-9_]*=HP:\d{7}(,HP:\d{7})*(;[a-z][a-z0-9_]*=HP:\d{7}(,HP:\d{7})*)*)?$/,
      format: 'must look like name=HP:0000100,HP:0000097;name=HP:…',
      doc: 'clinical groups as `name=HP:…,HP:…;name=…` (docs/api.md lists the built-in ones)',
    }),
    HPO_SYNDROMIC_THRESHOLD: decimal({
      default: 0.3,
      min: 0,
      max: 4,
      doc: 'a gene is syndromic when its extra-renal category shares add up to this',
    }),
  },
});

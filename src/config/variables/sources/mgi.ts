import { group, int, sourceUrl, text } from '../../declare.js';

export const mgiVariables = group({
  title: 'Source: MGI',
  doc: 'Mouse phenotypes (mpo_mgi): kidney MP terms are MGI_MP_ROOT_TERM and its is_a descendants in the MP ontology; phenotypes come from MouseMine template queries.',
  variables: {
    MGI_MP_ONTOLOGY_URL: sourceUrl({
      default: 'http://purl.obolibrary.org/obo/mp.json',
      doc: 'MP ontology (obographs JSON) for the `mpo_mgi` mouse-phenotype annotation',
    }),
    MGI_MP_ROOT_TERM: text({
      default: 'MP:0005367',
      valid: /^MP:\d{7}$/,
      format: 'must look like MP:0005367',
      doc: 'kidney root: MP terms at or below it (over `is_a`) are kidney phenotypes',
    }),
    MOUSEMINE_URL: sourceUrl({
      default: 'https://www.mousemine.org/mousemine/service',
      doc: 'MouseMine web service (template queries) for the `mpo_mgi` annotation',
    }),
    MOUSEMINE_BATCH_SIZE: int({
      default: 100,
      min: 1,
      max: 500,
      doc: 'human symbols per MouseMine `HGene_MPhenotype` request; a failed batch is retried gene by gene',
    }),
  },
});

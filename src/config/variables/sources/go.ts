import { group, sourceUrl } from '../../declare.js';

export const goVariables = group({
  title: 'Source: Gene Ontology',
  doc: 'GO terms of each gene (go) and the GO_BP, GO_MF and GO_CC gene-set libraries: the human GO annotation file (GAF 2.2, gzip, streamed) and the go-basic ontology (obographs JSON), both read once per run.',
  variables: {
    GO_ANNOTATIONS_URL: sourceUrl({
      shortDefault: '`…/annotations/goa_human.gaf.gz`',
      default: 'https://current.geneontology.org/annotations/goa_human.gaf.gz',
      doc: 'GO annotation file of human genes (GAF 2.2, gzip) for the `go` annotation',
    }),
    GO_ONTOLOGY_URL: sourceUrl({
      shortDefault: '`…/ontology/go-basic.json`',
      default: 'https://current.geneontology.org/ontology/go-basic.json',
      doc: 'GO ontology, go-basic (obographs JSON): term names, namespaces, is_a and part_of',
    }),
  },
});

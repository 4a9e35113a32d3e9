/**
 * The client's gene_set names (Enrichr library names, which the original sent to Enrichr)
 * and the local library each one reads. The year in a name is the client's label; the
 * library is whatever release the annotation source last loaded (its version is returned).
 */
export const GENE_SET_LIBRARIES = {
  GO_Biological_Process_2023: 'GO_BP',
  GO_Molecular_Function_2023: 'GO_MF',
  GO_Cellular_Component_2023: 'GO_CC',
  Reactome_2022: 'Reactome',
} as const satisfies Record<string, string>;

export const GENE_SET_NAMES = Object.keys(
  GENE_SET_LIBRARIES,
) as (keyof typeof GENE_SET_LIBRARIES)[];

/** The HPO library (written by the hpo_phenotypes annotation source). */
export const HPO_LIBRARY = 'HPO';

import { group, sourceUrl } from '../../declare.js';

export const descartesVariables = group({
  title: 'Source: Descartes',
  doc: 'Fetal kidney single-cell expression (descartes) from the Descartes human fetal gene atlas (Cao et al. 2020): two headerless `symbol,value` CSV files, each downloaded once per run.',
  variables: {
    DESCARTES_TPM_URL: sourceUrl({
      shortDefault: '`…/human_gtex/tables/tissue_tpm/kidney.csv`',
      default:
        'https://atlas.fredhutch.org/data/bbi/descartes/human_gtex/tables/tissue_tpm/kidney.csv',
      doc: 'Descartes kidney expression per gene (TPM) for the `descartes` annotation',
    }),
    DESCARTES_PERCENTAGE_URL: sourceUrl({
      shortDefault: '`…/human_gtex/tables/tissue_percentage/kidney.csv`',
      default:
        'https://atlas.fredhutch.org/data/bbi/descartes/human_gtex/tables/tissue_percentage/kidney.csv',
      doc: 'Descartes fraction of kidney cells expressing each gene (0–1) for the `descartes` annotation',
    }),
  },
});

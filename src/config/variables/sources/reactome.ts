import { group, sourceUrl, text } from '../../declare.js';

export const reactomeVariables = group({
  title: 'Source: Reactome',
  doc: 'Reactome pathways of each gene (reactome) and the Reactome gene-set library, from the NCBI gene → pathway file at all levels, read once per run. The file names no release, so REACTOME_VERSION states it.',
  variables: {
    REACTOME_URL: sourceUrl({
      shortDefault: '`…/current/NCBI2Reactome_All_Levels.txt`',
      default: 'https://reactome.org/download/current/NCBI2Reactome_All_Levels.txt',
      doc: 'Reactome NCBI2Reactome_All_Levels.txt for the `reactome` annotation',
    }),
    REACTOME_VERSION: text({
      default: '94',
      valid: /^\d+$/,
      format: 'must be a release number such as 94',
      doc: 'Reactome release the file at REACTOME_URL belongs to, stored as the version',
    }),
  },
});

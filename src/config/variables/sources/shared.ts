import { group, int, text } from '../../declare.js';

export const sharedSourceVariables = group({
  title: 'Sources: shared settings',
  doc: 'Settings several sources read: the kidney keywords of GenCC and PanelApp, and how annotation runs are chunked and scheduled (one row per gene and source in gene_annotations).',
  variables: {
    KIDNEY_KEYWORDS: text({
      shortDefault: 'kidney, renal, nephro, … (18)',
      default:
        'kidney,renal,nephro,glomerul,tubulopathy,tubulointerstitial,polycystic,alport,nephritis,cystic kidney,ciliopathy,complement,cakut,focal segmental,steroid resistant,nephrotic,proteinuria,hematuria',
      minLength: 1,
      doc: 'keywords that make a GenCC disease or a PanelApp panel a kidney one',
    }),
    ANNOTATION_CHUNK_SIZE: int({
      default: 100,
      min: 1,
      max: 5000,
      doc: 'genes fetched together and stored in one transaction by an annotation run',
    }),
    ANNOTATION_UPDATE_DAYS: text({
      shortDefault: '`hgnc=7,clinvar=30,gnomad=90,…`',
      default:
        'hgnc=7,clinvar=30,gnomad=90,gtex=90,uniprot=30,ensembl=30,hpo_phenotypes=30,string_ppi=90,mpo_mgi=30,descartes=90,go=30,reactome=90',
      valid: /^(\s*[a-z][a-z0-9_]*\s*=\s*\d+\s*)?(,\s*[a-z][a-z0-9_]*\s*=\s*\d+\s*)*$/,
      format: 'must look like source=days,source=days',
      doc: 'days between scheduled updates per annotation source (unlisted: 30); shown as `next_update_due`',
    }),
  },
});

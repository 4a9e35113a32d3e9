import { group, sourceUrl, text } from '../../declare.js';

export const clingenVariables = group({
  title: 'Source: ClinGen',
  doc: 'The gene-validity CSV, and the kidney expert panels and disease keywords whose curations are kept.',
  variables: {
    CLINGEN_URL: sourceUrl({
      shortDefault: 'ClinGen gene-validity CSV',
      default: 'https://search.clinicalgenome.org/kb/gene-validity/download',
      doc: 'where the ClinGen source downloads from',
    }),
    CLINGEN_EXPERT_PANELS: text({
      shortDefault: 'the five kidney GCEPs',
      default:
        'Kidney Cystic and Ciliopathy Disorders,Glomerulopathy,Tubulopathy,Complement-Mediated Kidney Diseases,Congenital Anomalies of the Kidney and Urinary Tract',
      minLength: 1,
      doc: 'expert panels whose curations are kept',
    }),
    CLINGEN_KEYWORDS: text({
      shortDefault: 'kidney, renal, nephro, … (12)',
      default:
        'kidney,renal,nephro,glomerul,tubul,polycystic,alport,nephritis,cystic,ciliopathy,complement,cakut',
      minLength: 1,
      doc: 'disease-label keywords that also keep a curation',
    }),
  },
});

import { ClinVarAnnotationSource } from '../annotations/clinvar.source.js';
import { DescartesAnnotationSource } from '../annotations/descartes.source.js';
import { EnsemblAnnotationSource } from '../annotations/ensembl.source.js';
import { GnomadAnnotationSource } from '../annotations/gnomad.source.js';
import { GoAnnotationSource } from '../annotations/go.source.js';
import { GtexAnnotationSource } from '../annotations/gtex.source.js';
import { HgncAnnotationSource } from '../annotations/hgnc.source.js';
import { HpoPhenotypesAnnotationSource } from '../annotations/hpo-phenotypes.source.js';
import { MgiAnnotationSource } from '../annotations/mgi.source.js';
import { ReactomeAnnotationSource } from '../annotations/reactome.source.js';
import { StringPpiAnnotationSource } from '../annotations/string-ppi.source.js';
import { UniProtAnnotationSource } from '../annotations/uniprot.source.js';
import { ClinGenSource } from '../evidence/clingen.source.js';
import { GenccSource } from '../evidence/gencc.source.js';
import { HpoSource } from '../evidence/hpo.source.js';
import { PanelAppSource } from '../evidence/panelapp.source.js';
import { PubTatorSource } from '../evidence/pubtator.source.js';

/**
 * Every upstream source class the app runs: the one list a new source is added to. Its
 * declaration (on the class) tells the registry, admin, staging, run order and scoring
 * the rest; upload sources are declared in upload-sources.ts.
 */
export const SOURCE_CLASSES = [
  PanelAppSource,
  ClinGenSource,
  GenccSource,
  HpoSource,
  PubTatorSource,
  HgncAnnotationSource,
  ClinVarAnnotationSource,
  GnomadAnnotationSource,
  GtexAnnotationSource,
  UniProtAnnotationSource,
  EnsemblAnnotationSource,
  HpoPhenotypesAnnotationSource,
  StringPpiAnnotationSource,
  MgiAnnotationSource,
  DescartesAnnotationSource,
  GoAnnotationSource,
  ReactomeAnnotationSource,
];

import { group, sourceUrl, text } from '../../declare.js';

export const panelappVariables = group({
  title: 'Source: PanelApp',
  doc: 'PanelApp UK and Australia API bases, and the gene confidence levels kept.',
  variables: {
    PANELAPP_UK_URL: sourceUrl({
      default: 'https://panelapp.genomicsengland.co.uk/api/v1',
      doc: 'PanelApp UK API',
    }),
    PANELAPP_AU_URL: sourceUrl({
      default: 'https://panelapp-aus.org/api/v1',
      doc: 'PanelApp Australia API',
    }),
    PANELAPP_CONFIDENCE_LEVELS: text({
      default: '2,3,4',
      valid: /^[0-4](,[0-4])*$/,
      format: 'must be a comma list of 0-4',
      doc: 'gene confidence levels kept (3–4 Green, 2 Amber)',
    }),
  },
});

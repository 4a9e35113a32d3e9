/** An approved symbol as HGNC writes them: letters, digits and `_ . @ -`, at most 40 long. */
export const GENE_SYMBOL = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,39}$/;

/** An HGNC id as a client may give it (HGNC numbers have at most seven digits). */
export const HGNC_ID_INPUT = /^HGNC:\d{1,7}$/;

/** An evidence source name as routes and filters accept it (PanelApp, ClinGen, ...). */
export const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

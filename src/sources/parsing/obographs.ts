/**
 * Obographs JSON (the `.json` release of OBO ontologies such as HPO, MP and GO): the graph's
 * release, term names and OBO namespaces, and the terms above or below a term over `is_a`
 * (and, when asked, other relations such as GO's `part_of`), for any id prefix.
 */

/** The `part_of` relation (BFO_0000050) as obographs names it in edges. */
export const PART_OF = 'http://purl.obolibrary.org/obo/BFO_0000050';
const HAS_OBO_NAMESPACE = 'http://www.geneontology.org/formats/oboInOwl#hasOBONamespace';

interface ObographNode {
  id?: string;
  lbl?: string;
  meta?: {
    deprecated?: boolean;
    basicPropertyValues?: { pred?: string; val?: string }[];
  };
}
interface ObographEdge {
  sub?: string;
  pred?: string;
  obj?: string;
}
export interface Obograph {
  meta?: { version?: string };
  nodes?: ObographNode[];
  edges?: ObographEdge[];
}

/** `http://purl.obolibrary.org/obo/MP_0005367` → `MP:0005367` (any OBO prefix). */
export function oboTermId(iri: string | undefined): string | null {
  const match = /\/([A-Za-z][A-Za-z0-9]*)_(\d+)$/.exec(iri ?? '');
  return match ? `${match[1]}:${match[2]}` : null;
}

/** The first graph of an obographs document; `label` names the file in errors. */
export function parseObograph(ontologyJson: string, label: string): Obograph {
  let parsed: { graphs?: Obograph[] };
  try {
    parsed = JSON.parse(ontologyJson) as { graphs?: Obograph[] };
  } catch {
    throw new Error(`${label}: not JSON`);
  }
  const graph = parsed?.graphs?.[0];
  if (!Array.isArray(graph?.edges)) {
    throw new Error(`${label}: no graph with edges`);
  }
  return graph;
}

/**
 * The release of a graph from `meta.version`: the `releases/<release>/` segment of the
 * version IRI (`…/mp/releases/2025-03-12/mp.json` → `2025-03-12`), else the IRI itself.
 */
export function obographRelease(graph: Obograph): string | null {
  const version = graph.meta?.version;
  if (typeof version !== 'string' || version.length === 0) {
    return null;
  }
  return /\/releases\/([^/]+)\//.exec(version)?.[1] ?? version;
}

/** Appends `value` to the list under `key`. */
function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * The hierarchy of a graph over `relations` (`is_a` unless told, edge `pred` values), kept
 * as child and parent indexes with term labels and OBO namespaces only; deprecated terms
 * (and terms labelled `obsolete …`) and their edges are left out. Descendant sets are
 * computed on demand and memoized per root.
 */
export class OboHierarchy {
  private readonly children = new Map<string, string[]>();
  private readonly parents = new Map<string, string[]>();
  private readonly names = new Map<string, string>();
  private readonly namespaces = new Map<string, string>();
  private readonly closures = new Map<string, ReadonlySet<string>>();

  constructor(graph: Obograph, relations: readonly string[] = ['is_a']) {
    const deprecated = new Set<string>();
    for (const node of graph.nodes ?? []) {
      const id = oboTermId(node.id);
      if (!id) {
        continue;
      }
      if (node.meta?.deprecated || node.lbl?.startsWith('obsolete ')) {
        deprecated.add(id);
        continue;
      }
      if (node.lbl) {
        this.names.set(id, node.lbl);
      }
      const namespace = node.meta?.basicPropertyValues?.find((p) => p.pred === HAS_OBO_NAMESPACE);
      if (namespace?.val) {
        this.namespaces.set(id, namespace.val);
      }
    }
    for (const e of graph.edges ?? []) {
      if (!relations.includes(e.pred ?? '')) {
        continue;
      }
      const sub = oboTermId(e.sub);
      const obj = oboTermId(e.obj);
      if (!sub || !obj || deprecated.has(sub) || deprecated.has(obj)) {
        continue;
      }
      push(this.children, obj, sub);
      push(this.parents, sub, obj);
    }
  }

  name(id: string): string | undefined {
    return this.names.get(id);
  }

  /** The OBO namespace of a term (GO: `biological_process`, …), when the graph states it. */
  namespace(id: string): string | undefined {
    return this.namespaces.get(id);
  }

  /** Every term above `term` over the relations, not the term itself. */
  ancestors(term: string): Set<string> {
    const found = new Set<string>();
    const queue = [term];
    while (queue.length) {
      for (const parent of this.parents.get(queue.pop()!) ?? []) {
        if (!found.has(parent) && parent !== term) {
          found.add(parent);
          queue.push(parent);
        }
      }
    }
    return found;
  }

  /** The term and every term below it over `is_a`. */
  descendants(root: string): ReadonlySet<string> {
    let found = this.closures.get(root);
    if (found) {
      return found;
    }
    const set = new Set<string>([root]);
    const queue = [root];
    while (queue.length) {
      for (const child of this.children.get(queue.pop()!) ?? []) {
        if (!set.has(child)) {
          set.add(child);
          queue.push(child);
        }
      }
    }
    found = set;
    this.closures.set(root, found);
    return found;
  }

  /** Whether `term` is any of `roots` or below one of them. */
  under(term: string, roots: readonly string[]): boolean {
    return roots.some((root) => this.descendants(root).has(term));
  }
}

/** The root and every term below it over `is_a`, skipping deprecated terms. */
export function obographDescendants(graph: Obograph, root: string): Set<string> {
  return new Set(new OboHierarchy(graph).descendants(root));
}

/** The root and its `is_a` descendants in an HPO ontology file (kept for the HPO source). */
export function descendantsOf(ontologyJson: string, root: string): Set<string> {
  return obographDescendants(parseObograph(ontologyJson, 'HPO ontology'), root);
}

export const ROLES = ['viewer', 'curator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Each role includes the ones before it: admin ⊃ curator ⊃ viewer. */
const RANK: Record<Role, number> = { viewer: 1, curator: 2, admin: 3 };

export function roleSatisfies(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

const VIEWER = ['genes:read', 'annotations:read'] as const;
const CURATOR = [...VIEWER, 'genes:write', 'annotations:write', 'ingestion:run'] as const;
const ADMIN = [
  ...CURATOR,
  'genes:delete',
  'annotations:delete',
  'users:read',
  'users:write',
  'users:delete',
  'cache:manage',
  'logs:read',
  'pipeline:manage',
  'system:manage',
] as const;

/** Permissions are derived from the role, never stored. */
export function permissionsFor(role: Role): string[] {
  return [...{ viewer: VIEWER, curator: CURATOR, admin: ADMIN }[role]];
}

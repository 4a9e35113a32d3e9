import type { NextFunction, Request, Response } from 'express';

import type { DatabaseEndpoint } from '../database/database-endpoint.js';
import { MaintenanceError } from './backup.error.js';
import type { BackupsRepository } from './backups.repository.js';
import { MaintenanceMiddleware, MaintenanceState } from './maintenance.service.js';

function setup(active: boolean) {
  const state = new MaintenanceState(
    {} as BackupsRepository,
    { url: 'postgres://127.0.0.1:1/none' } as DatabaseEndpoint,
  );
  state.active = active;
  const middleware = new MaintenanceMiddleware(state);
  const pass = (url: string, method = 'GET'): boolean => {
    let passed = false;
    const next: NextFunction = () => {
      passed = true;
    };
    middleware.use({ originalUrl: url, method } as Request, {} as Response, next);
    return passed;
  };
  return { pass };
}

describe('maintenance middleware', () => {
  it('lets everything through when no restore runs', () => {
    const { pass } = setup(false);
    expect(pass('/api/genes')).toBe(true);
    expect(pass('/api/admin/backups/create', 'POST')).toBe(true);
  });

  it('answers 503 MAINTENANCE with Retry-After to reads and writes during a restore', () => {
    const { pass } = setup(true);
    for (const [url, method] of [
      ['/api/genes', 'GET'],
      ['/api/auth/login', 'POST'],
      ['/healthy-looking/but/not', 'GET'],
    ]) {
      let error: unknown;
      try {
        pass(url, method);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MaintenanceError);
      expect(error).toMatchObject({ status: 503, code: 'MAINTENANCE' });
      expect((error as MaintenanceError).headers).toEqual({ 'Retry-After': '10' });
    }
  });

  it('still serves the probes, the version and metrics', () => {
    const { pass } = setup(true);
    for (const url of ['/health/live', '/health/ready', '/health', '/version', '/metrics?x=1']) {
      expect(pass(url)).toBe(true);
    }
  });
});

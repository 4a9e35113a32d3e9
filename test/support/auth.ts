import type { TestApp } from './app-factory.js';
import { TEST_ADMIN_PASSWORD } from './app-factory.js';

export interface LoggedIn {
  accessToken: string;
  /** The raw refresh token from the Set-Cookie header. */
  refreshToken: string;
}

export function refreshCookieFrom(setCookie: string[] | string | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const cookie = cookies.find((c) => c.startsWith('refresh_token='));
  if (!cookie) {
    throw new Error(`no refresh cookie in ${JSON.stringify(cookies)}`);
  }
  return decodeURIComponent(cookie.split(';')[0].slice('refresh_token='.length));
}

export async function login(t: TestApp, username: string, password: string): Promise<LoggedIn> {
  const res = await t.http().post('/api/auth/login').send({ username, password }).expect(200);
  return {
    accessToken: res.body.access_token as string,
    refreshToken: refreshCookieFrom(res.headers['set-cookie']),
  };
}

export function loginAdmin(t: TestApp): Promise<LoggedIn> {
  return login(t, 'admin', TEST_ADMIN_PASSWORD);
}

let counter = 0;

/** Registers a user through the admin API and logs them in. */
export async function createUser(
  t: TestApp,
  adminToken: string,
  role: 'viewer' | 'curator' | 'admin',
): Promise<LoggedIn & { id: number; username: string; password: string }> {
  counter += 1;
  const username = `${role}_${process.pid}_${counter}`;
  const password = `Str0ng-${role}-Pass-${counter}`;
  const res = await t
    .http()
    .post('/api/auth/register')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ username, email: `${username}@example.org`, password, role })
    .expect(201);
  return { id: res.body.id as number, username, password, ...(await login(t, username, password)) };
}

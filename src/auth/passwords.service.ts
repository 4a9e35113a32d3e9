import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type Algorithm, hash, verify } from '@node-rs/argon2';

import { AppConfig } from '../config/index.js';
import { WeakPasswordError } from './auth.errors.js';
import { isCommonPassword } from './common-passwords.js';

// Algorithm.Argon2id; the enum is a const enum, which isolated modules cannot read.
const ARGON2ID = 2 as Algorithm;
const ARGON2 = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const CLASSES: [RegExp, string][] = [
  [/[a-z]/, 'lower-case letters'],
  [/[A-Z]/, 'upper-case letters'],
  [/[0-9]/, 'digits'],
  [/[^A-Za-z0-9]/, 'symbols'],
];

/** Argon2id hashing and the configured strength policy. */
@Injectable()
export class PasswordsService {
  // Verified against when the user does not exist, so timing does not reveal accounts.
  private readonly decoy: Promise<string>;

  constructor(private readonly config: AppConfig) {
    this.decoy = hash(randomBytes(16).toString('hex'), ARGON2);
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2);
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }

  /** Throws WEAK_PASSWORD listing every rule the password breaks. */
  assertStrong(password: string, personal: (string | null | undefined)[] = []): void {
    const { passwordMinLength, passwordMinClasses } = this.config.auth;
    const problems: string[] = [];
    if (password.length < passwordMinLength) {
      problems.push(`at least ${passwordMinLength} characters`);
    }
    const present = CLASSES.filter(([re]) => re.test(password)).length;
    if (present < passwordMinClasses) {
      problems.push(
        `mix at least ${passwordMinClasses} of: ${CLASSES.map(([, label]) => label).join(', ')}`,
      );
    }
    const lowered = password.toLowerCase();
    for (const value of personal) {
      const part = value?.split('@')[0]?.toLowerCase();
      if (part && part.length >= 3 && lowered.includes(part)) {
        problems.push('must not contain the username or e-mail');
        break;
      }
    }
    if (this.config.auth.rejectCommonPasswords && isCommonPassword(password)) {
      problems.push('must not be a commonly used password');
    }
    if (problems.length > 0) {
      throw new WeakPasswordError(problems);
    }
  }

  /** A random password meeting any policy the config allows (for the bootstrap admin). */
  generate(): string {
    const core = randomBytes(18).toString('base64url');
    return `${core}aA1!`;
  }
}

import { bool, group, int, text } from '../declare.js';

export const authVariables = group({
  title: 'Authentication',
  doc: 'Tokens, the password policy, the per-account login back-off and the admin created on first start. After LOGIN_FREE_ATTEMPTS failures within the window each attempt waits LOGIN_BACKOFF_BASE_SECONDS, twice as long after each further failure, up to LOGIN_BACKOFF_MAX_SECONDS (429); accounts never lock.',
  variables: {
    JWT_SECRET: text({
      minLength: 32,
      valid: /^(?!.*(change|placeholder|secret-key|example)).*$/i,
      format: 'looks like a placeholder; use a random value',
      accepts: 'at least 32 characters, not a placeholder',
      doc: 'HS256 key (≥ 32 chars); required in production; unset elsewhere = random per process',
    }),
    JWT_ACCESS_TTL_MINUTES: int({ default: 30, min: 1, max: 1440, doc: 'access token lifetime' }),
    REFRESH_TOKEN_TTL_DAYS: int({
      default: 7,
      min: 1,
      max: 365,
      doc: 'refresh token (session) lifetime; tokens rotate on every use',
    }),
    REFRESH_REUSE_GRACE_SECONDS: int({
      default: 10,
      min: 0,
      max: 60,
      doc: 'a rotated refresh token presented again this soon gets the same successor (parallel refreshes); later, reuse revokes the session; 0 = no grace',
    }),
    PASSWORD_MIN_LENGTH: int({ default: 10, min: 8, max: 128, doc: 'minimum password length' }),
    PASSWORD_MIN_CHARACTER_CLASSES: int({
      default: 3,
      min: 1,
      max: 4,
      doc: 'how many of lower, upper, digit, symbol a password mixes',
    }),
    PASSWORD_REJECT_COMMON: bool({
      default: true,
      doc: 'reject passwords from a common-password list, also with l33t spellings or appended digits',
    }),
    LOGIN_FREE_ATTEMPTS: int({
      default: 5,
      min: 1,
      max: 100,
      doc: 'failed logins per account (known or not) before the back-off starts',
    }),
    LOGIN_BACKOFF_BASE_SECONDS: int({
      default: 1,
      min: 1,
      max: 3600,
      doc: 'first wait of the back-off; each further failure doubles it',
    }),
    LOGIN_BACKOFF_MAX_SECONDS: int({
      default: 60,
      min: 1,
      max: 3600,
      doc: 'longest per-account wait between attempts (429); accounts never lock',
    }),
    LOGIN_FAILURE_WINDOW_MINUTES: int({
      default: 15,
      min: 1,
      max: 1440,
      doc: 'failures older than this stop counting towards the back-off',
    }),
    ADMIN_USERNAME: text({
      default: 'admin',
      valid: /^[a-zA-Z0-9_-]{3,50}$/,
      format: 'must be 3-50 of [a-zA-Z0-9_-]',
      doc: 'bootstrap admin created on first start',
    }),
    ADMIN_EMAIL: text({
      default: 'admin@kidney-genetics.local',
      valid: /^[^\s@]+@[^\s@]+$/,
      format: 'must be an e-mail address',
      doc: 'its e-mail',
    }),
    ADMIN_PASSWORD: text({
      doc: 'its password; unset = generated and printed once to the console',
    }),
    ADMIN_FORCE_PASSWORD_RESET: bool({
      default: false,
      doc: "reset that admin's password at startup",
    }),
  },
});

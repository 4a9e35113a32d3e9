import { group, int } from '../declare.js';

export const rateLimitVariables = group({
  title: 'Inbound rate limits',
  doc: 'The default per client and route; login per IP and account, per IP, and for the whole instance; forgotten-password requests per IP and reset mails per account.',
  variables: {
    RATE_LIMIT_PER_MINUTE: int({ default: 600, min: 1, doc: 'default limit per client and route' }),
    RATE_LIMIT_LOGIN_PER_MINUTE: int({
      default: 5,
      min: 1,
      doc: 'login attempts per IP and account',
    }),
    RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: int({
      default: 30,
      min: 1,
      doc: 'login attempts per IP, whatever the account',
    }),
    RATE_LIMIT_LOGIN_GLOBAL_PER_MINUTE: int({
      default: 600,
      min: 1,
      doc: 'login attempts for the whole instance (a ceiling on password-hashing CPU)',
    }),
    RATE_LIMIT_FORGOT_PASSWORD_PER_HOUR: int({
      default: 3,
      min: 1,
      doc: 'forgotten-password requests per IP',
    }),
    RATE_LIMIT_FORGOT_PASSWORD_PER_ACCOUNT_PER_HOUR: int({
      default: 3,
      min: 1,
      doc: 'reset mails per account, whichever IPs ask; the answer stays the same',
    }),
  },
});

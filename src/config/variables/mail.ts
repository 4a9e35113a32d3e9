import { group, text } from '../declare.js';

export const mailVariables = group({
  title: 'Mail',
  doc: 'Password-reset mail; without SMTP_URL no mail is sent.',
  variables: {
    SMTP_URL: text({
      valid: /^smtps?:\/\/.+/,
      format: 'must be an smtp:// or smtps:// URL',
      doc: '`smtp://user:pass@host:port` for reset mail; unset = no mail sent',
    }),
    MAIL_FROM: text({
      default: 'Kidney Genetics DB <no-reply@kidney-genetics.local>',
      shortDefault: '`Kidney Genetics DB <no-reply@…>`',
      doc: 'sender of reset mail',
    }),
    PUBLIC_APP_URL: text({ default: 'http://localhost:3000', doc: 'base of links in reset mail' }),
  },
});

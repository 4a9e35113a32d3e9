import { createSecretKey } from 'node:crypto';

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';

import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard.js';
import { AppConfig } from '../config/index.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { BootstrapAdminService } from './bootstrap-admin.service.js';
import { LoginThrottleEntity } from './entities/login-throttle.entity.js';
import { PasswordResetTokenEntity } from './entities/password-reset-token.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { AccessGuard } from './guards/access.guard.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { MailerService } from './mail/mailer.service.js';
import { PasswordsService } from './passwords.service.js';
import { ServiceTokens } from './service-tokens.js';
import { SigningKeys } from './signing-keys.js';
import { TokensRepository } from './tokens.repository.js';
import { JWT_ISSUER, TokensService } from './tokens.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

// Auth's public surface beyond its services, decorators and guards (docs/architecture.md).
export { REFRESH_COOKIE_PATH } from './auth.controller.js';
export { roleSatisfies } from './roles.js';
export { isServiceTokenDigest, serviceTokenDigest, ServiceTokens } from './service-tokens.js';

const signingKeysProvider = {
  provide: SigningKeys,
  inject: [AppConfig],
  useFactory: (config: AppConfig): SigningKeys => SigningKeys.fromConfig(config),
};

const jwtProvider = {
  provide: JwtService,
  inject: [SigningKeys],
  useFactory: (keys: SigningKeys): JwtService =>
    new JwtService({
      // A key object, not the string: jsonwebtoken first tries to parse a string secret as
      // a PEM public (or private) key on every verify (and sign), and that failed parse
      // was a fifth of an authenticated request's CPU.
      secret: createSecretKey(Buffer.from(keys.jwtSecret)),
      signOptions: { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_ISSUER },
      verifyOptions: { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_ISSUER },
    }),
};

/**
 * Owns users, roles, tokens and the global guards: inbound rate limits, then
 * deny-by-default access control for every route.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      UserEntity,
      RefreshTokenEntity,
      PasswordResetTokenEntity,
      LoginThrottleEntity,
    ]),
  ],
  controllers: [AuthController, UsersController, AdminUsersController],
  providers: [
    signingKeysProvider,
    jwtProvider,
    ServiceTokens,
    UsersRepository,
    TokensRepository,
    LoginThrottleRepository,
    LoginThrottleService,
    PasswordsService,
    TokensService,
    AuthService,
    UsersService,
    MailerService,
    BootstrapAdminService,
    RateLimitGuard,
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
  ],
  exports: [UsersService, AccessGuard, RateLimitGuard, ServiceTokens],
})
export class AuthModule {}

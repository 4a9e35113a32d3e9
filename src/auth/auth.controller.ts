import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';

import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { AppConfig } from '../config/index.js';
import { ForbiddenError, UnauthorizedError } from './auth.errors.js';
import { AuthService, type Session } from './auth.service.js';
import { Public, RequireRole } from './decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from './decorators/current-user.decorator.js';
import {
  ChangePasswordRequest,
  ForgotPasswordRequest,
  LoginRequest,
  LogoutRequest,
  RefreshRequest,
  ResetPasswordRequest,
} from './dto/auth.requests.js';
import { MessageResponse, TokenResponse, UserResponse } from './dto/auth.responses.js';
import { type ClientInfo, DEVICE_TTL_SECONDS } from './tokens.service.js';
import { UsersService } from './users.service.js';

export const REFRESH_COOKIE = 'refresh_token';
/** Marks a browser that signed in to an account before (see TokensService.signDevice). */
export const DEVICE_COOKIE = 'kgdb_device';
/** The refresh cookie is scoped to the session endpoints; only they parse cookies. */
export const REFRESH_COOKIE_PATH = '/api/auth';

function client(req: Request): ClientInfo {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  private cookieOptions(): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.env !== 'development',
      path: REFRESH_COOKIE_PATH,
    };
  }

  private respond(res: Response, session: Session, includeRefresh: boolean): TokenResponse {
    res.cookie(REFRESH_COOKIE, session.refreshToken, {
      ...this.cookieOptions(),
      maxAge: this.config.auth.refreshTtlSeconds * 1000,
    });
    res.setHeader('Cache-Control', 'no-store');
    const body: TokenResponse = {
      access_token: session.accessToken,
      token_type: 'bearer',
      expires_in: session.expiresIn,
    };
    if (includeRefresh) {
      body.refresh_token = session.refreshToken;
    }
    return body;
  }

  @Post('login')
  @Public()
  @RateLimit('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username or e-mail; sets the refresh cookie' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ type: TokenResponse })
  @ApiResponse({ status: 401, type: ErrorEnvelope, description: 'Invalid credentials' })
  @ApiResponse({ status: 423, type: ErrorEnvelope, description: 'Locked after failed logins' })
  @ApiResponse({ status: 429, type: ErrorEnvelope, description: 'Too many attempts' })
  async login(
    @Body() body: LoginRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse> {
    const device = (req.cookies as Record<string, string | undefined>)[DEVICE_COOKIE];
    const session = await this.auth.login(body.username, body.password, client(req), device);
    const tokens = this.respond(res, session, false);
    res.cookie(DEVICE_COOKIE, session.deviceToken, {
      ...this.cookieOptions(),
      path: `${REFRESH_COOKIE_PATH}/login`,
      maxAge: DEVICE_TTL_SECONDS * 1000,
    });
    return tokens;
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the refresh token and get a new access token',
    description:
      'Reads the HttpOnly cookie (then `X-Requested-With: XMLHttpRequest` is required) or ' +
      '`refresh_token` in the body. Every refresh token works once; presenting a used one ' +
      'revokes the whole session, except within REFRESH_REUSE_GRACE_SECONDS of its rotation, ' +
      'when it gets the same successor again (parallel refreshes of one client).',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiResponse({ status: 401, type: ErrorEnvelope })
  @ApiResponse({ status: 403, type: ErrorEnvelope, description: 'CSRF header missing' })
  async refresh(
    @Body() body: RefreshRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse> {
    const fromBody = body.refresh_token;
    const fromCookie = (req.cookies as Record<string, string | undefined>)[REFRESH_COOKIE];
    if (!fromBody && fromCookie && req.headers['x-requested-with'] !== 'XMLHttpRequest') {
      throw new ForbiddenError(
        'Missing X-Requested-With: XMLHttpRequest header',
        'CSRF_CHECK_FAILED',
      );
    }
    const token = fromBody ?? fromCookie;
    if (!token) {
      throw new UnauthorizedError('No refresh token', 'INVALID_REFRESH_TOKEN');
    }
    try {
      return this.respond(res, await this.auth.refresh(token, client(req)), fromBody !== undefined);
    } catch (error) {
      if (!fromBody) {
        res.clearCookie(REFRESH_COOKIE, this.cookieOptions());
      }
      throw error;
    }
  }

  @Post('logout')
  @RequireRole('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke this session (or all, with `everywhere`) and clear the cookie' })
  @ApiOkResponse({ type: MessageResponse })
  async logout(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: LogoutRequest,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponse> {
    const token =
      body.refresh_token ?? (req.cookies as Record<string, string | undefined>)[REFRESH_COOKIE];
    await this.auth.logout(user.id, user.sessionId, token, body.everywhere === true);
    res.clearCookie(REFRESH_COOKIE, this.cookieOptions());
    return { message: 'Logged out' };
  }

  @Get('me')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The signed-in user, with permissions derived from the role' })
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentUser() user: AuthenticatedUser): Promise<UserResponse> {
    return UserResponse.from(await this.users.get(user.id));
  }

  @Post('change-password')
  @RequireRole('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change your password; every session is revoked' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'New password too weak' })
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ChangePasswordRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponse> {
    await this.auth.changePassword(user.id, body.current_password, body.new_password);
    res.clearCookie(REFRESH_COOKIE, this.cookieOptions());
    return { message: 'Password changed; please log in again' };
  }

  @Post('forgot-password')
  @Public()
  @RateLimit('forgot-password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'E-mail a password-reset token (valid 1 hour)',
    description: 'Answers the same whether or not the address belongs to an account.',
  })
  @ApiOkResponse({ type: MessageResponse })
  forgotPassword(@Body() body: ForgotPasswordRequest): MessageResponse {
    this.auth.forgotPassword(body.email);
    return { message: 'If the address belongs to an active account, a reset link has been sent' };
  }

  @Post('reset-password')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with a reset token; every session is revoked' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiResponse({ status: 400, type: ErrorEnvelope, description: 'Invalid token or weak password' })
  async resetPassword(@Body() body: ResetPasswordRequest): Promise<MessageResponse> {
    await this.auth.resetPassword(body.token, body.new_password);
    return { message: 'Password reset; please log in' };
  }
}

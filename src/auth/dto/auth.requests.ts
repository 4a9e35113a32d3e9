import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

import { trimmed } from '../../common/dto/query-transforms.js';

/** JSON or OAuth2 password-flow form (`grant_type=password`), so Swagger's Authorize works. */
export class LoginRequest {
  @ApiProperty({ description: 'Username or e-mail', example: 'admin' })
  @IsString()
  @Length(1, 254)
  username: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsString()
  @Length(1, 1024)
  password: string;

  @ApiPropertyOptional({ enum: ['password'] })
  @IsOptional()
  @IsIn(['password'])
  grant_type?: 'password';

  @ApiPropertyOptional({ description: 'Ignored (OAuth2 form field)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @ApiPropertyOptional({ description: 'Ignored (OAuth2 form field)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored (OAuth2 form field)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;
}

export class RefreshRequest {
  @ApiPropertyOptional({
    description:
      'For clients without cookies. Browsers rely on the HttpOnly cookie and must send ' +
      '`X-Requested-With: XMLHttpRequest`.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  refresh_token?: string;
}

export class LogoutRequest extends RefreshRequest {
  @ApiPropertyOptional({ description: 'Revoke every session of this user, not just this one' })
  @IsOptional()
  @IsBoolean()
  everywhere?: boolean;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  current_password: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  new_password: string;
}

export class ForgotPasswordRequest {
  @ApiProperty({ example: 'curator@example.org' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class ResetPasswordRequest {
  @ApiProperty({ description: 'The token from the reset e-mail' })
  @IsString()
  @Length(1, 512)
  token: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  new_password: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import type { UserEntity } from '../entities/user.entity.js';
import { permissionsFor, type Role, ROLES } from '../roles.js';

export class TokenResponse {
  @ApiProperty()
  access_token: string;

  @ApiProperty({ example: 'bearer' })
  token_type: 'bearer';

  @ApiProperty({ example: 1800, description: 'Access token lifetime in seconds' })
  expires_in: number;

  @ApiPropertyOptional({
    description: 'Only when the refresh token was sent in the body (non-browser clients)',
  })
  refresh_token?: string;
}

export class MessageResponse {
  @ApiProperty()
  message: string;
}

export class UserResponse {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) full_name: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: [String] }) permissions: string[];
  @ApiProperty() is_active: boolean;
  @ApiProperty() is_verified: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_login: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(user: UserEntity): UserResponse {
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      full_name: user.fullName,
      role: user.role,
      permissions: permissionsFor(user.role),
      is_active: user.isActive,
      is_verified: user.isVerified,
      last_login: user.lastLoginAt?.toISOString() ?? null,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
    };
  }
}

export class PageMeta {
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() page_size: number;
  @ApiProperty() pages: number;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) data: UserResponse[];
  @ApiProperty({ type: PageMeta }) meta: PageMeta;
}

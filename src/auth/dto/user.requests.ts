import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { toBoolean } from '../../common/dto/query-transforms.js';
import { type Role, ROLES } from '../roles.js';

export class RegisterUserRequest {
  @ApiProperty({ example: 'jdoe', description: '3–50 of letters, digits, _ and -' })
  @Matches(/^[A-Za-z0-9_-]{3,50}$/, { message: 'username must be 3-50 of [A-Za-z0-9_-]' })
  username: string;

  @ApiProperty({ example: 'jdoe@example.org' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 1024)
  password: string;

  @ApiPropertyOptional({ example: 'Jane Doe' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  full_name?: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'viewer' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    default: true,
    description: 'false creates the account disabled: it cannot sign in until an admin enables it',
  })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({
    default: true,
    description:
      'Recorded and shown only: accounts are created by an admin, so nothing waits on a ' +
      'verification step',
  })
  @IsOptional()
  @IsBoolean()
  is_verified?: boolean;
}

export class UpdateUserRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  full_name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_verified?: boolean;
}

/** Filters shared by both user lists. */
export class UserFilterQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Matches username, e-mail or full name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class ListUsersQuery extends UserFilterQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  page_size: number = 20;
}

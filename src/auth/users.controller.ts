import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import { ErrorEnvelope } from '../common/filters/error-envelope.js';
import { RequireRole } from './decorators/access.decorator.js';
import { type AuthenticatedUser, CurrentUser } from './decorators/current-user.decorator.js';
import { MessageResponse, UserResponse } from './dto/auth.responses.js';
import { RegisterUserRequest, UpdateUserRequest, UserFilterQuery } from './dto/user.requests.js';
import { UsersService } from './users.service.js';

/**
 * Most users a bare-array list returns. The original frontend reads the whole list at once;
 * the cap keeps one request bounded, and X-Total-Count says when it cut.
 */
export const USER_ARRAY_CAP = 1000;

@ApiTags('users')
@Controller('api/auth')
@RequireRole('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('register')
  @ApiOperation({
    summary: 'Create a user with a role',
    description:
      'Active and verified unless `is_active` / `is_verified` say otherwise (the original ' +
      'frontend sends both).',
  })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope, description: 'Username or e-mail taken' })
  async register(@Body() body: RegisterUserRequest): Promise<UserResponse> {
    const user = await this.users.register({
      username: body.username,
      email: body.email,
      password: body.password,
      fullName: body.full_name,
      role: body.role,
      isActive: body.is_active,
      isVerified: body.is_verified,
    });
    return UserResponse.from(user);
  }

  @Get('users')
  @ApiOperation({
    summary: "All users as a bare array (the original frontend's shape), at most 1,000",
    description:
      'Ordered by id, with the same filters as `GET /api/admin/users`. `X-Total-Count` ' +
      'gives how many users match; when it exceeds the array, the list was cut at ' +
      `${USER_ARRAY_CAP} and the paginated \`GET /api/admin/users\` has the rest.`,
  })
  @ApiOkResponse({
    type: [UserResponse],
    headers: {
      'X-Total-Count': { description: 'Users matching the filters', schema: { type: 'integer' } },
    },
  })
  async listAll(
    @Query() query: UserFilterQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse[]> {
    const { rows, total } = await this.users.list({
      role: query.role,
      isActive: query.is_active,
      search: query.search,
      limit: USER_ARRAY_CAP,
      offset: 0,
    });
    res.setHeader('X-Total-Count', String(total));
    return rows.map((u) => UserResponse.from(u));
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiResponse({ status: 404, type: ErrorEnvelope })
  async get(@Param('id', ParseIntPipe) id: number): Promise<UserResponse> {
    return UserResponse.from(await this.users.get(id));
  }

  @Put('users/:id')
  @ApiOperation({
    summary: 'Update e-mail, name, role or status',
    description: 'You cannot demote or deactivate yourself, nor the last active admin (409).',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateUserRequest,
  ): Promise<UserResponse> {
    const user = await this.users.update(actor.id, id, {
      email: body.email,
      fullName: body.full_name,
      role: body.role,
      isActive: body.is_active,
      isVerified: body.is_verified,
    });
    return UserResponse.from(user);
  }

  @Delete('users/:id')
  @ApiOperation({ summary: 'Delete a user (not yourself, not the last active admin)' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiResponse({ status: 409, type: ErrorEnvelope })
  async delete(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<MessageResponse> {
    await this.users.delete(actor.id, id);
    return { message: `User ${id} deleted` };
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { RequireRole } from './decorators/access.decorator.js';
import { UserListResponse, UserResponse } from './dto/auth.responses.js';
import { ListUsersQuery } from './dto/user.requests.js';
import { UsersService } from './users.service.js';

/**
 * The paginated user list. It lives here because `GET /api/auth/users` answers the bare
 * array the original frontend reads (docs/api.md, Compatibility with the original clients).
 */
@ApiTags('users')
@Controller('api/admin/users')
@RequireRole('admin')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users, paginated and filterable' })
  @ApiOkResponse({ type: UserListResponse })
  async list(@Query() query: ListUsersQuery): Promise<UserListResponse> {
    const { rows, total } = await this.users.list({
      role: query.role,
      isActive: query.is_active,
      search: query.search,
      limit: query.page_size,
      offset: (query.page - 1) * query.page_size,
    });
    return {
      data: rows.map((u) => UserResponse.from(u)),
      meta: {
        total,
        page: query.page,
        page_size: query.page_size,
        pages: Math.ceil(total / query.page_size),
      },
    };
  }
}

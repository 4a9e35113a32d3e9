import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class SitemapQuery {
  @ApiPropertyOptional({
    minimum: 1,
    description: 'One file of a split sitemap, as listed by the index `/sitemap.xml` answers',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  part?: number;
}

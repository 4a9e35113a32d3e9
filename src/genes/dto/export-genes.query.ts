import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { EXPORT_FORMATS, type ExportFormat } from '../export/export-formats.js';
import { ListGenesQuery } from './list-genes.query.js';

/**
 * The gene list's filters and sort, validated by the same declarations, without paging
 * (an export holds every matching gene), and the file format.
 */
export class ExportGenesQuery extends OmitType(ListGenesQuery, [
  'page[number]',
  'page[size]',
] as const) {
  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    description:
      'File format; when absent it follows the Accept header (text/csv, ' +
      'text/tab-separated-values, application/json), CSV for a missing or `*/*` Accept',
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of: ${EXPORT_FORMATS.join(', ')}` })
  format?: ExportFormat;
}

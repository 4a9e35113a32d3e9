import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { GENE_SYMBOL, HGNC_ID_INPUT } from '../../common/evidence/gene-identifiers.js';

export class CreateGeneRequest {
  @ApiProperty({ example: 'HGNC:9008' })
  @Matches(HGNC_ID_INPUT, { message: 'hgnc_id must look like HGNC:9008' })
  hgnc_id: string;

  @ApiProperty({ example: 'PKD1' })
  @Matches(GENE_SYMBOL, {
    message: 'approved_symbol must be a gene symbol (letters, digits, _ . @ -)',
  })
  approved_symbol: string;

  @ApiPropertyOptional({
    example: 'polycystin 1, transient receptor potential channel interacting',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(GENE_SYMBOL, { each: true, message: 'each alias must be a gene symbol' })
  aliases?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(GENE_SYMBOL, { each: true, message: 'each previous symbol must be a gene symbol' })
  previous_symbols?: string[];
}

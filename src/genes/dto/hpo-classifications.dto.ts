import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min } from 'class-validator';

export class HpoClassificationsRequest {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 1000, example: [1, 2, 3] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsInt({ each: true, message: 'each gene id must be an integer' })
  @Min(1, { each: true, message: 'each gene id must be positive' })
  @Max(2147483647, { each: true, message: 'each gene id must fit in 32 bits' })
  gene_ids: number[];
}

export class HpoClassificationRow {
  @ApiProperty() gene_id: number;
  @ApiProperty() gene_symbol: string;
  @ApiProperty({ nullable: true, type: String, example: 'glomerulopathy' })
  clinical_group: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'congenital' })
  onset_group: string | null;
  @ApiProperty() is_syndromic: boolean;
  @ApiProperty() kidney_phenotype_count: number;
}

export class HpoClassificationsMetadata {
  @ApiProperty() gene_count: number;
  @ApiProperty({ type: [Number], description: 'Requested ids without an HPO classification' })
  not_found: number[];
  @ApiProperty() fetch_time_ms: number;
}

export class HpoClassificationsResponse {
  @ApiProperty({ type: [HpoClassificationRow] }) data: HpoClassificationRow[];
  @ApiProperty() metadata: HpoClassificationsMetadata;
}

import { ApiProperty } from '@nestjs/swagger';

class MemoryFigures {
  @ApiProperty() rss_bytes: number;
  @ApiProperty() heap_used_bytes: number;
  @ApiProperty() heap_total_bytes: number;
  @ApiProperty() external_bytes: number;
}

class TableSizeFigures {
  @ApiProperty({ example: 'public.gene_evidence' }) table: string;
  @ApiProperty({ description: 'Table, indexes and TOAST' }) total_bytes: number;
  @ApiProperty({
    description:
      'Rows: the planner estimate once the table was analysed; before that an exact count (small tables) or the live-row statistic',
  })
  rows_estimate: number;
  @ApiProperty({
    enum: ['planner', 'count', 'statistics'],
    description: 'Where rows_estimate comes from',
  })
  rows_source: 'planner' | 'count' | 'statistics';
}

class DatabaseFigures {
  @ApiProperty() size_bytes: number;
  @ApiProperty({ type: [TableSizeFigures], description: 'The largest tables, largest first' })
  tables: TableSizeFigures[];
}

class L1Figures {
  @ApiProperty() entries: number;
  @ApiProperty() bytes: number;
  @ApiProperty() max_entries: number;
  @ApiProperty() max_bytes: number;
}

class L2Figures {
  @ApiProperty() entries: number;
  @ApiProperty() bytes: number;
}

class CacheFigures {
  @ApiProperty({ type: L1Figures, description: 'This instance’s memory cache' }) l1: L1Figures;
  @ApiProperty({ type: L2Figures, description: 'The shared cache table' }) l2: L2Figures;
}

class QueueFigures {
  @ApiProperty({ type: Object, example: { queued: 1, running: 1 } })
  runs: Record<string, number>;
  @ApiProperty({ type: Object, example: { created: 2, active: 1 }, description: 'pg-boss jobs' })
  jobs: Record<string, number>;
}

export class SystemResponse {
  @ApiProperty({ example: 'production' }) environment: string;
  @ApiProperty() uptime_seconds: number;
  @ApiProperty({ type: MemoryFigures }) memory: MemoryFigures;
  @ApiProperty({ type: DatabaseFigures }) database: DatabaseFigures;
  @ApiProperty({ type: CacheFigures }) cache: CacheFigures;
  @ApiProperty({ type: QueueFigures }) queue: QueueFigures;
}

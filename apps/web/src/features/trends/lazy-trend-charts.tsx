import './trends.css';
import type { Role, TrendsDto } from '@alliance/shared';
import { lazy, Suspense } from 'react';
import { Loading } from '../../components/layout.js';

// The charting library loads only where charts are shown.
const TrendCharts = lazy(() => import('./trend-charts.js').then((module) => ({ default: module.TrendCharts })));

/** The trend charts, loaded when first shown. */
export function LazyTrendCharts({ trends, reader }: { trends: TrendsDto; reader: Role }) {
  return (
    <Suspense fallback={<Loading label="Drawing the trends…" />}>
      <TrendCharts trends={trends} reader={reader} />
    </Suspense>
  );
}

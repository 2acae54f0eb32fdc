import './trends.css';
import {
  CHECKIN_ITEM_SHORT,
  CHECKIN_ITEMS,
  DECISION_PREFERENCE_LABELS,
  MAX_CHECKIN_TOTAL,
  seriesSummary,
  STEERING_LABELS,
  steeringGapWords,
  type Role,
  type TrendMarkerDto,
  type TrendPointDto,
  type TrendsDto,
} from '@alliance/shared';
import { useId, useState, type ReactNode } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { Button } from '../../components/button.js';
import { formatDay } from '../../lib/dates.js';

/** One chart's series: a value per session. */
interface Series {
  key: string;
  title: string;
  max: number;
  value: (point: TrendPointDto) => number;
}

const TOTAL_SERIES: Series = { key: 'total', title: 'All four together', max: MAX_CHECKIN_TOTAL, value: (point) => point.total };
const ITEM_SERIES: Series[] = CHECKIN_ITEMS.map((item) => ({ key: item, title: CHECKIN_ITEM_SHORT[item], max: 10, value: (point: TrendPointDto) => point.items[item] }));

/** The notes that sit at a session, in a few words each. */
function notesAt(notes: readonly TrendMarkerDto[], session: number): TrendMarkerDto[] {
  return notes.filter((note) => note.atSession === session);
}

const sessionTick = (session: number) => `S${session}`;

/**
 * The check-in trend as charts: each of the four items and their total over the sessions, and
 * who steered against the steering the client would like. Each chart has a sentence saying
 * what it shows and a table of its numbers; notes beside the trend are markers on every chart.
 */
export function TrendCharts({ trends, reader }: { trends: TrendsDto; reader: Role }) {
  if (trends.points.length === 0) return <p className="muted">No check-ins to show yet. They appear here, session by session, once {reader === 'client' ? 'you answer them' : 'your client answers them'}.</p>;
  const sessions = trends.points.map((point) => point.sessionNumber);
  const markers = trends.notes.filter((note) => note.atSession !== null && note.atSession >= Math.min(...sessions) && note.atSession <= Math.max(...sessions));
  return (
    <div className="trend-charts">
      <ScoreChart series={TOTAL_SERIES} points={trends.points} notes={markers} wide />
      {ITEM_SERIES.map((series) => (
        <ScoreChart key={series.key} series={series} points={trends.points} notes={markers} />
      ))}
      <SteeringChart trends={trends} notes={markers} reader={reader} />
    </div>
  );
}

/** A chart's frame: its title, its sentence, the chart (hidden from screen readers, which get the sentence and the table) and the table. */
function ChartFigure({ title, summary, chart, table, wide = false }: { title: string; summary: string; chart: ReactNode; table: ReactNode; wide?: boolean }) {
  const id = useId();
  const [asTable, setAsTable] = useState(false);
  return (
    <figure className={wide ? 'trend-chart trend-chart--wide' : 'trend-chart'} aria-labelledby={`${id}-title`}>
      <h3 className="trend-chart__title" id={`${id}-title`}>
        {title}
      </h3>
      <figcaption className="trend-chart__summary">{summary}</figcaption>
      <div className="trend-chart__plot" aria-hidden="true">
        {chart}
      </div>
      <Button variant="quiet" className="trend-chart__toggle" aria-expanded={asTable} aria-controls={`${id}-table`} onClick={() => setAsTable((shown) => !shown)}>
        {asTable ? 'Hide the table' : 'Show as a table'}
      </Button>
      <div id={`${id}-table`} hidden={!asTable} className="trend-chart__table">
        {table}
      </div>
    </figure>
  );
}

/** A dashed line at each session that has a note (as an array of children: the chart reads its own children). */
function noteMarkers(notes: readonly TrendMarkerDto[]) {
  const sessions = [...new Set(notes.map((note) => note.atSession!))];
  return sessions.map((session) => <ReferenceLine key={session} x={session} stroke="var(--clay)" strokeDasharray="4 3" label={{ value: '✎', position: 'top', fill: 'var(--clay)' }} />);
}

const axisProps = { stroke: 'var(--muted)', tick: { fill: 'var(--muted)', fontSize: 12 } };

/** A line over the sessions, with a marker at each session that has a note; the caller gives the value axis and any guide line. */
function SessionPlot({ data, notes, height, left, yAxis, guide }: { data: readonly { session: number; value: number }[]; notes: readonly TrendMarkerDto[]; height: number; left: number; yAxis: ReactNode; guide?: ReactNode }) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={[...data]} margin={{ top: 20, right: 16, bottom: 0, left }} accessibilityLayer={false}>
        <CartesianGrid stroke="var(--border)" vertical={false} />
        <XAxis dataKey="session" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} ticks={data.map((point) => point.session)} tickFormatter={sessionTick} padding={{ left: 20, right: 20 }} {...axisProps} />
        {yAxis}
        {guide}
        {noteMarkers(notes)}
        <Line type="linear" dataKey="value" stroke="var(--accent)" strokeWidth={2.5} dot={{ r: 4, fill: 'var(--accent)' }} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

function ScoreChart({ series, points, notes, wide = false }: { series: Series; points: readonly TrendPointDto[]; notes: readonly TrendMarkerDto[]; wide?: boolean }) {
  const data = points.map((point) => ({ session: point.sessionNumber, value: series.value(point) }));
  return (
    <ChartFigure
      wide={wide}
      title={series.title}
      summary={seriesSummary(series.title, data, series.max)}
      chart={
        <SessionPlot data={data} notes={notes} height={180} left={-16} yAxis={<YAxis domain={[0, series.max]} allowDecimals={false} tickCount={series.max === 10 ? 6 : 5} width={44} {...axisProps} />} />
      }
      table={
        <table className="trend-table">
          <caption className="visually-hidden">{series.title}, by session</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Score (of {series.max})</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {points.map((point, index) => (
              <tr key={point.sessionId}>
                <th scope="row">{sessionName(point)}</th>
                <td>{data[index]!.value}</td>
                <td>{noteWords(notesAt(notes, point.sessionNumber))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function SteeringChart({ trends, notes, reader }: { trends: TrendsDto; notes: readonly TrendMarkerDto[]; reader: Role }) {
  const data = trends.points.map((point) => ({ session: point.sessionNumber, value: point.steering }));
  const last = trends.points.at(-1)!;
  const preference = trends.preference ? DECISION_PREFERENCE_LABELS[trends.preference] : null;
  const summary =
    trends.preferredSteering === null || last.steeringGap === null
      ? `Who steered: “${STEERING_LABELS[last.steering]}” at session ${last.sessionNumber}. No preferred role has been chosen yet, so there is nothing to compare it with.`
      : `Who steered: “${STEERING_LABELS[last.steering]}” at session ${last.sessionNumber}, against the preferred “${preference}” (${STEERING_LABELS[trends.preferredSteering]}): ${steeringGapWords(last.steeringGap, reader)}.`;
  return (
    <ChartFigure
      wide
      title="Who steered, and who would like to"
      summary={summary}
      chart={
        <SessionPlot
          data={data}
          notes={notes}
          height={200}
          left={8}
          yAxis={<YAxis domain={[-2, 2]} ticks={[-2, 0, 2]} tickFormatter={(value: number) => steeringTick(value, reader)} width={78} {...axisProps} />}
          guide={trends.preferredSteering !== null && <ReferenceLine y={trends.preferredSteering} stroke="var(--sky)" strokeWidth={2} strokeDasharray="6 4" label={{ value: 'Preferred', position: 'insideBottomLeft', fill: 'var(--sky)', fontSize: 12 }} />}
        />
      }
      table={
        <table className="trend-table">
          <caption className="visually-hidden">Who steered, by session</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Who steered</th>
              <th scope="col">Against the preference{preference ? ` (${preference})` : ''}</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {trends.points.map((point) => (
              <tr key={point.sessionId}>
                <th scope="row">{sessionName(point)}</th>
                <td>{STEERING_LABELS[point.steering]}</td>
                <td>{point.steeringGap === null ? 'No preference chosen' : steeringGapWords(point.steeringGap, reader)}</td>
                <td>{noteWords(notesAt(notes, point.sessionNumber))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/** The steering axis in the reader's words: who led, from the therapist to the client. */
function steeringTick(value: number, reader: Role): string {
  if (value === 0) return 'Shared';
  if (value < 0) return reader === 'therapist' ? 'You led' : 'Therapist led';
  return reader === 'client' ? 'You led' : 'Client led';
}

function sessionName(point: TrendPointDto): string {
  return point.sessionAt ? `Session ${point.sessionNumber}, ${formatDay(point.sessionAt)}` : `Session ${point.sessionNumber}`;
}

function noteWords(notes: readonly TrendMarkerDto[]): string {
  return notes.length === 0 ? '—' : notes.map((note) => note.text).join('; ');
}

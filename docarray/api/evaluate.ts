/**
 * `DocumentArray.evaluate`: ranking metrics of each document's matches against the matches of its ground-truth
 * document (docarray's `evaluate`): a match is relevant when the ground truth lists its id.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DocumentProto } from "../../proto/gen/docarray_pb.ts";
import { toNamedScoreProto } from "../named-score.ts";

/** A ranking metric: binary relevance of the ranked matches, how many relevant exist, and `k`. */
export type RankingMetric = (relevance: number[], relevantCount: number, k: number) => number;

const dcg = (r: number[]) => r.reduce((sum, rel, i) => sum + (i === 0 ? rel : rel / Math.log2(i + 1)), 0);

/**
 * The built-in metrics, by docarray's names: `precision_at_k`, `recall_at_k`, `hit_at_k`, `reciprocal_rank`,
 * `ndcg_at_k`, `average_precision`, `f1_score_at_k`.
 *
 * @example
 * ```ts
 * rankingMetrics.recall_at_k([1, 0, 1], 4, 3); // 0.5
 * ```
 */
export const rankingMetrics: Record<string, RankingMetric> = {
  precision_at_k: (r, _, k) => (Math.min(k, r.length) === 0 ? 0 : r.slice(0, k).reduce((a, b) => a + b, 0) / Math.min(k, r.length)),
  recall_at_k: (r, n, k) => (n === 0 ? 0 : r.slice(0, k).reduce((a, b) => a + b, 0) / n),
  hit_at_k: (r, _, k) => (r.slice(0, k).some((x) => x > 0) ? 1 : 0),
  reciprocal_rank: (r) => {
    const first = r.findIndex((x) => x > 0);
    return first < 0 ? 0 : 1 / (first + 1);
  },
  ndcg_at_k: (r, _, k) => {
    const top = r.slice(0, k);
    const ideal = dcg([...top].sort((a, b) => b - a));
    return ideal === 0 ? 0 : dcg(top) / ideal;
  },
  average_precision: (r, n) => {
    let hits = 0;
    let sum = 0;
    r.forEach((rel, i) => {
      if (rel > 0) sum += ++hits / (i + 1);
    });
    return n === 0 ? 0 : sum / n;
  },
  f1_score_at_k: (r, n, k) => {
    const p = rankingMetrics.precision_at_k!(r, n, k);
    const rec = rankingMetrics.recall_at_k!(r, n, k);
    return p + rec === 0 ? 0 : (2 * p * rec) / (p + rec);
  },
};

/** Options of {@link evaluateMatches}. */
export interface EvaluateOptions {
  /** Metric names (built-in) or named functions; default `["precision_at_k", "recall_at_k"]`. */
  metrics?: (string | [string, RankingMetric])[];
  /** Cut-off (default: every match). */
  k?: number;
  /** Pair documents with the ground truth by id instead of by position. */
  byId?: boolean;
}

/**
 * Scores every document's matches against its ground truth, stores `evaluations[metric]` on the document, and
 * returns the mean of each metric.
 *
 * @example
 * ```ts
 * evaluateMatches(results.protos, truth.protos, { metrics: ["recall_at_k", "ndcg_at_k"], k: 10 });
 * // { recall_at_k: 0.93, ndcg_at_k: 0.88 }
 * ```
 */
export function evaluateMatches(docs: DocumentProto[], truth: DocumentProto[], options: EvaluateOptions = {}): Record<string, number> {
  const metrics = (options.metrics ?? ["precision_at_k", "recall_at_k"]).map((m): [string, RankingMetric] => {
    if (Array.isArray(m)) return m;
    const fn = rankingMetrics[m];
    if (!fn) throw new JinaError(`evaluate: unknown metric ${JSON.stringify(m)}: use ${Object.keys(rankingMetrics).join(", ")} or a [name, function] pair`, ErrorCode.InvalidArgument);
    return [m, fn];
  });
  if (!options.byId && truth.length !== docs.length) {
    throw new JinaError(`evaluate: ${docs.length} documents but ${truth.length} ground-truth documents (pair by position, or pass byId)`, ErrorCode.InvalidArgument);
  }
  const truthById = options.byId ? new Map(truth.map((t) => [t.id, t])) : undefined;
  const sums = new Map<string, number>(metrics.map(([name]) => [name, 0]));
  docs.forEach((doc, i) => {
    const expected = truthById ? truthById.get(doc.id) : truth[i];
    if (!expected) throw new JinaError(`evaluate: no ground truth for document ${doc.id}`, ErrorCode.InvalidArgument);
    const relevant = new Set(expected.matches.map((m) => m.id));
    const relevance = doc.matches.map((m) => (relevant.has(m.id) ? 1 : 0));
    const k = options.k ?? relevance.length;
    for (const [name, fn] of metrics) {
      const value = fn(relevance, relevant.size, k);
      doc.evaluations[name] = toNamedScoreProto({ value });
      sums.set(name, (sums.get(name) ?? 0) + value);
    }
  });
  return Object.fromEntries([...sums].map(([name, sum]) => [name, docs.length === 0 ? 0 : sum / docs.length]));
}

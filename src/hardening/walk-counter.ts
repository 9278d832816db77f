/**
 * Counts the selections a document walk visits. Optional instrumentation: tests pass one to
 * prove that validation work grows linearly with the document, by counting instead of timing.
 */
export interface WalkCounter {
  visits: number;
}

import type { QuantityRow } from '../claims/claim-facets.repository.js';
import { partialDate, partialDateLabel, quantityText } from '../common/time-and-quantity.schema.js';
import type { ClaimRow } from '../db/rows.js';
import { present } from './stix-properties.js';

// A claim travels as a STIX note: its text for any reader (content), and its structure for a
// platform that knows our claim extension (CLAIM_EXTENSION in stix-definitions.ts).

/** The note's text: the statement, then each quantity, the valid time, likelihood and quote. */
export function claimContent(claim: ClaimRow, quantities: readonly QuantityRow[]): string {
  const from = partialDate(claim.valid_from, claim.valid_from_precision);
  const to = partialDate(claim.valid_to, claim.valid_to_precision);
  const validTime =
    from || to
      ? `${from ? partialDateLabel(from) : '…'} to ${to ? partialDateLabel(to) : '…'}`
      : null;
  return [
    claim.statement,
    ...quantities.map(
      (quantity) =>
        `Quantity (${(quantity.label ?? quantity.role).toLowerCase().replaceAll('_', ' ')}): ${quantityText(quantity)}.`,
    ),
    validTime
      ? `Valid: ${validTime}${claim.valid_time_note ? ` (${claim.valid_time_note})` : ''}.`
      : null,
    claim.likelihood ? `Likelihood: ${claim.likelihood.toLowerCase().replaceAll('_', ' ')}.` : null,
    claim.quote ? `Quote: “${claim.quote}”` : null,
  ]
    .filter((line) => line !== null)
    .join('\n');
}

/** The claim extension's properties: kind, status, predicate, span, quantities, valid time. */
export function claimExtension(claim: ClaimRow, quantities: readonly QuantityRow[]) {
  return present({
    extension_type: 'property-extension',
    kind: claim.kind,
    status: claim.status,
    predicate: claim.predicate,
    likelihood: claim.likelihood,
    quote: claim.quote,
    span:
      claim.span_start !== null && claim.span_end !== null
        ? { start: claim.span_start, end: claim.span_end }
        : null,
    quantities: quantities.map((quantity) =>
      present({
        role: quantity.role,
        label: quantity.label,
        kind: quantity.kind,
        qualifier: quantity.qualifier,
        value: quantity.value,
        min: quantity.min,
        max: quantity.max,
        unit: quantity.unit,
        currency: quantity.currency,
        wording: quantity.wording,
      }),
    ),
    valid_time:
      claim.valid_from || claim.valid_to || claim.valid_time_note
        ? present({
            from: claim.valid_from,
            from_precision: claim.valid_from_precision,
            to: claim.valid_to,
            to_precision: claim.valid_to_precision,
            note: claim.valid_time_note,
          })
        : null,
  });
}

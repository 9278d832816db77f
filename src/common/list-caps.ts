/**
 * Hard caps of the small lists that are not connections (see README "Cost and size limits").
 * Writes beyond a cap are refused with a ValidationError; reads return at most the cap; and
 * each field declares it as `extensions.maxItems`, which the cost rule counts it at.
 */
export const LIST_CAPS = {
  briefingTags: 50,
  briefingAuthors: 20,
  briefingMedia: 50,
  claimObjects: 20,
  /** A claim's quantities and dated qualifiers (the database caps their positions too). */
  claimQuantities: 20,
  claimDates: 20,
  actorAliases: 50,
  actorExternalIds: 50,
  /** `Source.actors`: who speaks, wrote, published or is the subject. */
  sourceActors: 20,
  /** `Claim.participants`, `ActorRelationship.participants`: parties beyond the two ends. */
  participants: 20,
  /** `Source.derivationChain`: how far up a relay chain reads and writes go. */
  derivationChain: 32,
  /** `nodes(ids:)`: ids per call. */
  nodes: 100,
  /** `Actor.neighbourhood`: hops, one level each, and the links among the actors reached. */
  neighbourhoodLevels: 3,
  neighbourhoodRelationships: 1000,
  /** `Claim.corroboration`: its citations followed to their origins, and the origins. */
  corroborationChains: 100,
  /** `Claim.contradictions`: more are paged by the root `contradictions`. */
  claimContradictions: 50,
  /** `path`: hops at most; a path has one more actor than relationships. */
  pathRelationships: 6,
  /** `webhookEndpoints`: partner endpoints an admin lists at once. */
  webhookEndpoints: 100,
  /** `webhookDeliveries`: an endpoint's deliveries per call, newest first. */
  webhookDeliveries: 100,
  /** `WebhookEndpoint.events`: every event type once. */
  webhookEvents: 10,
} as const;

/** Field options declaring a small list's cap: `extensions.maxItems`, for the cost rule. */
export function cappedList(maxItems: number): { extensions: { maxItems: number } } {
  return { extensions: { maxItems } };
}

/** One parent's list cut to its cap, for rows written before the cap existed. */
export function capLists<T>(lists: T[][], cap: number): T[][] {
  return lists.map((list) => (list.length > cap ? list.slice(0, cap) : list));
}
